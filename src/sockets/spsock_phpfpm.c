/* ISC license. */

#include <string.h>

#include "spsock.h"

 /*
    FPM_SOCKETS=key=3,key=4 : php-fpm takes an inherited socket for the
    pool whose listen address gives the same key, and closes the others.
    The key is the socket's own address, as php-fpm writes it, unless -n
    names it.
 */

void spsock_phpfpm (spsock_fds *f, stralloc *sa)
{
  spsock_cat(sa, "FPM_SOCKETS=", 12) ;
  for (unsigned int i = 0 ; i < f->n ; i++)
  {
    if (i) spsock_cat(sa, ",", 1) ;
    if (f->names[i]) spsock_cat(sa, f->names[i], strlen(f->names[i])) ;
    else spsock_sockname(SPSOCK_FIRSTFD + i, sa) ;
    spsock_cat(sa, "=", 1) ;
    spsock_cat_uint(sa, SPSOCK_FIRSTFD + i) ;
  }
  spsock_cat(sa, "", 1) ;
}
