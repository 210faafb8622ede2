/* ISC license. */

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#include <skalibs/types.h>

#include "sprun.h"

 /*
    Whom the service's signals go to now: a pid, or minus a process
    group. One atomic word, read once per send, so it can change while
    the runner runs (a new main process) and be read from a signal
    handler. It is cleared as soon as the process is known to be dead
    and before it is reaped: until the reap, its pid cannot name anyone
    else, so nothing sent through here can reach a stranger.
 */

static atomic_int current = 0 ;

void sprun_target_set (pid_t pid, int group)
{
  atomic_store(&current, group ? -pid : pid) ;
}

void sprun_target_clear (void)
{
  atomic_store(&current, 0) ;
}

 /* the process (or the group's leader) signals go to, 0 if none */
pid_t sprun_target (void)
{
  pid_t t = atomic_load(&current) ;
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
  pid_t t = atomic_load(&current) ;
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
