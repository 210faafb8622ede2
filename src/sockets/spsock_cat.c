/* ISC license. */

#include <string.h>

#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "spsock.h"

 /* The environment changes are built in one string (env_merge's form);
    running out of memory there is the system's failure. */

void spsock_cat (stralloc *sa, char const *s, size_t len)
{
  if (!stralloc_catb(sa, s, len)) strerr_diefu1sys(111, "make the environment") ;
}

void spsock_cat_uint (stralloc *sa, unsigned int u)
{
  char fmt[UINT_FMT] ;
  spsock_cat(sa, fmt, uint_fmt(fmt, u)) ;
}

 /* "VAR=u\0" */
void spsock_setenv_uint (stralloc *sa, char const *var, unsigned int u)
{
  spsock_cat(sa, var, strlen(var)) ;
  spsock_cat(sa, "=", 1) ;
  spsock_cat_uint(sa, u) ;
  spsock_cat(sa, "", 1) ;
}
