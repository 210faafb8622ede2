/* ISC license. */

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "sprun.h"

 /* Applies -m, forwards, sends SIGCONT after a stop signal, THEN logs:
    a stalled stderr never delays a forward. */

void sprun_deliver (sp_info const *info)
{
  sprun_config const *cfg = sprun.cfg ;
  char ev[SPRUN_EVENT_MAX] ;
  char tgt[SPRUN_TARGET_MAX] ;
  int to = cfg->map[info->sig] ;
  pid_t target ;
  /* once reaped, the pid may belong to someone else */
  if (!sprun.child) return ;
  target = cfg->pgroup ? -sprun.child : sprun.child ;
  if (to && kill(target, to) < 0)
  {
    int e = errno ;
    sprun_fmt_event(ev, info) ;
    sprun_fmt_pidtarget(tgt, to, sprun.child, cfg->pgroup) ;
    sprun_log(SPRUN_WARN, ev, " -> ", tgt, " failed: ", strerror(e)) ;
    return ;
  }
  if (to && to != SIGCONT && cfg->stopsig[info->sig]) kill(target, SIGCONT) ;
  sprun_fmt_event(ev, info) ;
  if (!to)
  {
    sprun_log(SPRUN_INFO, ev, " -> ignored") ;
    return ;
  }
  sprun_fmt_pidtarget(tgt, to, sprun.child, cfg->pgroup) ;
  sprun_log(SPRUN_INFO, ev, " -> ", tgt) ;
  /* the runner stops when it has told the child to stop */
  if ((info->sig == SIGTSTP || info->sig == SIGTTIN || info->sig == SIGTTOU)
   && (to == SIGTSTP || to == SIGTTIN || to == SIGTTOU || to == SIGSTOP))
    sprun_stopself(info->sig) ;
}
