/* ISC license. */

#include "sp-internal.h"

 /* The compact form of the dispositions of sp_state.orig, to and from
    what sigaction() takes. Async-signal-safe: the handler uses it. */

_Static_assert(SP_NSIG <= 65, "the mask of a disposition holds signals 1 to 64") ;

void sp_orig_get (int sig, struct sigaction *sa)
{
  sp_orig const *o = &sp_state.orig[sig] ;
  sa->sa_handler = o->u.handler ;
  if (o->flags & SA_SIGINFO) sa->sa_sigaction = o->u.action ;
  sa->sa_flags = o->flags ;
  sigemptyset(&sa->sa_mask) ;
  for (int i = 1 ; i < SP_NSIG ; i++)
    if (o->mask >> (i - 1) & 1) sigaddset(&sa->sa_mask, i) ;
}

void sp_orig_put (int sig, struct sigaction const *sa)
{
  sp_orig *o = &sp_state.orig[sig] ;
  if (sa->sa_flags & SA_SIGINFO) o->u.action = sa->sa_sigaction ;
  else o->u.handler = sa->sa_handler ;
  o->flags = sa->sa_flags ;
  o->mask = 0 ;
  for (int i = 1 ; i < SP_NSIG ; i++)
    if (sigismember(&sa->sa_mask, i) == 1) o->mask |= (uint64_t)1 << (i - 1) ;
}
