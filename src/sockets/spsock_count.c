/* ISC license. */

#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "spsock.h"

 /*
    The fds handed on are 3 to 3+n-1. With -c, n is given and each of
    them must be an open socket. Without it, n counts the sockets from
    fd 3 up to the first fd that is closed or not a socket (an s6
    notification-fd after them stays open and is not counted). fd 3
    open and not a socket is an error either way: the chain before this
    one did not put a socket there.
 */

static void die_fd (unsigned int fd, char const *why)
{
  char fmt[UINT_FMT] ;
  fmt[uint_fmt(fmt, fd)] = 0 ;
  strerr_dief3x(111, "fd ", fmt, why) ;
}

unsigned int spsock_count (unsigned int given)
{
  unsigned int n = 0 ;
  int kind = SPSOCK_SOCKET ;
  if (given)
  {
    for (; n < given ; n++)
    {
      kind = spsock_fd_kind(SPSOCK_FIRSTFD + n) ;
      if (kind == SPSOCK_CLOSED) die_fd(SPSOCK_FIRSTFD + n, " is not open (-c counts it)") ;
      if (kind == SPSOCK_OTHER) die_fd(SPSOCK_FIRSTFD + n, " is not a socket") ;
    }
    return n ;
  }
  while (n < SPSOCK_MAX && (kind = spsock_fd_kind(SPSOCK_FIRSTFD + n)) == SPSOCK_SOCKET) n++ ;
  if (n) return n ;
  if (kind == SPSOCK_OTHER) die_fd(SPSOCK_FIRSTFD, " is not a socket") ;
  strerr_dief1x(111, "no fds to hand on: fd 3 is not open (selfpipe-bind, or s6-fdholder-retrieve, puts them there)") ;
}
