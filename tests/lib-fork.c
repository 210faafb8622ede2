/* ISC license. A child forked without sp_fork: deliveries take the original disposition there. */

#include <errno.h>

#include "tap.h"
#include "lib-common.h"

static volatile sig_atomic_t got_hup = 0 ;
static volatile sig_atomic_t int_from = 0 ;

static void on_hup (int sig)
{
  (void)sig ;
  got_hup = 1 ;
}

static void on_int (int sig, siginfo_t *si, void *ctx)
{
  (void)sig ; (void)ctx ;
  int_from = si->si_pid ;
}

 /* A plain fork(): the child tells us it is ready, then waits for
    what sig should do to it, and exits with a code saying what happened. */
static int child_gets (int sig)
{
  int p[2], wstat ;
  char c ;
  pid_t parent = getpid(), pid ;
  if (pipe(p) < 0) { perror("pipe") ; exit(111) ; }
  pid = fork() ;
  if (pid < 0) { perror("fork") ; exit(111) ; }
  if (!pid)
  {
    close(p[0]) ;
    if (write(p[1], "x", 1) != 1) _exit(111) ;
    WAIT_UNTIL(got_hup || int_from, 1000) ;
    if (got_hup) _exit(10) ;
    if (int_from) _exit(int_from == parent ? 11 : 12) ;
    _exit(0) ;  /* still alive: the signal was ignored */
  }
  close(p[1]) ;
  if (read(p[0], &c, 1) != 1) { perror("read") ; exit(111) ; }
  close(p[0]) ;
  kill(pid, sig) ;
  wstat = reap(pid) ;
  return wstat ;
}

int main (void)
{
  int const sigs[] = { SIGUSR1, SIGUSR2, SIGHUP, SIGINT, SIGTERM, SIGCHLD, 0 } ;
  sigset_t set = sigset_of(sigs) ;
  struct sigaction hup = { .sa_handler = &on_hup } ;
  struct sigaction intr = { .sa_sigaction = &on_int, .sa_flags = SA_SIGINFO } ;
  sp_info info ;
  int wstat, others = 0 ;

  sigemptyset(&hup.sa_mask) ;
  sigemptyset(&intr.sa_mask) ;
  signal(SIGUSR1, SIG_IGN) ;
  signal(SIGUSR2, SIG_DFL) ;
  signal(SIGTERM, SIG_DFL) ;
  sigaction(SIGHUP, &hup, 0) ;
  sigaction(SIGINT, &intr, 0) ;
  if (sp_init(&set) < 0) { perror("sp_init") ; return 111 ; }

  wstat = child_gets(SIGUSR1) ;
  ok(WIFEXITED(wstat) && WEXITSTATUS(wstat) == 0, "SIGUSR1, ignored before sp_init: the child ignores it (wstat %x)", wstat) ;
  wstat = child_gets(SIGUSR2) ;
  ok(WIFSIGNALED(wstat) && WTERMSIG(wstat) == SIGUSR2, "SIGUSR2, default before sp_init: the child dies of it (wstat %x)", wstat) ;
  wstat = child_gets(SIGTERM) ;
  ok(WIFSIGNALED(wstat) && WTERMSIG(wstat) == SIGTERM, "SIGTERM, default: the child dies of it (wstat %x)", wstat) ;
  wstat = child_gets(SIGHUP) ;
  ok(WIFEXITED(wstat) && WEXITSTATUS(wstat) == 10, "SIGHUP: the child runs the original handler (wstat %x)", wstat) ;
  wstat = child_gets(SIGINT) ;
  ok(WIFEXITED(wstat) && WEXITSTATUS(wstat) == 11, "SIGINT: the child runs the original SA_SIGINFO handler, with the siginfo (wstat %x)", wstat) ;

  while (sp_wait(&info, 200) == 1)
    if (info.sig != SIGCHLD || info.lost)
    {
      fprintf(stderr, "# unexpected record: sig %d code %d pid %d lost %u\n", info.sig, info.code, (int)info.pid, info.lost) ;
      others++ ;
    }
  ok(!others, "nothing but SIGCHLD records in our pipe: the children wrote nothing") ;
  ok(!got_hup && !int_from, "the original handlers did not run here") ;

  raise(SIGUSR1) ;
  ok(sp_read(&info) == 1 && info.sig == SIGUSR1 && info.pid == getpid(), "our own deliveries still come as records") ;

   /* the child has our state: sp_finish first, then sp_init works there */
  {
    pid_t pid = fork() ;
    if (!pid)
    {
      int r = sp_init(&set) ;
      if (r != -1 || errno != EBUSY) _exit(1) ;
      sp_finish() ;
      if (sp_init(&set) < 0) _exit(2) ;
      raise(SIGUSR2) ;
      if (sp_read(&info) != 1 || info.sig != SIGUSR2 || info.pid != getpid()) _exit(3) ;
      sp_finish() ;
      _exit(0) ;
    }
    wstat = reap(pid) ;
    ok(WIFEXITED(wstat) && !WEXITSTATUS(wstat), "in a forked child: sp_init is EBUSY, sp_finish then sp_init gives it its own pipe (exit %d)", WIFEXITED(wstat) ? WEXITSTATUS(wstat) : -1) ;
    while (sp_wait(&info, 200) == 1)
      if (info.sig != SIGCHLD) others++ ;
    raise(SIGUSR2) ;
    ok(!others && sp_read(&info) == 1 && info.sig == SIGUSR2, "the child's sp_finish did not touch our pipe") ;
  }

  sp_finish() ;
  return tap_done() ;
}
