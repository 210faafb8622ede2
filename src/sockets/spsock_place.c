/* ISC license. */

#include <skalibs/djbunix.h>
#include <skalibs/socket.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "spsock.h"

 /* Listen, then put the socket on fd want, inherited across the exec. */

void spsock_place (int fd, int want, unsigned int backlog, char const *what)
{
  char fmt[UINT_FMT] ;
  if (socket_listen(fd, (int)backlog) < 0) strerr_diefu2sys(111, "listen on ", what) ;
  fmt[uint_fmt(fmt, (unsigned int)want)] = 0 ;
  if (fd != want && fd_move(want, fd) < 0) strerr_diefu4sys(111, "move the socket of ", what, " to fd ", fmt) ;
  if (uncoe(want) < 0) strerr_diefu2sys(111, "clear close-on-exec on fd ", fmt) ;
}
