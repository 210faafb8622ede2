/* ISC license. */

#include <errno.h>
#include <signal.h>


#include "sprun.h"

 /* Every signal that can be trapped: all but the uncatchable ones and
    libc's own. A fault signal is trapped too: one that was sent is an
    ordinary delivery, and the library gives a real fault its default
    action back. */

static void trapset (sigset_t *set)
{
  sigemptyset(set) ;
  for (int sig = 1 ; sig < SP_NSIG ; sig++)
    if (!(sp_sig_class(sig) & (SP_SIG_UNCATCHABLE | SP_SIG_RESERVED))) sigaddset(set, sig) ;
}

 /* Some environments keep a signal for themselves (valgrind takes one
    real-time signal) and refuse a handler for it: leave those alone.
    Only looked for when sp_init fails, so it costs nothing otherwise. */

static void probe_handler (int sig)
{
  (void)sig ;
}

static void untrappable (sigset_t *set)
{
  struct sigaction probe = { .sa_handler = &probe_handler } ;
  sigset_t all, old ;
  sigfillset(&all) ;
  sigemptyset(&probe.sa_mask) ;
  /* blocked, so nothing meets the probe handler */
  sigprocmask(SIG_BLOCK, &all, &old) ;
  for (int sig = 1 ; sig < SP_NSIG ; sig++)
  {
    struct sigaction sa ;
    if (sigismember(set, sig) != 1) continue ;
    if (sigaction(sig, &probe, &sa) < 0) sigdelset(set, sig) ;
    else sigaction(sig, &sa, 0) ;
  }
  sigprocmask(SIG_SETMASK, &old, 0) ;
}

void sprun_trap (void)
{
  sigset_t set ;
  trapset(&set) ;
  if (sp_init(&set) < 0)
  {
    if (errno != EINVAL) sprun_diefu(111, "trap signals") ;
    untrappable(&set) ;
    if (sp_init(&set) < 0) sprun_diefu(111, "trap signals") ;
  }
}
