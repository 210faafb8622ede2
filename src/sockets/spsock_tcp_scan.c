/* ISC license. */

#include <stdint.h>

#include <skalibs/fmtscan.h>
#include <skalibs/types.h>

#include "spsock.h"

 /*
    ip4:port or [ip6]:port, numbers only: a name would need a resolver,
    and a service that binds should not start differently when the DNS
    answers differently. Port 0 (the kernel picks one) is refused: a
    client could not know where to connect.
 */

void spsock_tcp_scan (char const *s, spsock_tcp *t)
{
  size_t len ;
  uint16_t port ;
  char const *p ;
  t->is6 = s[0] == '[' ;
  if (t->is6)
  {
    len = ip6_scan(s + 1, t->ip) ;
    p = len && s[1 + len] == ']' ? s + len + 2 : 0 ;
  }
  else
  {
    len = ip4_scan(s, t->ip) ;
    p = len ? s + len : 0 ;
  }
  if (!p || *p != ':') spsock_dieusage("-t ", s, ": not ip4:port or [ip6]:port") ;
  len = uint16_scan(p + 1, &port) ;
  if (!len || p[1 + len] || !port) spsock_dieusage("-t ", s, ": the port is not a number from 1 to 65535") ;
  t->port = port ;
}
