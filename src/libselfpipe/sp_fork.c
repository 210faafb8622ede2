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

pid_t sp_fork_for (int execs)
{
  sigset_t blockall, old ;
  pid_t pid ;
  sigfillset(&blockall) ;
  sigprocmask(SIG_SETMASK, &blockall, &old) ;
  pid = fork() ;
  if (!pid)
  {
    if (sp_state.p[0] >= 0)
    {
      /* A child that execs only needs the ignored signals back: exec
         gives every caught signal SIG_DFL, and until then the handler
         acts as the original disposition (sp_wfd is -1 here). */
      for (int sig = 1 ; sig < SP_NSIG ; sig++)
        if (sigismember(&sp_state.trapped, sig) == 1
         && (!execs || (!(sp_state.orig[sig].flags & SA_SIGINFO) && sp_state.orig[sig].u.handler == SIG_IGN)))
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
      if (!execs) sigemptyset(&sp_state.trapped) ;
      sp_reset_read_buffer() ;
      old = sp_state.origmask ;
    }
    sigprocmask(SIG_SETMASK, &old, 0) ;
    return 0 ;
  }
  sigprocmask(SIG_SETMASK, &old, 0) ;
  return pid ;
}

pid_t sp_fork (void)
{
  return sp_fork_for(0) ;
}
