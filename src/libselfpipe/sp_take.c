/* ISC license. */

#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "sp-internal.h"

 /* glibc's sigtimedwait turns SI_TKILL into SI_USER; the handler sees
    SI_TKILL, and so must the record. The system call itself, where its
    timespec is the one we have. */

static int waitfor (sigset_t const *set, siginfo_t *si, struct timespec const *ts)
{
#if defined(SYS_rt_sigtimedwait) && defined(__linux__)
  if (sizeof(struct timespec) == 2 * sizeof(long))
    return (int)syscall(SYS_rt_sigtimedwait, set, si, ts, (size_t)(SP_NSIG - 1) / 8) ;
#endif
  return sigtimedwait(set, si, ts) ;
}

 /*
    While the signals are held (sp_hold), a delivery stays pending in
    the kernel until it is taken here: sigtimedwait gives the siginfo
    the handler would have got, without a signal frame, a pipe write
    and a wake-up in between, and it is forwarded as the handler would
    have. A wait (ts 0: forever) takes one, so the caller acts on it at
    once; a look (ts zero) takes all that are pending, as many as the
    buffer holds.
    Returns how many were taken, or -1: EAGAIN when none came in time,
    EINTR when a handler ran (a fault signal someone sent: those are
    never held, their record is in the pipe).
 */

int sp_take (struct timespec const *ts)
{
  static struct timespec const now = { 0, 0 } ;
  int n = 0 ;
  int all = ts && !ts->tv_sec && !ts->tv_nsec ;
  sp_rhead = sp_rtail = 0 ;
  while (sp_rtail < SP_BATCH && (all || !n))
  {
    siginfo_t si ;
    sp_info r = SP_INFO_ZERO ;
    sp_fwd f = SP_FWD_ZERO ;
    int sig = waitfor(&sp_state.holdset, &si, n ? &now : ts) ;
    if (sig < 0)
    {
      if (n) break ;
      return -1 ;
    }
    sp_handler_forward(sig, &si, &f) ;
    sp_handler_fill(&r, sig, &si) ;
    if (f.state)
    {
      r.lost = SP_REC_FWD(f.state, f.sig, f.err) ;
      r.status = f.target ;
    }
    sp_rbuf[sp_rtail++] = r ;
    n++ ;
  }
  return n ;
}
