/* ISC license. */

#include <errno.h>

#include <skalibs/bytestr.h>
#include <skalibs/env.h>
#include <skalibs/strerr.h>

#include "../libselfpipe/sp-internal.h"
#include "spsock.h"

extern char **environ ;

 /*
    The exec is the library's sp_exec, the one selfpipe-run's children
    go through: a PATH search, and a script without #! run by /bin/sh.
    127: prog not found; 111: the system could not (memory, descriptors);
    126: found and not runnable, whatever else exec(2) says about it.
 */

static int exec_code (int e)
{
  if (e == ENOENT || e == ENOTDIR) return 127 ;
  if (e == ENOMEM || e == EAGAIN || e == EMFILE || e == ENFILE || e == EIO || e == EFAULT) return 111 ;
  return 126 ;
}

void spsock_exec (char const *const *argv, char const *modifs, size_t modiflen)
{
  char const *const *envp = (char const *const *)environ ;
  size_t envlen = env_len(envp) ;
  size_t n = envlen + 1 + byte_count(modifs, modiflen, 0) ;
  char const *v[n] ;
  if (!env_merge(v, n, envp, envlen, modifs, modiflen)) strerr_diefu1sys(111, "make the environment") ;
  sp_exec(argv[0], argv, v, 1) ;
  strerr_dieexec(exec_code(errno), argv[0]) ;
}
