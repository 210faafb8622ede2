/* ISC license. */

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "sprun.h"

 /*
    -W ms: the main process must say WATCHDOG=1 at least every ms, from
    the spawn on; a missed ping is a hung service, stopped with the stop
    schedule as if the supervisor had sent the first stop signal, so
    that the supervisor restarts it. WATCHDOG_USEC is exported;
    WATCHDOG_PID is not, since the child's pid is not known before the
    spawn, and libsystemd then takes WATCHDOG_USEC as it is.
 */

static struct
{
  unsigned char armed ;
  tain deadline ;
} wd ;

static void arm (void)
{
  tain t ;
  tain_from_millisecs(&t, (int)sprun.cfg->watchdog) ;
  tain_add_g(&wd.deadline, &t) ;
  wd.armed = 1 ;
}

void sprun_watchdog_init (void)
{
  char fmt[UINT64_FMT] ;
  if (!sprun.cfg->watchdog) return ;
  fmt[uint64_fmt(fmt, (uint64_t)sprun.cfg->watchdog * 1000)] = 0 ;
  if (setenv("WATCHDOG_USEC", fmt, 1) < 0) sprun_diefu(111, "set WATCHDOG_USEC") ;
  unsetenv("WATCHDOG_PID") ;
  arm() ;
}

 /* trigger: WATCHDOG=trigger, the service asks to be taken as hung */
void sprun_watchdog_ping (int trigger)
{
  if (!sprun.cfg->watchdog || !wd.armed) return ;
  if (trigger) wd.deadline = STAMP ;
  else arm() ;
}

void sprun_watchdog_stop (void)
{
  wd.armed = 0 ;
}

int sprun_watchdog_deadline (tain *deadline)
{
  if (!wd.armed || !sprun_target()) return 0 ;
  *deadline = wd.deadline ;
  return 1 ;
}

 /* The first stop signal of -t, as if the runner had sent it itself. */
void sprun_watchdog_timers (void)
{
  sp_info info = { .pid = sprun.self, .code = SI_USER } ;
  sprun_event ev ;
  char fmt[PID_FMT], ms[UINT_FMT] ;
  /* called on every turn of the loop: no system call before this */
  if (!wd.armed || !sprun_target() || tain_future(&wd.deadline)) return ;
  wd.armed = 0 ;
  info.uid = getuid() ;
  fmt[pid_fmt(fmt, sprun_target())] = 0 ;
  ms[uint_fmt(ms, sprun.cfg->watchdog)] = 0 ;
  sprun_log(SPRUN_WARN, SPRUN_LE_WATCHDOG, "watchdog timeout: no WATCHDOG=1 from pid ", fmt, " within ", ms, " ms: stopping it") ;
  info.sig = SIGTERM ;
  for (int sig = 1 ; sig < SP_NSIG ; sig++)
    if (sprun.cfg->stopsig[sig]) { info.sig = sig ; break ; }
  sprun_event_init(&ev, &info) ;
  if (!sprun_stop_begin(&ev)) sprun_deliver(&ev) ;
}
