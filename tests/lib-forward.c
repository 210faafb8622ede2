/* ISC license. Forwarding from the handler: sp_forward, sp_forward_target,
   sp_forwarded. The catcher is a child that takes what it is sent with
   sigwaitinfo and writes each signal number to a pipe; the parent waits
   on that pipe BEFORE it reads its own records, so a signal the catcher
   got was sent by the handler, not by a reader. */

#include <poll.h>

#include "tap.h"
#include "lib-common.h"

static int catch_fd = -1 ;

static pid_t catcher (int ownpgrp)
{
  int p[2] ;
  pid_t pid ;
  sigset_t set ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGUSR2) ;
  sigaddset(&set, SIGCONT) ;
  sigaddset(&set, SIGRTMIN + 3) ;
  sigprocmask(SIG_BLOCK, &set, 0) ;
  if (pipe(p) < 0) return -1 ;
  pid = sp_fork() ;
  if (pid < 0) return -1 ;
  if (!pid)
  {
    close(p[0]) ;
    if (ownpgrp) setpgid(0, 0) ;
    sigprocmask(SIG_BLOCK, &set, 0) ;
    if (write(p[1], "R", 1) != 1) _exit(111) ;
    for (;;)
    {
      unsigned char c ;
      int sig = sigwaitinfo(&set, 0) ;
      if (sig < 0) continue ;
      c = (unsigned char)sig ;
      if (write(p[1], &c, 1) != 1) _exit(111) ;
    }
  }
  sigprocmask(SIG_UNBLOCK, &set, 0) ;
  close(p[1]) ;
  catch_fd = p[0] ;
  {
    char c ;
    if (read(catch_fd, &c, 1) != 1 || c != 'R') return -1 ;
  }
  return pid ;
}

 /* the next signal the catcher took, 0 if none within ms (scaled) */
static int caught (long ms)
{
  struct pollfd x = { .fd = catch_fd, .events = POLLIN } ;
  unsigned char c ;
  int r ;
  do r = poll(&x, 1, (int)scaled_ms(ms)) ;
  while (r < 0 && errno == EINTR) ;
  if (r <= 0) return 0 ;
  return read(catch_fd, &c, 1) == 1 ? c : 0 ;
}

 /* a child of ours sends sig to us, then exits */
static void sent_by_child (int sig)
{
  pid_t parent = getpid() ;
  pid_t pid = sp_fork() ;
  if (!pid) _exit(kill(parent, sig) ? 111 : 0) ;
  reap(pid) ;
}

static int record (int sig, sp_info *info, sp_fwd *fwd)
{
  int r = wait_record(sig, 0, info) ;
  sp_forwarded(fwd) ;
  return r ;
}

 /* a pid nobody has now */
static pid_t nobody (void)
{
  for (pid_t p = 4194000 ; p > 1000 ; p -= 997)
    if (kill(p, 0) < 0 && errno == ESRCH) return p ;
  return 0 ;
}

int main (void)
{
  int const sigs[] = { SIGUSR1, SIGHUP, SIGCHLD, SIGRTMIN + 2, 0 } ;
  sigset_t set = sigset_of(sigs) ;
  sp_info info ;
  sp_fwd fwd ;
  pid_t child, gone ;

  if (sp_init(&set) < 0) { perror("sp_init") ; return 111 ; }

  errno = 0 ;
  ok(sp_forward(0, SIGUSR2, 0) < 0 && errno == EINVAL, "sp_forward of signal 0: EINVAL") ;
  ok(sp_forward(SIGKILL, SIGUSR2, 0) < 0 && errno == EINVAL, "sp_forward of SIGKILL: EINVAL") ;
  ok(sp_forward(SIGCHLD, SIGUSR2, 0) < 0 && errno == EINVAL, "sp_forward of SIGCHLD: EINVAL") ;
  ok(sp_forward(SIGUSR1, SP_NSIG, 0) < 0 && errno == EINVAL, "sp_forward as signal %d: EINVAL", SP_NSIG) ;
  ok(sp_forward(SIGUSR1, SIGUSR2, 0x80) < 0 && errno == EINVAL, "sp_forward with an unknown flag: EINVAL") ;
  ok(!sp_forward_current(), "no target at first") ;

  sent_by_child(SIGUSR1) ;
  ok(record(SIGUSR1, &info, &fwd) == 1 && fwd.state == SP_FWD_NO, "without sp_forward, a record is not forwarded (state %d)", fwd.state) ;

  child = catcher(0) ;
  ok(child > 0, "the catcher runs") ;
  ok(!sp_forward(SIGUSR1, SIGUSR2, 0), "sp_forward(SIGUSR1, SIGUSR2, 0)") ;
  sent_by_child(SIGUSR1) ;
  ok(record(SIGUSR1, &info, &fwd) == 1 && fwd.state == SP_FWD_NOTARGET, "no target: the record says so (state %d)", fwd.state) ;
  ok(!caught(200), "  and nothing was sent") ;

  sp_forward_target(child) ;
  ok(sp_forward_current() == child, "sp_forward_current is the target") ;
  sent_by_child(SIGUSR1) ;
  ok(caught(10000) == SIGUSR2, "the catcher got SIGUSR2 before any record was read") ;
  ok(record(SIGUSR1, &info, &fwd) == 1 && fwd.state == SP_FWD_SENT && fwd.sig == SIGUSR2 && fwd.target == child && !fwd.err,
    "  the record: SIGUSR1, forwarded as SIGUSR2 to the catcher, no error (state %d sig %d target %d err %d)", fwd.state, fwd.sig, (int)fwd.target, fwd.err) ;
  ok(info.sig == SIGUSR1 && info.code == SI_USER && info.pid > 0 && !info.lost, "  and the siginfo is whole") ;

  ok(!sp_forward(SIGUSR1, SIGUSR2, SP_FORWARD_SENT), "SP_FORWARD_SENT") ;
  kill(getpid(), SIGUSR1) ;
  ok(record(SIGUSR1, &info, &fwd) == 1 && fwd.state == SP_FWD_NO && !caught(200), "  a signal the process sent itself is not forwarded") ;
  sent_by_child(SIGUSR1) ;
  ok(caught(10000) == SIGUSR2 && record(SIGUSR1, &info, &fwd) == 1 && fwd.state == SP_FWD_SENT, "  one from another process is") ;

  ok(!sp_forward(SIGHUP, SIGUSR2, SP_FORWARD_CONT), "SP_FORWARD_CONT") ;
  sent_by_child(SIGHUP) ;
  {
    int a = caught(10000), b = caught(10000) ;
    ok(a == SIGUSR2 && b == SIGCONT, "  SIGUSR2 then SIGCONT (got %d %d)", a, b) ;
  }
  ok(record(SIGHUP, &info, &fwd) == 1 && fwd.state == SP_FWD_SENT, "  the record says forwarded") ;

  ok(!sp_forward(SIGRTMIN + 2, SIGRTMIN + 3, 0), "real-time signals, in order") ;
  for (int i = 0 ; i < 3 ; i++) sigqueue(getpid(), SIGRTMIN + 2, (union sigval){ .sival_int = i }) ;
  {
    int n = 0 ;
    while (n < 3 && caught(10000) == SIGRTMIN + 3) n++ ;
    ok(n == 3, "  3 queued, 3 forwarded (%d)", n) ;
    for (int i = 0 ; i < 3 ; i++)
      ok(record(SIGRTMIN + 2, &info, &fwd) == 1 && info.value.sival_int == i && fwd.state == SP_FWD_SENT,
        "  record %d in order, forwarded", i) ;
  }

  gone = nobody() ;
  sp_forward_target(gone) ;
  errno = 1234 ;
  kill(getpid(), SIGRTMIN + 2) ;
  ok(errno == 1234, "errno survives a failed forward in the handler (%d)", errno) ;
  ok(record(SIGRTMIN + 2, &info, &fwd) == 1 && fwd.state == SP_FWD_SENT && fwd.target == gone && fwd.err == ESRCH,
    "  the record carries kill's ESRCH (target %d err %d)", (int)fwd.target, fwd.err) ;

  ok(!sp_forward(SIGRTMIN + 2, 0, 0), "sp_forward(sig, 0, 0) stops it") ;
  sp_forward_target(child) ;
  sent_by_child(SIGRTMIN + 2) ;
  ok(record(SIGRTMIN + 2, &info, &fwd) == 1 && fwd.state == SP_FWD_NO && !caught(200), "  not forwarded any more") ;

  kill(child, SIGKILL) ;
  sp_forward_target(0) ;
  reap(child) ;
  close(catch_fd) ;

  child = catcher(1) ;
  ok(child > 0, "a catcher in its own process group") ;
  sp_forward_target(-child) ;
  sent_by_child(SIGUSR1) ;
  ok(caught(10000) == SIGUSR2 && record(SIGUSR1, &info, &fwd) == 1 && fwd.target == -child && !fwd.err,
    "minus a process group: kill() reaches the group") ;
  kill(child, SIGKILL) ;
  sp_forward_target(0) ;
  reap(child) ;

  sp_forward_target(12345) ;
  sp_finish() ;
  ok(!sp_forward_current(), "sp_finish forgets the target") ;
  return tap_done() ;
}
