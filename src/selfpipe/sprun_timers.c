/* ISC license. */

#include <signal.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "sprun.h"

#define SPRUN_KILL_AGAIN 5000

 /* The earliest deadline, 0 if there is none: with nothing pending
    the runner sleeps until a signal comes. */

int sprun_deadline (tain *deadline)
{
  int has = 0 ;
  if (sprun.killarmed && sprun.child)
  {
    *deadline = sprun.killdeadline ;
    has = 1 ;
  }
  if (sprun.cfg->hooktimeout)
    for (int sig = 1 ; sig < NSIG ; sig++)
    {
      sprun_hook const *h = sprun.hooks + sig ;
      if (h->pid && !h->timedout && (!has || tain_less(&h->deadline, deadline)))
      {
        *deadline = h->deadline ;
        has = 1 ;
      }
    }
  return has ;
}

 /* -k: SIGKILL once the deadline passes, again every 5 s while the
    child lives. */

void sprun_timers (void)
{
  sprun_hook_timers() ;
  if (sprun.killarmed && sprun.child && !tain_future(&sprun.killdeadline))
  {
    char fmt[PID_FMT] ;
    char ms[UINT_FMT] ;
    char name[SP_SIGNAME_MAX + 1] ;
    tain t ;
    kill(sprun.cfg->pgroup ? -sprun.child : sprun.child, SIGKILL) ;
    fmt[pid_fmt(fmt, sprun.child)] = 0 ;
    ms[uint_fmt(ms, sprun.killms)] = 0 ;
    name[sp_sig_fmt(name, sprun.killsig)] = 0 ;
    sprun_log(SPRUN_WARN, "child ", fmt, " alive ", ms, " ms after ", name, " -> SIGKILL") ;
    sprun.killms += SPRUN_KILL_AGAIN ;
    tain_from_millisecs(&t, SPRUN_KILL_AGAIN) ;
    tain_add(&sprun.killdeadline, &sprun.killdeadline, &t) ;
  }
}
