/* ISC license. */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp-internal.h"

 /*
    exec as execvp(3) does it, without allocating (this runs between
    fork and exec): a PATH search when search is set and file has no
    slash, and a file that the kernel refuses as ENOEXEC (a script with
    no #! line) is run by /bin/sh instead. Returns only on failure,
    with errno set.
 */

static void exec_or_sh (char const *path, char const *const *argv, char const *const *envp)
{
  size_t n = 0 ;
  execve(path, (char *const *)argv, (char *const *)envp) ;
  if (errno != ENOEXEC) return ;
  while (argv[n]) n++ ;
  {
    char const *sh[n + 3] ;
    sh[0] = "sh" ;
    sh[1] = path ;
    for (size_t i = 1 ; i < n ; i++) sh[i + 1] = argv[i] ;
    sh[n ? n + 1 : 2] = 0 ;
    execve("/bin/sh", (char *const *)sh, (char *const *)envp) ;
  }
  errno = ENOEXEC ;
}

void sp_exec (char const *file, char const *const *argv, char const *const *envp, int search)
{
  char const *path ;
  size_t flen = strlen(file) ;
  int denied = 0 ;
  if (!flen) { errno = ENOENT ; return ; }
  if (!search || strchr(file, '/')) { exec_or_sh(file, argv, envp) ; return ; }
  path = getenv("PATH") ;
  if (!path) path = "/usr/bin:/bin" ;
  for (;;)
  {
    size_t len = strcspn(path, ":") ;
    /* an empty element is the current directory */
    size_t dlen = len ? len : 1 ;
    /* sized to the candidate: sp_spawn's child runs this on its
       parent's stack, and a deeper frame dirties the parent's pages */
    if (dlen + 1 + flen < PATH_MAX)
    {
      char buf[dlen + flen + 2] ;
      memcpy(buf, len ? path : ".", dlen) ;
      buf[dlen] = '/' ;
      memcpy(buf + dlen + 1, file, flen + 1) ;
      exec_or_sh(buf, argv, envp) ;
      if (errno == EACCES) denied = 1 ;
      else if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP && errno != ENAMETOOLONG) return ;
    }
    if (!path[len]) break ;
    path += len + 1 ;
  }
  errno = denied ? EACCES : ENOENT ;
}
