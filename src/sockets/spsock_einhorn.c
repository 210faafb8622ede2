/* ISC license. */

#include "spsock.h"

 /* EINHORN_FD_COUNT=2, EINHORN_FD_0=3, EINHORN_FD_1=4 : what einhorn
    gives its workers, and what einhorn's client libraries read. */

void spsock_einhorn (spsock_fds *f, stralloc *sa)
{
  spsock_setenv_uint(sa, "EINHORN_FD_COUNT", f->n) ;
  for (unsigned int i = 0 ; i < f->n ; i++)
  {
    spsock_cat(sa, "EINHORN_FD_", 11) ;
    spsock_cat_uint(sa, i) ;
    spsock_cat(sa, "=", 1) ;
    spsock_cat_uint(sa, SPSOCK_FIRSTFD + i) ;
    spsock_cat(sa, "", 1) ;
  }
}
