/* ISC license. */

#include <signal.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "sprun.h"

 /* PIPE and XFSZ that its own writes caused (the kernel sends them as
    if the process had sent them to itself), and the job-control TTIN
    and TTOU that the terminal sent to the runner's own group while the
    child has its own (-g): nothing the child should see. */

static int self_caused (sp_info const *info)
{
  switch (info->sig)
  {
    case SIGPIPE :
    case SIGXFSZ :
      return info->pid == sprun.self || info->code == SI_KERNEL ;
    case SIGTTIN :
    case SIGTTOU :
      return info->pid == sprun.self || (info->code == SI_KERNEL && sprun.cfg->pgroup) ;
    default : return 0 ;
  }
}

 /* Without -g, what the terminal sends to the foreground group has
    reached the child already. */

static int terminal_sent (sp_info const *info)
{
  if (info->code != SI_KERNEL || sprun.cfg->pgroup) return 0 ;
  switch (info->sig)
  {
    case SIGINT : case SIGQUIT : case SIGTSTP : case SIGTTIN : case SIGTTOU :
    case SIGWINCH : case SIGHUP : case SIGCONT :
      return 1 ;
    default : return 0 ;
  }
}

static void arm_kill (int sig)
{
  tain t ;
  sprun.killarmed = 1 ;
  sprun.killsig = sig ;
  sprun.killms = sprun.cfg->killtimeout ;
  tain_from_millisecs(&t, (int)sprun.cfg->killtimeout) ;
  tain_add_g(&sprun.killdeadline, &t) ;
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
    sprun_log(SPRUN_DEBUG, "child ", fmt, " stopped by ", name) ;
  }
  else if (info->code == CLD_CONTINUED)
    sprun_log(SPRUN_DEBUG, "child ", fmt, " continued") ;
}

void sprun_signal (sp_info const *info)
{
  sprun_config const *cfg = sprun.cfg ;
  int sig = info->sig ;
  char ev[SPRUN_EVENT_MAX] ;
  if (info->lost)
  {
    char name[SP_SIGNAME_MAX + 1] ;
    char fmt[UINT_FMT] ;
    name[sp_sig_fmt(name, sig)] = 0 ;
    fmt[uint_fmt(fmt, info->lost)] = 0 ;
    sprun_log(SPRUN_WARN, fmt, " deliveries of ", name, " lost (the signal pipe was full)") ;
  }
  if (sig == SIGCHLD)
  {
    if (!info->lost) child_changed(info) ;
    sprun_reap() ;
    return ;
  }
  if (sig <= 0 || sig >= NSIG) return ;
  if (cfg->stopsig[sig] && cfg->killtimeout && !sprun.killarmed) arm_kill(sig) ;
  if (self_caused(info))
  {
    sprun_fmt_event(ev, info) ;
    sprun_log(SPRUN_INFO, ev, " -> not forwarded: caused by the runner") ;
  }
  else if (terminal_sent(info))
  {
    sprun_fmt_event(ev, info) ;
    sprun_log(SPRUN_INFO, ev, " -> not forwarded: terminal already sent it") ;
    if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) sprun_stopself(sig) ;
  }
  else if (cfg->hook[sig]) sprun_hook_request(info) ;
  else sprun_deliver(info) ;
}
