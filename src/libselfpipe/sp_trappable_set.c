/* ISC license. */

#include "sp-internal.h"

 /* No uncatchable signal, none of libc's own. */

int sp_trappable_set (sigset_t const *set)
{
  for (int sig = 1 ; sig < SP_NSIG ; sig++)
    if (sigismember(set, sig) == 1 && sp_sig_class(sig) & (SP_SIG_UNCATCHABLE | SP_SIG_RESERVED)) return 0 ;
  return 1 ;
}
