/* ISC license. */

#include <skalibs/strerr.h>

#include "spsock.h"

 /* One usage line that names the bad word, as selfpipe-run's do. */

void spsock_dieusage (char const *a, char const *b, char const *c)
{
  strerr_die(100, PROG, ": usage: ", a, b, c) ;
}
