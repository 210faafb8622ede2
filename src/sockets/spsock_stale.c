/* ISC license. */

#include <string.h>

#include <skalibs/bytestr.h>

#include "spsock.h"

extern char **environ ;

 /*
    Every variable that one of the dialects sets is removed first, and
    the chosen dialect then sets its own: a LISTEN_FDS (or NGINX, or
    FPM_SOCKETS) left in the environment by a parent, naming fds that
    are not there, never reaches prog. haproxy's variables are named by
    -n, and are not known here.
 */

static char const known[] = "LISTEN_FDS\0LISTEN_PID\0LISTEN_FDNAMES\0NGINX\0FPM_SOCKETS\0EINHORN_FD_COUNT" ;

 /* EINHORN_FD_0, EINHORN_FD_1...: digits after the prefix, then = */
static size_t einhorn_fd (char const *s)
{
  size_t p = sizeof("EINHORN_FD_") - 1, i = p ;
  if (strncmp(s, "EINHORN_FD_", p)) return 0 ;
  while (s[i] >= '0' && s[i] <= '9') i++ ;
  return i > p && s[i] == '=' ? i : 0 ;
}

void spsock_stale (stralloc *sa)
{
  spsock_cat(sa, known, sizeof(known)) ;
  for (char **e = environ ; *e ; e++)
  {
    size_t len = einhorn_fd(*e) ;
    if (len)
    {
      spsock_cat(sa, *e, len) ;
      spsock_cat(sa, "", 1) ;
    }
  }
}
