/* ISC license. */

#include <netinet/in.h>
#include <sys/socket.h>

#include <skalibs/socket.h>
#include <skalibs/strerr.h>

#include "spsock.h"

 /*
    A blocking socket, as systemd hands them: the daemon makes it
    non-blocking if it wants to. An IPv6 socket is IPv6 only, as nginx
    binds them: [::]:80 and 0.0.0.0:80 can then both be given, and
    [::]:80 does not take the IPv4 port behind the user's back.
 */

int spsock_tcp_bind (spsock_tcp const *t, char const *what)
{
  int fd = t->is6 ? socket_tcp6_b() : socket_tcp4_b() ;
  if (fd < 0) strerr_diefu3sys(111, "create a socket for ", what, "") ;
  if (t->is6)
  {
    int one = 1 ;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
      strerr_diefu3sys(111, "make the socket for ", what, " IPv6 only") ;
  }
  if ((t->is6 ? socket_bind6_reuse(fd, t->ip, t->port) : socket_bind4_reuse(fd, t->ip, t->port)) < 0)
    strerr_diefu2sys(111, "bind ", what) ;
  return fd ;
}
