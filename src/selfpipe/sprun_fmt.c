/* ISC license. */

#include <string.h>
#include <sys/wait.h>

#include <skalibs/types.h>

#include "sprun.h"

 /* A wait status in words, NUL-terminated. */

static size_t cat (char *s, size_t len, char const *t)
{
  size_t n = strlen(t) ;
  memcpy(s + len, t, n) ;
  return len + n ;
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
