/* ISC license. The service of the container tests (tests/int-podman-*.t):
   static, musl, no skalibs, so it runs in a FROM-scratch image.

   ctchild [ -x code ] [ -k sig ] [ -O n ] [ -e code ] [ -i ]
     prints "ready pid P ppid Q", then:
     -x code  exits code at once
     -k sig   dies of sig (its default action)
     -O n     orphans n grandchildren, which exit once they are the
              runner's, and prints "orphaned n"
     otherwise it waits, printing "sig NAME code C" for each of HUP,
     USR1, USR2, INT, TERM; on TERM it prints "term" and exits code
     (-e, default 0). -i: TERM is ignored (printed, not acted on).
   Every line is one write(2) to stdout: podman logs keeps them whole. */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static void say (char const *fmt, long a, long b)
{
  char buf[128] ;
  int n = snprintf(buf, sizeof(buf), fmt, a, b) ;
  if (n > 0) write(1, buf, (size_t)n) ;
}

static char const *name (int sig)
{
  switch (sig)
  {
    case SIGHUP : return "SIGHUP" ;
    case SIGUSR1 : return "SIGUSR1" ;
    case SIGUSR2 : return "SIGUSR2" ;
    case SIGINT : return "SIGINT" ;
    case SIGTERM : return "SIGTERM" ;
    default : return "other" ;
  }
}

 /* The grandchildren block on a pipe that only their grandparent holds
    open for writing: when it closes, they are already orphans, and all
    exit at once, a storm of zombies for PID 1. */
static void orphans (long n)
{
  int p[2] ;
  pid_t mid ;
  char c ;
  if (pipe(p) < 0) exit(111) ;
  mid = fork() ;
  if (mid < 0) exit(111) ;
  if (!mid)
  {
    close(p[1]) ;
    for (long i = 0 ; i < n ; i++)
    {
      pid_t g = fork() ;
      if (g < 0) _exit(111) ;
      if (!g) { while (getppid() != 1) usleep(1000) ; (void)read(p[0], &c, 1) ; _exit(0) ; }
    }
    _exit(0) ;
  }
  close(p[0]) ;
  waitpid(mid, 0, 0) ;
  close(p[1]) ;
  say("orphaned %ld\n", n, 0) ;
}

int main (int argc, char **argv)
{
  sigset_t set ;
  int exitcode = 0, ignore = 0, opt ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGHUP) ; sigaddset(&set, SIGUSR1) ; sigaddset(&set, SIGUSR2) ;
  sigaddset(&set, SIGINT) ; sigaddset(&set, SIGTERM) ;
  sigprocmask(SIG_BLOCK, &set, 0) ;
  say("ready pid %ld ppid %ld\n", (long)getpid(), (long)getppid()) ;
  while ((opt = getopt(argc, argv, "x:k:O:e:i")) != -1)
    switch (opt)
    {
      case 'x' : exit(atoi(optarg)) ;
      case 'k' :
      {
        sigset_t one ;
        sigemptyset(&one) ;
        sigaddset(&one, atoi(optarg)) ;
        sigprocmask(SIG_UNBLOCK, &one, 0) ;
        signal(atoi(optarg), SIG_DFL) ;
        raise(atoi(optarg)) ;
        exit(111) ;
      }
      case 'O' : orphans(atol(optarg)) ; break ;
      case 'e' : exitcode = atoi(optarg) ; break ;
      case 'i' : ignore = 1 ; break ;
      default : exit(100) ;
    }
  for (;;)
  {
    siginfo_t si ;
    int sig = sigwaitinfo(&set, &si) ;
    char buf[64] ;
    int n ;
    if (sig < 0) continue ;
    n = snprintf(buf, sizeof(buf), "sig %s code %d\n", name(sig), si.si_code) ;
    write(1, buf, (size_t)n) ;
    if (sig == SIGTERM && !ignore) { write(1, "term\n", 5) ; exit(exitcode) ; }
  }
}
