/* ISC license. */

#include <errno.h>
#include <sys/wait.h>

#include <skalibs/types.h>

#include "sprun.h"

 /* SIGCHLD deliveries coalesce: reap everything there is. The main
    child's status decides the exit; hooks decide their signal; other
    children are orphans (-s, or as PID 1). */

void sprun_reap (void)
{
  for (;;)
  {
    char fmt[PID_FMT] ;
    char st[SPRUN_STATUS_MAX] ;
    int wstat ;
    pid_t pid = waitpid(-1, &wstat, WNOHANG) ;
    if (pid < 0 && errno == EINTR) continue ;
    if (pid <= 0) break ;
    fmt[pid_fmt(fmt, pid)] = 0 ;
    sprun_fmt_status(st, wstat) ;
    if (pid == sprun.child)
    {
      sprun.child = 0 ;
      sprun.wstat = wstat ;
      sprun.done = 1 ;
      sprun_log(SPRUN_INFO, "child ", fmt, " ", st) ;
    }
    else if (!sprun_hook_end(pid, wstat))
      sprun_log(SPRUN_DEBUG, "orphan ", fmt, " ", st) ;
  }
}
