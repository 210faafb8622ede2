/* ISC license. */

#include <errno.h>
#include <signal.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>

#include "sprun.h"

 /*
    As PID 1, the runner's exit takes the pid namespace down: the kernel
    SIGKILLs whatever is left in it, mid-write. So before exiting, what
    is left (a daemon's workers, a cron job, anything) is given the
    service's stop: SIGTERM to all, then SIGKILL once the stop
    schedule's grace (-k, -S; SPRUN_SWEEP_GRACE without one) is over.
    kill(-1) from PID 1 reaches every process of the namespace but
    PID 1 itself. SIGCHLD records wake the wait; the 10 ms cap covers
    processes that are not the runner's children, whose end it does not
    hear about.
 */

#define SPRUN_SWEEP_GRACE 5000
#define SPRUN_SWEEP_POLL 10

static void drain (void)
{
  sp_info info ;
  while (sp_read(&info) > 0) ;
  sprun_reap() ;
}

 /* waits until nothing is left or until end; returns how many are left */
static unsigned int wait_gone (tain const *end)
{
  unsigned int n ;
  while ((n = sprun_alive()) && tain_less(&STAMP, end))
  {
    iopause_fd x = { .fd = sp_fd(), .events = IOPAUSE_READ } ;
    tain d, t ;
    tain_from_millisecs(&d, SPRUN_SWEEP_POLL) ;
    tain_add_g(&t, &d) ;
    if (tain_less(end, &t)) t = *end ;
    if (iopause(&x, 1, &t, &STAMP) < 0 && errno != EINTR) break ;
    tain_now_g() ;
    drain() ;
  }
  return n ;
}

void sprun_sweep (void)
{
  char fmt[UINT_FMT] ;
  char ms[UINT_FMT] ;
  unsigned int grace = sprun_stop_grace() ;
  unsigned int n ;
  tain end, d ;
  if (sprun.self != 1) return ;
  drain() ;
  n = sprun_alive() ;
  if (!n) return ;
  if (!grace) grace = SPRUN_SWEEP_GRACE ;
  fmt[uint_fmt(fmt, n)] = 0 ;
  ms[uint_fmt(ms, grace)] = 0 ;
  sprun_log(SPRUN_INFO, SPRUN_LE_KILL, "PID 1 exiting: ", fmt, n == 1 ? " process" : " processes", " still alive -> SIGTERM to all, SIGKILL in ", ms, " ms") ;
  sprun_log_flush_nowait() ;
  kill(-1, SIGTERM) ;
  kill(-1, SIGCONT) ;
  tain_now_g() ;
  tain_from_millisecs(&d, (int)grace) ;
  tain_add_g(&end, &d) ;
  n = wait_gone(&end) ;
  if (!n)
  {
    sprun_log(SPRUN_INFO, SPRUN_LE_KILL, "PID 1 exiting: all gone after SIGTERM") ;
    return ;
  }
  fmt[uint_fmt(fmt, n)] = 0 ;
  sprun_log(SPRUN_WARN, SPRUN_LE_KILL, "PID 1 exiting: ", fmt, n == 1 ? " process" : " processes", " alive ", ms, " ms after SIGTERM -> SIGKILL to all") ;
  kill(-1, SIGKILL) ;
  tain_from_millisecs(&d, 1000) ;
  tain_add_g(&end, &d) ;
  wait_gone(&end) ;
}
