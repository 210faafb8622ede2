/* ISC license. */

#include <errno.h>

#include "sp-internal.h"

 /*
    From now on, the handler sends to (0: nothing) to the target for
    each delivery of sig, before it writes the record. One store: a
    handler running in another thread sees the old entry or the new
    one, never half of each. SIGCHLD is the program's own: its record
    carries the child's status, and no target wants it.
 */

int sp_forward (int sig, int to, unsigned int flags)
{
  if (sp_sig_class(sig) & (SP_SIG_INVALID | SP_SIG_UNCATCHABLE | SP_SIG_RESERVED | SP_SIG_CHILD)
   || (to && sp_sig_class(to) & SP_SIG_INVALID)
   || flags & ~(unsigned int)(SP_FORWARD_SENT | SP_FORWARD_CONT))
    return (errno = EINVAL, -1) ;
  atomic_store(&sp_fwd_table[sig], to ? SP_FWD_ENTRY(to, flags) : 0) ;
  return 0 ;
}
