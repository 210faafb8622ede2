/* ISC license. */

#include "sp-internal.h"

 /* No target, nothing forwarded from the handler: after sp_finish, and
    in a child of sp_fork, which must never signal its parent's target. */

void sp_forward_forget (void)
{
  atomic_store(&sp_fwd_target, 0) ;
  for (int sig = 1 ; sig < SP_NSIG ; sig++) atomic_store(&sp_fwd_table[sig], 0) ;
}
