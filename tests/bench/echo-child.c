/* ISC license. */

 /*
    The service in the runner benchmark. Usage: echo-child fd
    Blocks SIGUSR1, writes its pid (a pid_t, native byte order) to fd
    as "ready", then for every SIGUSR1 it receives writes to fd the
    CLOCK_MONOTONIC time, in nanoseconds (a uint64_t), read as soon as
    sigwaitinfo returned: the moment the signal reached the service.
    Any other signal has its default action, so TERM ends it.
 */

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
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
    struct timespec ts ;
    uint64_t t ;
    if (sigwaitinfo(&set, 0) < 0)
    {
      if (errno == EINTR) continue ;
      return 111 ;
    }
    clock_gettime(CLOCK_MONOTONIC, &ts) ;
    t = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec ;
    if (write(fd, &t, sizeof(t)) != (ssize_t)sizeof(t)) return 111 ;
  }
}
