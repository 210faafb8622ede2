/* ISC license. */

#include "sp-internal.h"

 /* Whether a signal of set belongs to one of the classes. */

int sp_set_has_class (sigset_t const *set, unsigned int class)
{
  for (int sig = 1 ; sig < SP_NSIG ; sig++)
    if (sigismember(set, sig) == 1 && sp_sig_class(sig) & class) return 1 ;
  return 0 ;
}
