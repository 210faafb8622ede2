/* ISC license. */

#include "spsock.h"

 /* NGINX=3;4; : the form nginx itself passes to its new binary on
    USR2, each number ended by a semicolon. */

void spsock_nginx (spsock_fds *f, stralloc *sa)
{
  spsock_cat(sa, "NGINX=", 6) ;
  for (unsigned int i = 0 ; i < f->n ; i++)
  {
    spsock_cat_uint(sa, SPSOCK_FIRSTFD + i) ;
    spsock_cat(sa, ";", 1) ;
  }
  spsock_cat(sa, "", 1) ;
}
