/* ISC license. */

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "sprun.h"

 /* TSTP, TTIN and TTOU mean "stop the job": once the child has been
    told, the runner does what the signal's original disposition would
    have done to it, so a shell or supervisor sees the job stopped. The
    kernel decides: nothing happens if the signal was ignored, or in an
    orphaned process group, exactly as for the child. The queued lines
    go out first if fd 2 takes them now. */

void sprun_stopself (int sig)
{
  sigset_t set = sprun.trapped ;
  char name[SP_SIGNAME_MAX + 1] ;
  name[sp_sig_fmt(name, sig)] = 0 ;
  sprun_log(SPRUN_DEBUG, name, " raised on itself") ;
  sprun_log_flush_nowait() ;
  sigdelset(&set, sig) ;
  if (sp_trap(&set) < 0) return ;
  raise(sig) ;
  sp_trap(&sprun.trapped) ;
}

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
  if (info->sig == SIGTSTP || info->sig == SIGTTIN || info->sig == SIGTTOU) sprun_stopself(info->sig) ;
}
