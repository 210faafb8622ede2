/* ISC license. */

#include <sched.h>
#include <unistd.h>

#include "sp-internal.h"

 /*
    Block first, so no handler starts in this thread. Handlers in other
    threads may be running: hide the write end from them, and wait for
    those already past that point, before the descriptors are closed and
    their numbers can be reused. The original mask comes back last, once
    the original dispositions are in place.
 */

void sp_finish (void)
{
  sigset_t blockall ;
  if (sp_state.p[0] < 0) return ;
  sigfillset(&blockall) ;
  sigprocmask(SIG_BLOCK, &blockall, 0) ;
  for (int sig = 1 ; sig < SP_NSIG ; sig++)
    if (sigismember(&sp_state.trapped, sig) == 1) sp_untrap_one(sig) ;
  atomic_store(&sp_wfd, -1) ;
  sp_forward_forget() ;
  /* in a child of a plain fork(), the count is a copy of the parent's,
     and this is the only thread */
  if (getpid() != sp_state.owner) atomic_store(&sp_inflight, 0) ;
  while (atomic_load(&sp_inflight)) sched_yield() ;
  close(sp_state.p[1]) ;
  close(sp_state.p[0]) ;
  sp_state.p[0] = sp_state.p[1] = -1 ;
  sp_reset_read_buffer() ;
  sp_state.held = 0 ;
  sigprocmask(SIG_SETMASK, &sp_state.origmask, 0) ;
}
