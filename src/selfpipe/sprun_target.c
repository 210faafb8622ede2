/* ISC license. */

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <skalibs/types.h>

#include "sprun.h"

 /*
    Whom the service's signals go to now: a pid, or minus a process
    group. It is the library's forwarding target (sp_forward_target):
    one atomic word, read once per send, by the loop here and by the
    signal handler for what sprun_fast.c lets it forward. It can change
    while the runner runs (a new main process). It is cleared as soon
    as the process is known to be dead and before it is reaped
    (sprun_reap.c): until the reap, its pid cannot name anyone else, so
    nothing sent through here, from the loop or from the handler, can
    reach a stranger.
 */

 /* The handler forwards only to the runner's own child: the reap sees
    its death before its pid is free (sprun_reap.c). Any other process
    (a MAINPID= further down) is the loop's alone: off before it is the
    target, on again after the child is. */
void sprun_target_set (pid_t pid, int group)
{
  pid_t ppid = 0 ;
  int own = pid == sprun.child || (sprun_proc_stat(pid, 0, &ppid) == 0 && ppid == sprun.self) ;
  if (!own) sprun_fast(0) ;
  sp_forward_target(group ? -pid : pid) ;
  if (own) sprun_fast(1) ;
}

void sprun_target_clear (void)
{
  sp_forward_target(0) ;
}

 /* the process (or the group's leader) signals go to, 0 if none */
pid_t sprun_target (void)
{
  pid_t t = sp_forward_current() ;
  return t < 0 ? -t : t ;
}

 /* A process of the service that is not the target (-U: a new master
    rolled back, or stopped with the old one): signalled only while it
    is a living descendant of the runner. */

int sprun_target_kill_other (pid_t pid, int sig)
{
  if (!sprun_descendant(pid)) return (errno = ESRCH, -1) ;
  return kill(pid, sig) ;
}

int sprun_target_kill (int sig, pid_t *whom)
{
  pid_t t = sp_forward_current() ;
  if (whom) *whom = t ;
  if (!t) return (errno = ESRCH, -1) ;
  return kill(t, sig) ;
}

 /* "SIGUSR2 to pid 813", "SIGUSR2 to group 813" */
size_t sprun_fmt_target (char *s, int sig, pid_t whom)
{
  size_t len = sp_sig_fmt(s, sig) ;
  char const *word = whom < 0 ? " to group " : " to pid " ;
  size_t n = strlen(word) ;
  memcpy(s + len, word, n) ; len += n ;
  len += pid_fmt(s + len, whom < 0 ? -whom : whom) ;
  s[len] = 0 ;
  return len ;
}
