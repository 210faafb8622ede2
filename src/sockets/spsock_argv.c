/* ISC license. */

#include <string.h>

#include <skalibs/alloc.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>

#include "spsock.h"

 /*
    The fds as arguments: every {fd} in an argument of prog (not in
    prog's name) becomes a fd number, and an argument that holds one
    becomes as many arguments as there are fds, in order:
      uvicorn --fd {fd} app:app             ->  uvicorn --fd 3 app:app
      gunicorn --bind=fd://{fd} app:wsgi    ->  --bind=fd://3 --bind=fd://4
    Nothing is set in the environment. The new argv lives until the
    exec, in memory that the exec gives back.
 */

#define MARK "{fd}"

static char const *expand (char const *arg, unsigned int fd)
{
  stralloc sa = STRALLOC_ZERO ;
  for (char const *m ; (m = strstr(arg, MARK)) ; arg = m + sizeof(MARK) - 1)
  {
    spsock_cat(&sa, arg, (size_t)(m - arg)) ;
    spsock_cat_uint(&sa, fd) ;
  }
  spsock_cat(&sa, arg, strlen(arg) + 1) ;
  return sa.s ;
}

void spsock_argv (spsock_fds *f, stralloc *sa)
{
  char const *const *argv = f->argv ;
  size_t argc = 0, marked = 0, k = 0 ;
  char const **v ;
  (void)sa ;
  while (argv[argc]) marked += argc && strstr(argv[argc], MARK), argc++ ;
  if (!marked) spsock_dieusage("-D argv: no " MARK " in prog's arguments to put the fds in", "", "") ;
  v = alloc((argc + marked * (f->n - 1) + 1) * sizeof(char const *)) ;
  if (!v) strerr_diefu1sys(111, "make the arguments") ;
  for (size_t i = 0 ; i < argc ; i++)
  {
    if (!i || !strstr(argv[i], MARK)) { v[k++] = argv[i] ; continue ; }
    for (unsigned int j = 0 ; j < f->n ; j++) v[k++] = expand(argv[i], SPSOCK_FIRSTFD + j) ;
  }
  v[k] = 0 ;
  f->argv = v ;
}
