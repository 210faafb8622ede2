/* ISC license. sp_wait and sp_wait_deadline: timeouts on the monotonic clock. */

#include <errno.h>
#include <sys/time.h>

#include <skalibs/tai.h>

#include "tap.h"
#include "lib-common.h"

 /* Generous upper bounds: the machine may be loaded, but a wait that
    ignores its timeout, or a signal that is not noticed, still fails:
    scaled, but kept under 20 s, so that a signal missed in the 30 s wait
    below is still seen. */
#define SLACK_MS (scaled_ms(4000) < 20000 ? scaled_ms(4000) : 20000)

static volatile sig_atomic_t ticks = 0 ;

 /* An untrapped signal with a handler, to interrupt the wait with EINTR. */
static void tick (int sig)
{
  (void)sig ;
  if (++ticks >= 100)
  {
    struct itimerval stop = { .it_value = { 0, 0 } } ;
    setitimer(ITIMER_REAL, &stop, 0) ;
  }
}

static void start_ticking (void)
{
  struct sigaction sa = { .sa_handler = &tick } ;  /* no SA_RESTART */
  struct itimerval every = { .it_interval = { 0, 30000 }, .it_value = { 0, 30000 } } ;
  sigemptyset(&sa.sa_mask) ;
  ticks = 0 ;
  sigaction(SIGALRM, &sa, 0) ;
  setitimer(ITIMER_REAL, &every, 0) ;
}

static void stop_ticking (void)
{
  struct itimerval stop = { .it_value = { 0, 0 } } ;
  setitimer(ITIMER_REAL, &stop, 0) ;
}

 /* A child that sends SIGUSR1 to us after ms milliseconds. */
static void in_ms (tain *deadline, unsigned int ms)
{
  tain d ;
  tain_from_millisecs(&d, ms) ;
  tain_add_g(deadline, &d) ;
}

static pid_t late_sender (long ms)
{
  pid_t parent = getpid() ;
  pid_t pid = sp_fork() ;
  if (pid) return pid ;
  sleep_ms(ms) ;
  _exit(kill(parent, SIGUSR1) < 0) ;
}

int main (void)
{
  int const sigs[] = { SIGUSR1, SIGUSR2, 0 } ;
  sigset_t set = sigset_of(sigs) ;
  sp_info info ;
  long long start, elapsed ;
  int r ;
  pid_t pid ;

  errno = 0 ;
  ok(sp_wait(&info, 0) == -1 && errno == EBADF, "sp_wait before sp_init: -1 EBADF") ;
  if (sp_init(&set) < 0) { perror("sp_init") ; return 111 ; }

  start = now_ms() ;
  r = sp_wait(&info, 0) ;
  elapsed = now_ms() - start ;
  ok(r == 0 && elapsed < 1000, "sp_wait(0) with nothing pending: 0 at once (%lld ms)", elapsed) ;
  raise(SIGUSR2) ;
  ok(sp_wait(&info, 0) == 1 && info.sig == SIGUSR2, "sp_wait(0) with a record pending: 1 and the record") ;

  start = now_ms() ;
  r = sp_wait(&info, 300) ;
  elapsed = now_ms() - start ;
  ok(r == 0 && elapsed >= 300 && elapsed < 300 + SLACK_MS, "sp_wait(300): 0 after %lld ms", elapsed) ;

   /* an untrapped signal every 30 ms interrupts the poll: the deadline holds */
  start_ticking() ;
  start = now_ms() ;
  r = sp_wait(&info, 500) ;
  elapsed = now_ms() - start ;
  stop_ticking() ;
  ok(r == 0 && elapsed >= 500 && elapsed < 500 + SLACK_MS, "sp_wait(500) interrupted %d times: 0 after %lld ms", (int)ticks, elapsed) ;
  ok(ticks >= 2, "the wait really was interrupted (%d)", (int)ticks) ;

  pid = late_sender(300) ;
  start = now_ms() ;
  r = sp_wait(&info, 30000) ;
  elapsed = now_ms() - start ;
  ok(r == 1 && info.sig == SIGUSR1 && info.pid == pid, "sp_wait(30 s): a signal from another process returns 1, its record") ;
  ok(elapsed < 300 + SLACK_MS, "promptly: %lld ms for a signal sent at 300 ms", elapsed) ;
  reap(pid) ;

  pid = late_sender(200) ;
  r = sp_wait(&info, -1) ;
  ok(r == 1 && info.sig == SIGUSR1 && info.pid == pid, "sp_wait(-1): waits until a signal comes") ;
  reap(pid) ;

   /* sp_wait_deadline, iopause style */
  {
    tain deadline ;
    start = now_ms() ;   /* before STAMP: the deadline must not be earlier than start + 300 */
    tain_now_set_stopwatch_g() ;
    in_ms(&deadline, 300) ;
    r = sp_wait_deadline_g(&info, &deadline) ;
    elapsed = now_ms() - start ;
    ok(r == 0 && elapsed >= 300 && elapsed < 300 + SLACK_MS, "sp_wait_deadline(now + 300 ms): 0 after %lld ms", elapsed) ;
    ok(!tain_less(&STAMP, &deadline), "STAMP is updated, not before the deadline") ;

    start_ticking() ;
    start = now_ms() ;
    tain_now_g() ;
    in_ms(&deadline, 400) ;
    r = sp_wait_deadline_g(&info, &deadline) ;
    elapsed = now_ms() - start ;
    stop_ticking() ;
    ok(r == 0 && elapsed >= 400 && elapsed < 400 + SLACK_MS && ticks >= 2, "sp_wait_deadline interrupted %d times: 0 after %lld ms", (int)ticks, elapsed) ;

    tain_now_g() ;
    deadline = STAMP ;
    start = now_ms() ;
    r = sp_wait_deadline_g(&info, &deadline) ;
    ok(r == 0 && now_ms() - start < 1000, "sp_wait_deadline with a deadline already past: 0 at once") ;

    raise(SIGUSR2) ;
    ok(sp_wait_deadline_g(&info, &deadline) == 1 && info.sig == SIGUSR2, "a pending record is returned even with a past deadline") ;

    pid = late_sender(300) ;
    tain_now_g() ;
    tain_addsec_g(&deadline, 30) ;
    start = now_ms() ;
    r = sp_wait_deadline_g(&info, &deadline) ;
    elapsed = now_ms() - start ;
    ok(r == 1 && info.sig == SIGUSR1 && info.pid == pid && elapsed < 300 + SLACK_MS, "sp_wait_deadline(now + 30 s): a signal from another process returns 1 after %lld ms", elapsed) ;
    reap(pid) ;

    pid = late_sender(200) ;
    r = sp_wait_deadline_g(&info, &tain_infinite) ;
    ok(r == 1 && info.sig == SIGUSR1 && info.pid == pid, "sp_wait_deadline(tain_infinite): waits until a signal comes") ;
    reap(pid) ;
  }

  sp_finish() ;
  errno = 0 ;
  ok(sp_wait(&info, 100) == -1 && errno == EBADF, "sp_wait after sp_finish: -1 EBADF") ;
  return tap_done() ;
}
