/* ISC license. */

#include <unistd.h>

#include "sp-internal.h"

 /*
    Everything is blocked across fork(), so no handler can run in the
    child before the original dispositions are back: a signal sent to
    the child in that window stays pending and then meets the original
    disposition, as it would without us. The child never writes into
    the parent's pipe.
 */

pid_t sp_fork (void)
{
  sigset_t blockall, old ;
  pid_t pid ;
  sigfillset(&blockall) ;
  sigprocmask(SIG_SETMASK, &blockall, &old) ;
  sp_state.forkself = 1 ;
  pid = fork() ;
  sp_state.forkself = 0 ;
  if (!pid)
  {
    if (sp_state.p[0] >= 0)
    {
      for (int sig = 1 ; sig < SP_NSIG ; sig++)
        if (sigismember(&sp_state.trapped, sig) == 1)
        {
          struct sigaction sa ;
          sp_orig_get(sig, &sa) ;
          sigaction(sig, &sa, 0) ;
        }
      atomic_store(&sp_wfd, -1) ;
      /* the parent's target is nobody the child should signal */
      sp_forward_forget() ;
      atomic_store(&sp_inflight, 0) ;  /* other threads' handlers stayed in the parent */
      close(sp_state.p[1]) ;
      close(sp_state.p[0]) ;
      sp_state.p[0] = sp_state.p[1] = -1 ;
      sigemptyset(&sp_state.trapped) ;
      sp_reset_read_buffer() ;
      old = sp_state.origmask ;
    }
    sigprocmask(SIG_SETMASK, &old, 0) ;
    return 0 ;
  }
  sigprocmask(SIG_SETMASK, &old, 0) ;
  return pid ;
}
