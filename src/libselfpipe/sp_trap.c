/* ISC license. */

#include <errno.h>

#include "sp-internal.h"

 /* Signals leaving the set get their original disposition and blocked
    state back; signals joining it are recorded, then trapped. */

int sp_trap (sigset_t const *set)
{
  sigset_t blockall, old, mask ;
  int e = 0 ;
  int held = sp_state.held ;
  if (sp_state.p[0] < 0) return (errno = EBADF, -1) ;
  if (sp_set_has_class(set, SP_SIG_UNCATCHABLE)) return (errno = EINVAL, -1) ;
  /* held again afterwards, over the new set */
  if (held) sp_hold(0) ;
  sigfillset(&blockall) ;
  sigprocmask(SIG_BLOCK, &blockall, &old) ;
  mask = old ;
  for (int sig = 1 ; sig < SP_NSIG ; sig++)
  {
    int want = sigismember(set, sig) == 1 ;
    int have = sigismember(&sp_state.trapped, sig) == 1 ;
    if (want && !have)
    {
      if (sp_trap_one(sig) < 0) { e = errno ; continue ; }
      sigdelset(&mask, sig) ;
    }
    else if (!want && have)
    {
      sp_untrap_one(sig) ;
      if (sigismember(&sp_state.origmask, sig) == 1) sigaddset(&mask, sig) ;
      else sigdelset(&mask, sig) ;
    }
  }
  sigprocmask(SIG_SETMASK, &mask, 0) ;
  if (held) sp_hold(1) ;
  return e ? (errno = e, -1) : 0 ;
}
