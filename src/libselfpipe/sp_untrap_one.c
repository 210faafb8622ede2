/* ISC license. */

#include "sp-internal.h"

void sp_untrap_one (int sig)
{
  sigaction(sig, &sp_state.orig[sig], 0) ;
  sigdelset(&sp_state.trapped, sig) ;
}
