/* ISC license. */

#include <signal.h>
#include <unistd.h>

#include "sprun.h"

 /* The job-control stops (TSTP, TTIN, TTOU) mean "stop the job": once
    the child has been told, the runner does what the signal's default
    action would have done to it, so a shell or supervisor sees the job
    stopped. It stops, unless the signal was ignored or blocked when the
    runner started, or its process group is orphaned: the kernel
    discards job-control stops there, for the child as well. SIGSTOP does the stopping, so no
    handler has to move (and valgrind, which ignores a default-action
    TSTP, stops too). Whether each would stop the runner is read once,
    at startup, before the signals are trapped. */

 /* Orphaned: no member of the group has a parent in another group of
    the same session. Walk up from the runner through the members of
    its group: the first ancestor outside it decides. */

static int orphaned (void)
{
  pid_t pgrp = getpgrp() ;
  pid_t sid = getsid(0) ;
  pid_t p = getppid() ;
  for (unsigned int i = 0 ; i < 64 && p > 0 ; i++)
  {
    pid_t g = getpgid(p) ;
    if (g < 0) return 1 ;
    if (g != pgrp) return getsid(p) != sid ;
    if (sprun_proc_stat(p, 0, &p) < 0) return 0 ;  /* no /proc: assume a job-control shell */
  }
  return 1 ;
}

void sprun_stopself_init (void)
{
  sigset_t mask ;
  sigprocmask(SIG_BLOCK, 0, &mask) ;
  for (int sig = 1 ; sig < SP_NSIG ; sig++)
  {
    struct sigaction sa ;
    if ((sp_sig_class(sig) & (SP_SIG_STOP | SP_SIG_UNCATCHABLE)) != SP_SIG_STOP) continue ;
    sprun.jobstop[sig] = sigaction(sig, 0, &sa) == 0 && sa.sa_handler == SIG_DFL && sigismember(&mask, sig) != 1 ;
  }
}

void sprun_stopself (int sig)
{
  char name[SP_SIGNAME_MAX + 1] ;
  if (!sprun.jobstop[sig] || orphaned()) return ;
  name[sp_sig_fmt(name, sig)] = 0 ;
  sprun_log(SPRUN_DEBUG, SPRUN_LE_JOB, "stopping itself for ", name) ;
  sprun_log_flush_nowait() ;
  raise(SIGSTOP) ;
}
