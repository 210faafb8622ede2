/* ISC license. */

#include <signal.h>

#include <skalibs/types.h>

#include "sprun.h"

 /* The kernel's answer to the runner's own I/O (PIPE and XFSZ from its
    writes; TTIN and TTOU that the terminal sent to the runner's own
    group while the child has its own, -g): nothing the child should
    see. */

static int self_caused (sp_info const *info)
{
  unsigned int class = sp_sig_class(info->sig) ;
  if (!(class & SP_SIG_OWNIO)) return 0 ;
  if (info->pid == sprun.self) return 1 ;
  if (info->code != SI_KERNEL) return 0 ;
  return class & SP_SIG_TTY ? sprun.cfg->pgroup : 1 ;
}

 /* Without -g, what the terminal sends to the foreground group has
    reached the child already. */

static int terminal_sent (sp_info const *info)
{
  return info->code == SI_KERNEL && !sprun.cfg->pgroup && sp_sig_class(info->sig) & SP_SIG_TTY ;
}

static void child_changed (sp_info const *info)
{
  char fmt[PID_FMT] ;
  if (info->pid != sprun.child || !sprun.child) return ;
  fmt[pid_fmt(fmt, info->pid)] = 0 ;
  if (info->code == CLD_STOPPED || info->code == CLD_TRAPPED)
  {
    char name[SP_SIGNAME_MAX + 1] ;
    name[sp_sig_fmt(name, info->status)] = 0 ;
    sprun_log(SPRUN_DEBUG, SPRUN_LE_JOB, "child ", fmt, " stopped by ", name) ;
    sprun_tty_stopped(info->status) ;
  }
  else if (info->code == CLD_CONTINUED)
    sprun_log(SPRUN_DEBUG, SPRUN_LE_JOB, "child ", fmt, " continued") ;
}

static void lost (sp_info const *info, sp_fwd const *fwd)
{
  char name[SP_SIGNAME_MAX + 1] ;
  char fmt[UINT_FMT] ;
  name[sp_sig_fmt(name, info->sig)] = 0 ;
  fmt[uint_fmt(fmt, info->lost)] = 0 ;
  /* forwarded by the handler, only the records lost: nothing more to send */
  sprun_log(SPRUN_WARN, SPRUN_LE_SIGNAL, fmt, " deliveries of ", name, fwd->state == SP_FWD_SENT ? " forwarded, not logged" : " lost",
    " (the signal pipe was full)") ;
}

 /* One record from the pipe: where it goes. fwd: what the handler did
    with it (sprun_fast.c); a record routed again later (held) was
    never forwarded there. */

void sprun_signal (sp_info const *info)
{
  static sp_fwd const none = SP_FWD_ZERO ;
  sprun_signal_fwd(info, &none) ;
}

void sprun_signal_fwd (sp_info const *info, sp_fwd const *fwd)
{
  sprun_config const *cfg = sprun.cfg ;
  int sig = info->sig ;
  sprun_event ev ;
  if (info->lost) lost(info, fwd) ;
  if (info->lost && fwd->state == SP_FWD_SENT) return ;
  if (sig == SIGCHLD)
  {
    if (!info->lost) child_changed(info) ;
    sprun_reap() ;
    return ;
  }
  if (sig <= 0 || sig >= SP_NSIG) return ;
  sprun_parentsig_check(info) ;
  if (sprun_follow_hold(info)) return ;
  sprun_event_init(&ev, info) ;
  ev.fwd = *fwd ;
  if (self_caused(info))
  {
    ev.outcome = SPRUN_EV_SELF ;
    sprun_event_log(&ev) ;
  }
  else if (sig == cfg->upgradesig)
  {
    if (sprun_gen_ops) (*sprun_gen_ops->trigger)(&ev) ;
    else sprun_rollout_trigger(&ev) ;
  }
  /* -D holds the first stop signal before anything else sees it */
  else if (cfg->stopsig[sig] && sprun_stopdelay_take(&ev)) ;
  /* with -S the schedule sends its own stages, whoever sent the stop */
  else if (cfg->stopsig[sig] && sprun_stop_begin(&ev)) ;
  else if (terminal_sent(info))
  {
    ev.outcome = SPRUN_EV_TERMINAL ;
    sprun_event_log(&ev) ;
    if (sp_sig_class(sig) & SP_SIG_STOP) sprun_stopself(sig) ;
  }
  else if (sprun_ready_hold(&ev)) ;
  else sprun_route(&ev) ;
}

 /* After the child's end, the records still in the pipe: what the
    handler forwarded is logged as forwarded, the rest found no target. */

void sprun_signal_late (sp_info const *info, sp_fwd const *fwd)
{
  sprun_event ev ;
  if (info->lost) lost(info, fwd) ;
  if (info->lost && fwd->state == SP_FWD_SENT) return ;
  if (info->sig == SIGCHLD || info->sig <= 0 || info->sig >= SP_NSIG) return ;
  sprun_event_init(&ev, info) ;
  ev.fwd = *fwd ;
  if (self_caused(info))
  {
    ev.outcome = SPRUN_EV_SELF ;
    sprun_event_log(&ev) ;
  }
  else sprun_deliver(&ev) ;
}

 /* the usual rules: the hook decides, or it is delivered */
void sprun_route (sprun_event *ev)
{
  if (sprun.cfg->hook[ev->info.sig]) sprun_hook_request(ev) ;
  else sprun_deliver(ev) ;
}
