/* ISC license. sp_hold: the trapped signals blocked, each delivery taken
   from the kernel by sp_read, sp_wait and sp_wait_deadline, with the
   record and the forward the handler would have given it. */

#include <poll.h>
#include <sys/syscall.h>

#include <skalibs/tai.h>

#include "tap.h"
#include "lib-common.h"

static int blocked (int sig)
{
  sigset_t cur ;
  sigprocmask(SIG_BLOCK, 0, &cur) ;
  return sigismember(&cur, sig) == 1 ;
}

static int pending (int sig)
{
  sigset_t p ;
  sigpending(&p) ;
  return sigismember(&p, sig) == 1 ;
}

static int pipe_readable (void)
{
  struct pollfd x = { .fd = sp_fd(), .events = POLLIN } ;
  return poll(&x, 1, 0) == 1 ;
}

static int queue (int sig, int v)
{
  union sigval val = { .sival_int = v } ;
  return sigqueue(getpid(), sig, val) ;
}

 /* A child's view of its blocked mask: 1 if any of the held signals is
    blocked there, written back as one byte. */
static int child_blocks (pid_t (*forker) (void), int sig)
{
  int p[2] ;
  char c = 'x' ;
  pid_t pid ;
  if (pipe(p) < 0) return -1 ;
  pid = (*forker)() ;
  if (pid < 0) return -1 ;
  if (!pid)
  {
    char b = blocked(sig) ? 'B' : 'U' ;
    if (write(p[1], &b, 1) != 1) _exit(111) ;
    _exit(0) ;
  }
  close(p[1]) ;
  if (read(p[0], &c, 1) != 1) c = 'x' ;
  close(p[0]) ;
  waitpid(pid, 0, 0) ;
  return c == 'B' ? 1 : c == 'U' ? 0 : -1 ;
}

int main (void)
{
  sigset_t set ;
  sp_info info ;
  sp_fwd fwd ;
  int rt = SIGRTMIN + 2 ;
  setvbuf(stdout, 0, _IOLBF, 0) ;

  ok(sp_hold(1) < 0 && errno == EBADF, "sp_hold before sp_init: EBADF") ;

  sigemptyset(&set) ;
  sigaddset(&set, SIGUSR1) ;
  sigaddset(&set, SIGUSR2) ;
  sigaddset(&set, SIGCHLD) ;
  sigaddset(&set, SIGSEGV) ;
  sigaddset(&set, rt) ;
  if (sp_init(&set) < 0) { perror("sp_init") ; return 111 ; }

  ok(!blocked(SIGUSR1) && !blocked(rt), "not held: the trapped signals are not blocked") ;
  ok(sp_hold(1) == 0 && sp_hold(1) == 0, "sp_hold(1), twice: 0") ;
  ok(blocked(SIGUSR1) && blocked(SIGUSR2) && blocked(SIGCHLD) && blocked(rt), "held: USR1 USR2 CHLD RTMIN+2 blocked") ;
  ok(!blocked(SIGSEGV), "held: a fault signal is never held") ;
  ok(!blocked(SIGTERM), "held: an untrapped signal is left alone") ;

  /* 1. one delivery, taken by sp_read */
  kill(getpid(), SIGUSR1) ;
  ok(pending(SIGUSR1) && !pipe_readable(), "held: a delivery waits in the kernel, nothing in the pipe") ;
  ok(sp_read(&info) == 1 && info.sig == SIGUSR1 && info.code == SI_USER && info.pid == getpid() && info.uid == getuid(),
     "sp_read takes it: SIGUSR1, SI_USER, our pid and uid (%d %d %d)", info.sig, info.code, (int)info.pid) ;
  ok(!pending(SIGUSR1), "  and it is no longer pending") ;
  ok(sp_read(&info) == 0, "then nothing: 0") ;

  /* 2. queued real-time signals, in order, with their values */
  for (int i = 1 ; i <= 5 ; i++) queue(rt, i) ;
  {
    int good = 1 ;
    for (int i = 1 ; i <= 5 ; i++)
      if (sp_read(&info) != 1 || info.sig != rt || info.code != SI_QUEUE || info.value.sival_int != i) good = 0 ;
    ok(good && sp_read(&info) == 0, "five sigqueue'd RTMIN+2, taken in order with their values 1..5") ;
  }

  /* 3. tgkill stays SI_TKILL (glibc's sigtimedwait would say SI_USER) */
  syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR2) ;
  ok(sp_read(&info) == 1 && info.sig == SIGUSR2 && info.code == SI_TKILL, "tgkill: the record says SI_TKILL (%d)", info.code) ;

  /* 4. the pipe first: a record written before the hold comes before a held delivery */
  sp_hold(0) ;
  ok(!blocked(SIGUSR1), "sp_hold(0): unblocked again") ;
  kill(getpid(), SIGUSR2) ;
  ok(pipe_readable(), "  a delivery then goes to the handler, into the pipe") ;
  sp_hold(1) ;
  kill(getpid(), SIGUSR1) ;
  ok(sp_read(&info) == 1 && info.sig == SIGUSR2 && sp_read(&info) == 1 && info.sig == SIGUSR1 && sp_read(&info) == 0,
     "the piped USR2, then the held USR1, in delivery order") ;

  /* 5. letting go hands what is pending to the handler */
  kill(getpid(), SIGUSR1) ;
  sp_hold(0) ;
  ok(pipe_readable() && sp_read(&info) == 1 && info.sig == SIGUSR1, "held USR1, then sp_hold(0): it lands in the pipe") ;
  sp_hold(1) ;

  /* 6. a fault signal someone sends is a record in the pipe, held or not */
  kill(getpid(), SIGSEGV) ;
  ok(pipe_readable() && sp_read(&info) == 1 && info.sig == SIGSEGV && info.code == SI_USER, "held: a SIGSEGV sent by kill goes through the handler") ;

  /* 7. sp_wait held: times out, then takes a delivery from a child */
  {
    long long t0 = now_ms() ;
    int r = sp_wait(&info, 200) ;
    long long took = now_ms() - t0 ;
    ok(r == 0 && took >= 190 && took < 200 + scaled_ms(4000), "sp_wait(200) held, nothing: 0 after %lld ms", took) ;
  }
  {
    pid_t me = getpid(), kid = sp_fork() ;
    if (!kid) { sleep_ms(100) ; kill(me, SIGUSR2) ; _exit(0) ; }
    ok(sp_wait(&info, (int)scaled_ms(5000)) == 1 && info.sig == SIGUSR2 && info.pid == kid, "sp_wait held: USR2 from the child %d (%d)", (int)kid, (int)info.pid) ;
    waitpid(kid, 0, 0) ;
    ok(sp_read(&info) == 1 && info.sig == SIGCHLD && info.pid == kid && info.code == CLD_EXITED, "  then its SIGCHLD, with its pid") ;
    while (sp_read(&info) > 0) ;
  }

  /* 8. sp_wait_deadline held */
  {
    tain deadline ;
    long long t0 = now_ms(), took ;
    int r ;
    tain d ;
    tain_now_g() ;
    tain_from_millisecs(&d, 150) ;
    tain_add_g(&deadline, &d) ;
    r = sp_wait_deadline_g(&info, &deadline) ;
    took = now_ms() - t0 ;
    ok(r == 0 && took >= 140 && took < 150 + scaled_ms(4000), "sp_wait_deadline held, 150 ms: 0 after %lld ms", took) ;
    kill(getpid(), SIGUSR1) ;
    tain_now_g() ;
    tain_addsec_g(&deadline, 5) ;
    ok(sp_wait_deadline_g(&info, &deadline) == 1 && info.sig == SIGUSR1, "sp_wait_deadline held: a pending USR1 at once") ;
  }

  /* 9. forwarding: kill() when the delivery is taken, as from the handler */
  {
    int p[2] ;
    pid_t catcher ;
    sigset_t two ;
    sigemptyset(&two) ;
    sigaddset(&two, SIGUSR2) ;
    if (pipe(p) < 0) return 111 ;
    catcher = sp_fork() ;
    if (!catcher)
    {
      sigprocmask(SIG_BLOCK, &two, 0) ;
      if (write(p[1], "R", 1) != 1) _exit(111) ;
      for (;;)
      {
        unsigned char c ;
        int sig = sigwaitinfo(&two, 0) ;
        if (sig < 0) continue ;
        c = (unsigned char)sig ;
        if (write(p[1], &c, 1) != 1) _exit(111) ;
      }
    }
    close(p[1]) ;
    {
      char c ;
      if (read(p[0], &c, 1) != 1) return 111 ;
    }
    /* it blocks USR2 before it says R: a USR2 sent now waits for its sigwaitinfo */
    sp_forward(SIGUSR1, SIGUSR2, 0) ;
    sp_forward_target(catcher) ;
    kill(getpid(), SIGUSR1) ;
    {
      struct pollfd x = { .fd = p[0], .events = POLLIN } ;
      ok(poll(&x, 1, 100) == 0, "forwarding, held: nothing sent before the delivery is taken") ;
    }
    ok(sp_read(&info) == 1 && info.sig == SIGUSR1, "sp_read takes the USR1") ;
    sp_forwarded(&fwd) ;
    ok(fwd.state == SP_FWD_SENT && fwd.sig == SIGUSR2 && fwd.target == catcher && !fwd.err,
       "  sp_forwarded: sent as USR2 to the catcher, no error (%d %d %d %d)", fwd.state, fwd.sig, (int)fwd.target, fwd.err) ;
    {
      struct pollfd x = { .fd = p[0], .events = POLLIN } ;
      unsigned char c = 0 ;
      ok(poll(&x, 1, (int)scaled_ms(5000)) == 1 && read(p[0], &c, 1) == 1 && c == SIGUSR2, "  the catcher got SIGUSR2 (%d)", c) ;
    }
    sp_forward(SIGUSR1, 0, 0) ;
    sp_forward_target(0) ;
    kill(catcher, SIGKILL) ;
    waitpid(catcher, 0, 0) ;
    close(p[0]) ;
    while (sp_read(&info) > 0) ;
  }

  /* 10. children never inherit the hold */
  ok(child_blocks(&sp_fork, SIGUSR1) == 0, "a child of sp_fork: USR1 not blocked") ;
  while (sp_read(&info) > 0) ;
  ok(child_blocks(&fork, SIGUSR1) == 0, "a child of a plain fork: USR1 not blocked") ;
  while (sp_read(&info) > 0) ;
  ok(blocked(SIGUSR1), "  and the parent is still held") ;

  /* 11. sp_trap while held: what leaves the set is let go, what joins is held */
  {
    sigset_t s2 = set ;
    sigdelset(&s2, SIGUSR2) ;
    sigaddset(&s2, SIGRTMIN + 4) ;
    ok(sp_trap(&s2) == 0 && !blocked(SIGUSR2) && blocked(SIGRTMIN + 4) && blocked(SIGUSR1), "sp_trap while held: USR2 let go, RTMIN+4 held") ;
    queue(SIGRTMIN + 4, 9) ;
    ok(sp_read(&info) == 1 && info.sig == SIGRTMIN + 4 && info.value.sival_int == 9, "  and RTMIN+4 is taken") ;
  }

  /* 12. sp_finish gives the mask back */
  sp_finish() ;
  ok(!blocked(SIGUSR1) && !blocked(rt), "sp_finish while held: nothing blocked any more") ;
  ok(sp_hold(1) < 0 && errno == EBADF, "sp_hold after sp_finish: EBADF") ;
  return tap_done() ;
}
