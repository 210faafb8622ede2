/* ISC license. */

#include <limits.h>
#include <string.h>

#include "sp-internal.h"

 /* The compact form of the dispositions of sp_origs, to and from
    what sigaction() takes. Async-signal-safe: the handler uses it. */

_Static_assert(SP_NSIG <= 65, "the mask of a disposition holds signals 1 to 64") ;

 /* glibc and musl both keep a sigset_t as the kernel does, an array of
    unsigned long with signal n at bit n-1: the 64 signals are copied a
    word at a time, not tested one by one through sigismember, which
    cost 64 calls for each of the signals sp_init traps. */

#define SP_WORDBITS (sizeof(unsigned long) * CHAR_BIT)
#define SP_MASKWORDS (64 / SP_WORDBITS)
_Static_assert(sizeof(sigset_t) >= SP_MASKWORDS * sizeof(unsigned long), "a sigset_t holds 64 signals") ;

void sp_orig_get (int sig, struct sigaction *sa)
{
  sp_orig const *o = &sp_origs[sig] ;
  unsigned long *w = (unsigned long *)&sa->sa_mask ;
  sa->sa_handler = sp_orig_ignored(sig) ? SIG_IGN : o->u.handler ;
  if (o->flags & SA_SIGINFO) sa->sa_sigaction = o->u.action ;
  sa->sa_flags = o->flags ;
  sigemptyset(&sa->sa_mask) ;
  for (unsigned int k = 0 ; k < SP_MASKWORDS ; k++) w[k] = (unsigned long)(o->mask >> (k * SP_WORDBITS)) ;
}

void sp_orig_put (int sig, struct sigaction const *sa)
{
  sp_orig *o = &sp_origs[sig] ;
  sp_orig n ;
  uint64_t bit = (uint64_t)1 << (sig - 1) ;
  unsigned long const *w = (unsigned long const *)&sa->sa_mask ;
  memset(&n, 0, sizeof(n)) ;
  for (unsigned int k = 0 ; k < SP_MASKWORDS ; k++) n.mask |= (uint64_t)w[k] << (k * SP_WORDBITS) ;
  n.flags = sa->sa_flags ;
  if (sa->sa_flags & SA_SIGINFO) n.u.action = sa->sa_sigaction ;
  else if (sa->sa_handler != SIG_IGN) n.u.handler = sa->sa_handler ;
  /* SIG_IGN is the bit, the entry's handler left SIG_DFL (zero) */
  if (!(sa->sa_flags & SA_SIGINFO) && sa->sa_handler == SIG_IGN) sp_origign |= bit ;
  else sp_origign &= ~bit ;
  /* an unchanged entry is not written: its page may still be the zero page */
  if (o->flags != n.flags || o->mask != n.mask || memcmp(&o->u, &n.u, sizeof(n.u))) *o = n ;
}
