/* ISC license. */

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/wait.h>

#include <skalibs/exec.h>

#include <selfpipe/selfpipe.h>

 /*
    sp_fork, an optional setup in the child, then exec with a PATH
    search. A close-on-exec pipe carries the errno of a failed setup or
    exec back, so the caller learns about it instead of seeing a child
    exit 127: the pid is returned only once the exec has succeeded.
 */

pid_t sp_spawn (char const *file, char const *const *argv, char const *const *envp, sp_childsetup_func_ref setup, void *data)
{
  int p[2] ;
  int e ;
  ssize_t r ;
  pid_t pid ;
  if (pipe2(p, O_CLOEXEC) < 0) return -1 ;
  pid = sp_fork() ;
  if (pid < 0)
  {
    e = errno ;
    close(p[1]) ; close(p[0]) ;
    return (errno = e, -1) ;
  }
  if (!pid)
  {
    close(p[0]) ;
    if (!setup || (*setup)(data) >= 0) exec_ae(file, argv, envp) ;
    e = errno ;
    if (write(p[1], &e, sizeof(e)) < 0) _exit(127) ;
    _exit(127) ;
  }
  close(p[1]) ;
  do r = read(p[0], &e, sizeof(e)) ;
  while (r < 0 && errno == EINTR) ;
  close(p[0]) ;
  if (r == (ssize_t)sizeof(e))
  {
    while (waitpid(pid, 0, 0) < 0 && errno == EINTR) ;
    return (errno = e, -1) ;
  }
  return pid ;
}
