/* ISC license. */

#include <errno.h>
#include <signal.h>

#include "sprun.h"

 /* Applies -m and forwards through the target, THEN logs: a stalled
    stderr never delays a forward. */

void sprun_deliver (sprun_event *ev)
{
  sprun_config const *cfg = sprun.cfg ;
  int sig = ev->info.sig ;
  int to = cfg->map[sig] ;
  /* no target: the child is dead, and its pid may soon be someone else's */
  if (!sprun_target()) return ;
  if (!to)
  {
    ev->outcome = SPRUN_EV_IGNORED ;
    sprun_event_log(ev) ;
    return ;
  }
  ev->to = to ;
  if (sprun_target_kill(to, &ev->target) < 0)
  {
    ev->err = errno ;
    ev->outcome = SPRUN_EV_FAILED ;
    sprun_event_log(ev) ;
    return ;
  }
  if (cfg->stopsig[sig]) sprun_stop_cont(to) ;
  ev->outcome = SPRUN_EV_FORWARDED ;
  sprun_event_log(ev) ;
  sprun_reload_sent(sig) ;
  /* the runner stops when it has told the child to stop */
  if (sp_sig_class(sig) & SP_SIG_STOP && sp_sig_class(to) & SP_SIG_STOP) sprun_stopself(sig) ;
}
