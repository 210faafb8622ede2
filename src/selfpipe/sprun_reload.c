/* ISC license. */

#include <signal.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "sprun.h"

 /*
    Reload confirmation (-N): a reload signal forwarded (SIGHUP, or one
    gated by -c), then RELOADING=1 and READY=1 from the main process,
    is a reload done, timed from the signal. RELOADING=1 that no signal
    of ours started (the service reloads itself) is timed from there.
    A READY=1 without RELOADING=1 first is not a confirmation: php-fpm
    repeats READY=1 as a heartbeat. ERRNO=, STOPPING=1, the main
    process's death, or no READY=1 before the -R deadline (which
    EXTEND_TIMEOUT_USEC= pushes back) is a reload failed.
 */

enum { IDLE, SENT, RELOADING } ;

static struct
{
  int state ;
  tain start ;
  tain deadline ;
} rl = { .state = IDLE } ;

static void arm (uint64_t ms)
{
  tain t ;
  tain_from_millisecs(&t, ms > 0x7fffffff ? 0x7fffffff : (int)ms) ;
  tain_add_g(&rl.deadline, &t) ;
}

 /* sig: the signal that was caught, before -m */
void sprun_reload_sent (int sig)
{
  sprun_config const *cfg = sprun.cfg ;
  /* a HUP that -t makes a stop signal stops, it does not reload */
  if (!cfg->notify || cfg->stopsig[sig] || (sig != SIGHUP && !cfg->hook[sig])) return ;
  /* a second one within the first reload is part of it */
  if (rl.state != IDLE) return ;
  rl.state = SENT ;
  rl.start = STAMP ;
  arm(cfg->reloadtimeout) ;
}

void sprun_reload_reloading (void)
{
  if (rl.state == IDLE)
  {
    rl.start = STAMP ;
    arm(sprun.cfg->reloadtimeout) ;
  }
  rl.state = RELOADING ;
}

 /* Returns 1 if this READY=1 ended a reload. */
int sprun_reload_ready (void)
{
  tain d ;
  char fmt[UINT64_FMT] ;
  if (rl.state != RELOADING) return 0 ;
  rl.state = IDLE ;
  tain_sub(&d, &STAMP, &rl.start) ;
  fmt[uint64_fmt(fmt, tain_to_millisecs(&d))] = 0 ;
  sprun_log(SPRUN_INFO, SPRUN_LE_RELOAD, "reload done in ", fmt, " ms") ;
  return 1 ;
}

void sprun_reload_failed (char const *why, char const *detail)
{
  if (rl.state == IDLE) return ;
  rl.state = IDLE ;
  if (detail) sprun_log(SPRUN_WARN, SPRUN_LE_RELOAD, "reload failed: ", why, " (", detail, ")") ;
  else sprun_log(SPRUN_WARN, SPRUN_LE_RELOAD, "reload failed: ", why) ;
}

void sprun_reload_extend (uint64_t usec)
{
  if (rl.state != IDLE) arm((usec + 999) / 1000) ;
}

int sprun_reload_deadline (tain *deadline)
{
  if (rl.state == IDLE) return 0 ;
  *deadline = rl.deadline ;
  return 1 ;
}

void sprun_reload_timers (void)
{
  tain d ;
  char fmt[UINT64_FMT] ;
  if (rl.state == IDLE || tain_future(&rl.deadline)) return ;
  tain_sub(&d, &STAMP, &rl.start) ;
  fmt[uint64_fmt(fmt, tain_to_millisecs(&d))] = 0 ;
  sprun_log(SPRUN_WARN, SPRUN_LE_RELOAD, "reload failed: no ", rl.state == SENT ? "RELOADING=1 and " : "", "READY=1 within ", fmt, " ms") ;
  rl.state = IDLE ;
}
