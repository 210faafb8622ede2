/* ISC license. */

#include <errno.h>
#include <signal.h>

#include "sp-internal.h"

 /*
    Held, the trapped signals are blocked in the calling thread, and a
    delivery waits in the kernel until sp_read, sp_wait or
    sp_wait_deadline takes it with sigtimedwait: the same record, the
    same forward, in the same order, for less than the handler costs.
    A program that polls other fds as well lets go first: what is
    pending then meets the handler and lands in the pipe, which iopause
    sees. Never held: the fault signals (a real fault cannot wait), and
    what the program had blocked itself.
 */

int sp_hold (int on)
{
  if (sp_state.p[0] < 0) return (errno = EBADF, -1) ;
  if (!on == !sp_state.held) return 0 ;
  if (on)
  {
    sigset_t cur ;
    sigprocmask(SIG_BLOCK, 0, &cur) ;
    sigemptyset(&sp_state.holdset) ;
    for (int sig = 1 ; sig < SP_NSIG ; sig++)
      if (sigismember(&sp_state.trapped, sig) == 1 && !(sp_sig_class(sig) & SP_SIG_FAULT) && sigismember(&cur, sig) != 1)
        sigaddset(&sp_state.holdset, sig) ;
    if (sigprocmask(SIG_BLOCK, &sp_state.holdset, 0) < 0) return -1 ;
    sp_state.held = 1 ;
  }
  else
  {
    /* what is pending now goes to the handler, so to the pipe */
    if (sigprocmask(SIG_UNBLOCK, &sp_state.holdset, 0) < 0) return -1 ;
    sp_state.held = 0 ;
  }
  return 0 ;
}
