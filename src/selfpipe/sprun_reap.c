/* ISC license. */

#include <errno.h>
#include <sys/wait.h>

#include <skalibs/types.h>

#include "sprun.h"

 /*
    SIGCHLD deliveries coalesce: reap everything there is. The main
    child's status decides the exit; hooks decide their signal; other
    children are orphans (-s, or as PID 1).
    Each dead process is first seen without being reaped (WNOWAIT):
    while it is a zombie its pid is still its own, so the target is
    cleared, and a hook's leftovers are killed, before that pid can
    name anybody else. The order matters most for the signal handler,
    which forwards on its own (sprun_fast.c) at any moment: a delivery
    before the clear reaches the zombie, harmlessly; one after it finds
    no target and sends nothing. Reaping first would leave a window in
    which the handler sends to a pid that may already be a stranger's.
    tests/run-reap-order.t holds the runner here, between the clear
    and the reap, under a flood.
 */

static pid_t next_dead (void)
{
  for (;;)
  {
    siginfo_t si ;
    si.si_pid = 0 ;
    if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
    {
      if (errno == EINTR) continue ;
      return 0 ;
    }
    return si.si_pid ;
  }
}

void sprun_reap (void)
{
  pid_t pid ;
  while ((pid = next_dead()) > 0)
  {
    char fmt[PID_FMT] ;
    char st[SPRUN_STATUS_MAX] ;
    int wstat ;
    /* the child, or the main process it named (MAINPID=) */
    if (pid == sprun.child || pid == sprun_target())
    {
      /* what it said before it died is in the notify socket already
         (a datagram is queued when send returns): read it while the
         pid is still its own and the target, or a STOPPING=1 sent
         just before the exit would be lost with the runner's exit */
      if (!sprun_gen_ops) sprun_notify_read() ;
      sprun_target_clear() ;
      sprun_ready_dead(pid) ;
    }
    /* selfpipe-gen: a generation that is not the current one */
    else if (sprun_gen_ops && (*sprun_gen_ops->reaping)(pid)) ;
    else if (!sprun_check_reaping(pid)) sprun_hook_reaping(pid) ;
    sprun_test_reap_pause(pid) ;
    while (waitpid(pid, &wstat, 0) < 0)
      if (errno != EINTR) return ;
    fmt[pid_fmt(fmt, pid)] = 0 ;
    sprun_fmt_status(st, wstat) ;
    if (pid == sprun.child)
    {
      sprun.child = 0 ;
      sprun_tty_ended() ;
      /* -P: the launcher or the master; the service may go on */
      if (sprun_follow_ended(pid, wstat)) continue ;
      sprun_follow_orphans(wstat) ;
      sprun.wstat = wstat ;
      sprun.done = 1 ;
      sprun_log(SPRUN_INFO, SPRUN_LE_EXIT, "child ", fmt, " ", st) ;
    }
    else if (sprun_gen_ops && (*sprun_gen_ops->end)(pid, wstat)) ;
    else if (!sprun_hook_end(pid, wstat) && !sprun_check_end(pid, wstat))
      sprun_log(SPRUN_DEBUG, SPRUN_LE_EXIT, "orphan ", fmt, " ", st) ;
  }
}
