/* ISC license. */

#include "sp-internal.h"

 /*
    The one target of every forward from the handler, as kill() takes
    it: a pid, minus a process group, 0 for none. Each delivery reads
    it once. Set it to 0 as soon as the process is known to be dead and
    before it is reaped: until the reap its pid is still its own, after
    it the pid may be anybody's.
 */

void sp_forward_target (pid_t target)
{
  atomic_store(&sp_fwd_target, target) ;
}
