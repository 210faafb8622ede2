/* ISC license. */

#include <string.h>

#include <skalibs/sgetopt.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "spsock.h"

#define USAGE "selfpipe-listenfds [ -c count ] [ -n name,... ] [ -D dialect ] prog..."

char const *PROG = "selfpipe-listenfds" ;

 /* -n against the dialect and the fds found, once they are counted */
static void names (spsock_fds *f, spsock_dialect const *d, char const *arg, char *buf)
{
  unsigned int k ;
  if (!arg)
  {
    if (d->names == 2) spsock_dieusage("-D ", d->name, " needs -n: the names of the variables") ;
    return ;
  }
  if (!d->names) spsock_dieusage("-n: the ", d->name, " dialect has no names") ;
  k = spsock_names(arg, buf, f->names, SPSOCK_MAX) ;
  if (k != f->n)
  {
    char a[UINT_FMT], b[UINT_FMT] ;
    a[uint_fmt(a, k)] = 0 ;
    b[uint_fmt(b, f->n)] = 0 ;
    strerr_die(100, PROG, ": usage: -n gives ", a, " names for ", b, " fds: one name per fd") ;
  }
}

int main (int argc, char const *const *argv)
{
  spsock_fds f = { .n = 0 } ;
  stralloc sa = STRALLOC_ZERO ;
  spsock_dialect const *d = spsock_dialect_find("systemd") ;
  char const *namearg = 0 ;
  unsigned int count = 0 ;
  subgetopt l = SUBGETOPT_ZERO ;
  for (;;)
  {
    int opt = subgetopt_r(argc, argv, "c:n:D:", &l) ;
    if (opt == -1) break ;
    switch (opt)
    {
      case 'c' :
      {
        size_t len = uint_scan(l.arg, &count) ;
        if (!len || l.arg[len] || !count || count > SPSOCK_MAX) spsock_dieusage("-c ", l.arg, ": not a number from 1 to 64") ;
        break ;
      }
      case 'n' : namearg = l.arg ; break ;
      case 'D' : d = spsock_dialect_find(l.arg) ; break ;
      default : strerr_dieusage(100, USAGE) ;
    }
  }
  if (l.ind >= argc) strerr_dieusage(100, USAGE) ;
  f.argv = argv + l.ind ;
  {
    char buf[namearg ? strlen(namearg) + 1 : 1] ;
    f.n = spsock_count(count) ;
    names(&f, d, namearg, buf) ;
    spsock_stale(&sa) ;
    (*d->env)(&f, &sa) ;
    spsock_exec(f.argv, sa.s, sa.len) ;
  }
}
