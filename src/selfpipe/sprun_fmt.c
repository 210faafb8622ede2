/* ISC license. */

#include <string.h>
#include <sys/wait.h>

#include <skalibs/types.h>

#include "sprun.h"

 /* The pieces of the log lines, NUL-terminated. */

static size_t cat (char *s, size_t len, char const *t)
{
  size_t n = strlen(t) ;
  memcpy(s + len, t, n) ;
  return len + n ;
}

 /* "SIGHUP from pid 812 uid 0", "SIGWINCH from kernel" */
size_t sprun_fmt_event (char *s, sp_info const *info)
{
  size_t len = sp_sig_fmt(s, info->sig) ;
  if (info->pid > 0)
  {
    len = cat(s, len, " from pid ") ;
    len += pid_fmt(s + len, info->pid) ;
    len = cat(s, len, " uid ") ;
    len += uid_fmt(s + len, info->uid) ;
  }
  else if (info->code == SI_KERNEL || info->code > 0)
    len = cat(s, len, " from kernel") ;
  else
    len = cat(s, len, " from unknown sender") ;
  s[len] = 0 ;
  return len ;
}

 /* "exited 3", "killed by SIGTERM" */
size_t sprun_fmt_status (char *s, int wstat)
{
  size_t len ;
  if (WIFSIGNALED(wstat))
  {
    len = cat(s, 0, "killed by ") ;
    len += sp_sig_fmt(s + len, WTERMSIG(wstat)) ;
  }
  else
  {
    len = cat(s, 0, "exited ") ;
    len += uint_fmt(s + len, WEXITSTATUS(wstat)) ;
  }
  s[len] = 0 ;
  return len ;
}

 /* "SIGUSR2 to pid 813", "SIGUSR2 to group 813" */
size_t sprun_fmt_pidtarget (char *s, int sig, pid_t pid, int group)
{
  size_t len = sp_sig_fmt(s, sig) ;
  len = cat(s, len, group ? " to group " : " to pid ") ;
  len += pid_fmt(s + len, pid) ;
  s[len] = 0 ;
  return len ;
}
