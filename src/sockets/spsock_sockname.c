/* ISC license. */

#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "spsock.h"

 /*
    The address a socket is bound to, written the way php-fpm writes
    the key of its own sockets: inet_ntop's text, a colon, the port
    (IPv6 without brackets), or a unix socket's path.
 */

void spsock_sockname (int fd, stralloc *sa)
{
  struct sockaddr_storage ss ;
  socklen_t len = sizeof(ss) ;
  char fmt[UINT_FMT] ;
  fmt[uint_fmt(fmt, (unsigned int)fd)] = 0 ;
  if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) strerr_diefu2sys(111, "get the address of fd ", fmt) ;
  if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
  {
    char ip[INET6_ADDRSTRLEN] ;
    int is6 = ss.ss_family == AF_INET6 ;
    void const *a = is6 ? (void const *)&((struct sockaddr_in6 *)&ss)->sin6_addr : (void const *)&((struct sockaddr_in *)&ss)->sin_addr ;
    in_port_t port = is6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port ;
    if (!inet_ntop(ss.ss_family, a, ip, sizeof(ip))) strerr_diefu2sys(111, "format the address of fd ", fmt) ;
    spsock_cat(sa, ip, strlen(ip)) ;
    spsock_cat(sa, ":", 1) ;
    spsock_cat_uint(sa, ntohs(port)) ;
    return ;
  }
  if (ss.ss_family == AF_UNIX && len > sizeof(sa_family_t) && ((struct sockaddr_un *)&ss)->sun_path[0])
  {
    char const *path = ((struct sockaddr_un *)&ss)->sun_path ;
    spsock_cat(sa, path, strnlen(path, len - sizeof(sa_family_t))) ;
    return ;
  }
  strerr_dief3x(111, "fd ", fmt, " has no address that php-fpm can name (an unbound or abstract socket): name it with -n") ;
}
