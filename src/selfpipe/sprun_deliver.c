/* ISC license. */

#include <errno.h>
#include <signal.h>

#include "sprun.h"

 /* Applies -m and forwards through the target, THEN logs: a stalled
    stderr never delays a forward. A delivery the library's handler
    forwarded already (sprun_fast.c) is only logged, and what follows a
    forward follows it as well. */

static void forwarded (sprun_event *ev)
{
  int sig = ev->info.sig ;
  ev->outcome = ev->err ? SPRUN_EV_FAILED : SPRUN_EV_FORWARDED ;
  sprun_event_log(ev) ;
  if (ev->err) return ;
  sprun_reload_sent(sig) ;
  /* the runner stops when it has told the child to stop */
  if (sp_sig_class(sig) & SP_SIG_STOP && sp_sig_class(ev->to) & SP_SIG_STOP) sprun_stopself(sig) ;
}

void sprun_deliver (sprun_event *ev)
{
  sprun_config const *cfg = sprun.cfg ;
  int sig = ev->info.sig ;
  int to = cfg->map[sig] ;
  if (ev->fwd.state == SP_FWD_SENT)
  {
    ev->to = ev->fwd.sig ;
    ev->target = ev->fwd.target ;
    ev->err = ev->fwd.err ;
    if (!ev->err && cfg->stopsig[sig]) sprun_stop_cont_log(ev->to, ev->target) ;
    forwarded(ev) ;
    return ;
  }
  /* no target: the child is dead, and its pid may soon be someone else's */
  if (!sprun_target())
  {
    ev->outcome = SPRUN_EV_GONE ;
    sprun_event_log(ev) ;
    return ;
  }
  if (!to)
  {
    ev->outcome = SPRUN_EV_IGNORED ;
    sprun_event_log(ev) ;
    return ;
  }
  ev->to = to ;
  ev->err = sprun_target_kill(to, &ev->target) < 0 ? errno : 0 ;
  if (!ev->err && cfg->stopsig[sig]) sprun_stop_cont(to) ;
  forwarded(ev) ;
}
