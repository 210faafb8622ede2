/* ISC license. Order, multiplicity and contents of the records. */

#include <errno.h>

#include "tap.h"
#include "lib-common.h"

static int check_rt_sequence (sp_info const *tab, int n, int sig, int count, char const *what)
{
  int bad = 0 ;
  for (int i = 0 ; i < n && i < count ; i++)
    if (tab[i].sig != sig || tab[i].code != SI_QUEUE || tab[i].value.sival_int != i
     || tab[i].pid != getpid() || tab[i].uid != getuid() || tab[i].lost || tab[i].status)
    {
      if (!bad) fprintf(stderr, "# %s: record %d: sig %d code %d value %d pid %d lost %u\n",
        what, i, tab[i].sig, tab[i].code, tab[i].value.sival_int, (int)tab[i].pid, tab[i].lost) ;
      bad++ ;
    }
  return n == count && !bad ;
}

int main (void)
{
  static sp_info tab[2000] ;
  int const sigs[] = { SIGUSR1, SIGUSR2, SIGHUP, SIGCHLD, SIGRTMIN + 1, 0 } ;
  int const seq[4] = { SIGUSR1, SIGUSR2, SIGHUP, SIGUSR1 } ;
  sigset_t set = sigset_of(sigs) ;
  int count = under_valgrind() ? 300 : 1000 ;
  int n, fd ;
  sp_info info ;

  errno = 0 ;
  ok(sp_read(&info) == -1 && errno == EBADF, "sp_read before sp_init: -1 EBADF") ;
  errno = 0 ;
  ok(sp_fd() == -1 && errno == EBADF, "sp_fd before sp_init: -1 EBADF") ;

  fd = sp_init(&set) ;
  ok(fd >= 0 && fd == sp_fd(), "sp_init returns the fd that sp_fd returns") ;
  ok(sp_read(&info) == 0, "sp_read with nothing pending returns 0") ;

  for (int i = 0 ; i < 4 ; i++) raise(seq[i]) ;
  n = drain(tab, 10) ;
  ok(n == 4, "four raised signals, four records (got %d)", n) ;
  {
    int same = n == 4 ;
    for (int i = 0 ; i < n && i < 4 ; i++) if (tab[i].sig != seq[i]) same = 0 ;
    ok(same, "USR1 USR2 HUP USR1 read back in that order") ;
  }
  {
    int fields = n == 4 ;
    for (int i = 0 ; i < n && i < 4 ; i++)
      if (tab[i].code != SI_TKILL || tab[i].pid != getpid() || tab[i].uid != getuid() || tab[i].lost || tab[i].status)
        fields = 0 ;
    ok(fields, "raise: code SI_TKILL, our pid and uid, lost 0") ;
  }

  for (int i = 0 ; i < 4 ; i++) kill(getpid(), seq[i]) ;
  n = drain(tab, 10) ;
  {
    int same = n == 4 ;
    for (int i = 0 ; i < n && i < 4 ; i++)
      if (tab[i].sig != seq[i] || tab[i].code != SI_USER || tab[i].pid != getpid()) same = 0 ;
    ok(same, "kill to self: same order, code SI_USER, our pid") ;
  }

  for (int i = 0 ; i < count ; i++)
    sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = i }) ;
  n = drain(tab, 2000) ;
  ok(check_rt_sequence(tab, n, SIGRTMIN + 1, count, "unblocked"), "%d sigqueue'd RTMIN+1, all read back in order with values (got %d)", count, n) ;

   /* queued in the kernel while blocked: all delivered at once on unblocking */
  {
    sigset_t rt, old ;
    int sent = 0 ;
    sigemptyset(&rt) ; sigaddset(&rt, SIGRTMIN + 1) ;
    sigprocmask(SIG_BLOCK, &rt, &old) ;
    for (int i = 0 ; i < count ; i++)
      if (!sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = i })) sent++ ;
    ok(sent == count, "%d RTMIN+1 queued while blocked", count) ;
    ok(sp_read(&info) == 0, "nothing is read while they are blocked") ;
    sigprocmask(SIG_SETMASK, &old, 0) ;
    n = drain(tab, 2000) ;
    ok(check_rt_sequence(tab, n, SIGRTMIN + 1, count, "blocked"), "after unblocking, all %d read back in order with values (got %d)", count, n) ;
  }

   /* SIGCHLD carries the child's pid and status */
  {
    pid_t pid = sp_fork() ;
    if (!pid) _exit(7) ;
    reap(pid) ;
    n = sp_wait(&info, 10000) ;
    ok(n == 1 && info.sig == SIGCHLD && info.code == CLD_EXITED && info.pid == pid && info.status == 7,
      "SIGCHLD: code CLD_EXITED, child pid, status 7 (sig %d code %d pid %d status %d)", info.sig, info.code, (int)info.pid, info.status) ;
  }
  {
    pid_t pid = sp_fork() ;
    if (!pid) { raise(SIGKILL) ; _exit(1) ; }
    reap(pid) ;
    n = sp_wait(&info, 10000) ;
    ok(n == 1 && info.sig == SIGCHLD && info.code == CLD_KILLED && info.pid == pid && info.status == SIGKILL,
      "SIGCHLD: code CLD_KILLED, status SIGKILL") ;
  }
  {
    pid_t pid = sp_fork() ;
    if (!pid) { raise(SIGSTOP) ; _exit(0) ; }
    n = sp_wait(&info, 10000) ;
    ok(n == 1 && info.sig == SIGCHLD && info.code == CLD_STOPPED && info.pid == pid && info.status == SIGSTOP,
      "SIGCHLD: code CLD_STOPPED, status SIGSTOP") ;
    kill(pid, SIGCONT) ;
    n = sp_wait(&info, 10000) ;
    ok(n == 1 && info.sig == SIGCHLD && info.code == CLD_CONTINUED && info.pid == pid && info.status == SIGCONT,
      "SIGCHLD: code CLD_CONTINUED, status SIGCONT") ;
    reap(pid) ;
    /* its exit may have been merged with CLD_CONTINUED by the kernel */
    while (sp_wait(&info, 100) == 1) ;
  }

   /* a POSIX timer: SI_TIMER, its value, no sender */
  {
    timer_t t ;
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN + 1, .sigev_value = { .sival_int = 77 } } ;
    struct itimerspec in = { .it_value = { 0, 20000000 } } ;
    if (timer_create(CLOCK_MONOTONIC, &ev, &t) < 0) ok(0, "timer_create") ;
    else
    {
      timer_settime(t, 0, &in, 0) ;
      n = sp_wait(&info, 10000) ;
      ok(n == 1 && info.sig == SIGRTMIN + 1 && info.code == SI_TIMER && info.value.sival_int == 77 && !info.pid && !info.uid,
        "a timer: code SI_TIMER, value 77, pid 0 (code %d value %d pid %d)", info.code, info.value.sival_int, (int)info.pid) ;
      timer_delete(t) ;
    }
  }
  ok(sp_read(&info) == 0, "nothing left") ;

  sp_finish() ;
  return tap_done() ;
}
