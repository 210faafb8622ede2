/* ISC license. */

#include "sp-internal.h"

 /* Records the disposition sig has now, then installs the handler.
    The handler runs with every signal blocked, so that a second signal
    cannot write its record before the first one's: delivery order. */

int sp_trap_one (int sig)
{
  struct sigaction sa = { .sa_sigaction = &sp_handler, .sa_flags = SA_SIGINFO | SA_RESTART } ;
  sigfillset(&sa.sa_mask) ;
  struct sigaction old ;
  if (sigaction(sig, &sa, &old) < 0) return -1 ;
  sp_orig_put(sig, &old) ;
  sigaddset(&sp_state.trapped, sig) ;
  return 0 ;
}
