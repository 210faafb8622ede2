/* ISC license. */

#include "sp-internal.h"

void sp_untrap_one (int sig)
{
  struct sigaction sa ;
  sp_orig_get(sig, &sa) ;
  sigaction(sig, &sa, 0) ;
  sigdelset(&sp_state.trapped, sig) ;
}
