/* ISC license. */

 /*
    The service in the runner benchmark. Usage: echo-child fd
    Blocks SIGUSR1, writes its pid (a pid_t, native byte order) to fd
    as "ready", then writes one byte to fd for every SIGUSR1 it
    receives. Any other signal has its default action, so TERM ends it.
 */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

int main (int argc, char const *const *argv)
{
  sigset_t set ;
  pid_t pid = getpid() ;
  int fd ;
  if (argc < 2) return 100 ;
  fd = atoi(argv[1]) ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGUSR1) ;
  sigprocmask(SIG_BLOCK, &set, 0) ;
  if (write(fd, &pid, sizeof(pid)) != (ssize_t)sizeof(pid)) return 111 ;
  for (;;)
  {
    char c = 'e' ;
    if (sigwaitinfo(&set, 0) < 0)
    {
      if (errno == EINTR) continue ;
      return 111 ;
    }
    if (write(fd, &c, 1) != 1) return 111 ;
  }
}
