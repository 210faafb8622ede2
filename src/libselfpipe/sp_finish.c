/* ISC license. */

#include <unistd.h>

#include "sp-internal.h"

 /* Block first, so no handler writes into a pipe being closed; the
    original mask comes back last, once the original dispositions are
    in place. */

void sp_finish (void)
{
  sigset_t blockall ;
  if (sp_state.p[0] < 0) return ;
  sigfillset(&blockall) ;
  sigprocmask(SIG_BLOCK, &blockall, 0) ;
  for (int sig = 1 ; sig < NSIG ; sig++)
    if (sigismember(&sp_state.trapped, sig) == 1) sp_untrap_one(sig) ;
  close(sp_state.p[1]) ;
  close(sp_state.p[0]) ;
  sp_state.p[0] = sp_state.p[1] = -1 ;
  sp_reset_read_buffer() ;
  sigprocmask(SIG_SETMASK, &sp_state.origmask, 0) ;
}
