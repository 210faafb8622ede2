/* ISC license. */

#include <signal.h>

#include "sprun.h"

 /*
    The fast path: which deliveries the library's handler forwards
    itself, kill() before the record is even written, so the loop only
    logs them and arms timers. A delivery is forwarded from the handler
    only when the loop would forward it as itself or as its -m
    signal, to the target, whatever the loop's state; everything that
    needs the loop to decide stays there:
    - what the kernel or the runner itself sent (a terminal's signals,
      the runner's own SIGPIPE): only another process's kill, sigqueue
      or tgkill is forwarded (SP_FORWARD_SENT);
    - -c: the hook decides; -m sig:0: nothing to send;
    - the job-control stops (TSTP TTIN TTOU): the runner stops itself
      after the child, and only when its own stop would be honoured;
    - -D: the first stop signal waits; -S: the schedule sends its own
      first stage, once, and a second stop signal is not forwarded;
    - -P (and -U, which needs it): a delivery that races with a
      master's exit goes to the next master, which only the loop knows;
      -H: held until the service is ready;
    - with -N: the reload signal (HUP), which the
      reload confirmation times from its forward, before any
      RELOADING=1 it causes.
    And nothing at all while the target is not the runner's own child
    (a MAINPID= further down the tree): another process reaps it, and
    its pid may be reused before the loop hears of its death.
    A stop signal under -k (or none) is forwarded with its SIGCONT
    (SP_FORWARD_CONT), and the loop arms -k's SIGKILL when it reads the
    record.
 */

static int from_handler (sprun_config const *cfg, int sig)
{
  unsigned int class = sp_sig_class(sig) ;
  if (class & (SP_SIG_INVALID | SP_SIG_UNCATCHABLE | SP_SIG_RESERVED | SP_SIG_CHILD | SP_SIG_STOP)) return 0 ;
  if (!cfg->map[sig] || cfg->hook[sig] || sig == cfg->upgradesig) return 0 ;
  if (cfg->notify && sig == SIGHUP) return 0 ;
  if (cfg->stopsig[sig] && (cfg->stopdelay || cfg->stop.stage[0].sig)) return 0 ;
  return 1 ;
}

static int on = 0 ;

 /* on 0: the loop forwards everything, for as long as the target is a
    process whose death the runner may not see before its reap (a
    MAINPID= that is not the runner's own child: sprun_target.c) */
void sprun_fast (int want)
{
  sprun_config const *cfg = sprun.cfg ;
  if (cfg->pidfile[0] || cfg->hold || want == on) return ;
  on = want ;
  for (int sig = 1 ; sig < SP_NSIG ; sig++)
    if (from_handler(cfg, sig))
      sp_forward(sig, on ? cfg->map[sig] : 0, SP_FORWARD_SENT | (cfg->stopsig[sig] ? SP_FORWARD_CONT : 0)) ;
}
