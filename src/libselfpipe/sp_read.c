/* ISC license. */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "sp-internal.h"

 /* Records are read in batches, handed out one at a time. */

sp_info sp_rbuf[SP_BATCH] SP_COLD ;
unsigned int sp_rhead = 0, sp_rtail = 0 ;

void sp_reset_read_buffer (void)
{
  sp_rhead = sp_rtail = 0 ;
  sp_last = (sp_fwd)SP_FWD_ZERO ;
}

static int report (sp_info *info, atomic_uint *counters, int forwarded)
{
  for (int sig = 1 ; sig < SP_NSIG ; sig++)
  {
    unsigned int n = atomic_exchange_explicit(&counters[sig], 0, memory_order_relaxed) ;
    if (n)
    {
      sp_info z = SP_INFO_ZERO ;
      /* more counters may be set: look again next time */
      atomic_store_explicit(&sp_lost_any, 1, memory_order_relaxed) ;
      z.sig = sig ;
      z.lost = n ;
      *info = z ;
      sp_last = (sp_fwd)SP_FWD_ZERO ;
      /* forwarded, but what kill() said is lost with the records */
      if (forwarded) sp_last.state = SP_FWD_SENT ;
      return 1 ;
    }
  }
  return 0 ;
}

 /* Called once the pipe is empty: every record written before the
    losses has been read, so this is where the losses belong in order. */

static int report_loss (sp_info *info)
{
  if (!atomic_exchange_explicit(&sp_lost_any, 0, memory_order_acquire)) return 0 ;
  return report(info, sp_lost, 0) || report(info, sp_lostfwd, 1) ;
}

#define REFILLED 2

 /* REFILLED when the buffer has records again, 1 when info is a loss
    report, 0 when there is nothing, -1 on error */

static int refill (sp_info *info)
{
  static struct timespec const now = { 0, 0 } ;
  int r ;
  if (sp_state.p[0] < 0) return (errno = EBADF, -1) ;
  /* the count is never below what the pipe holds: held, 0 is an empty
     pipe, and a read that would only say EAGAIN is saved (sp_take's
     system call follows anyway). Not held, the read is made: under
     valgrind, a signal a program sends itself meets the handler only
     at its next system call, not before kill() returns. */
  if (!sp_state.held || atomic_load_explicit(&sp_queued, memory_order_relaxed))
  {
    ssize_t n ;
    do n = read(sp_state.p[0], sp_rbuf, sizeof(sp_rbuf)) ;
    while (n < 0 && errno == EINTR) ;
    if (!n) return (errno = EPIPE, -1) ;
    if (n > 0)
    {
      /* every write is one whole record and atomic, so reads are whole too */
      sp_rhead = 0 ;
      sp_rtail = (size_t)n / sizeof(sp_info) ;
      atomic_fetch_sub_explicit(&sp_queued, sp_rtail, memory_order_relaxed) ;
      return REFILLED ;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1 ;
  }
  /* the pipe is empty: its losses come next, then what is held */
  r = report_loss(info) ;
  if (r || !sp_state.held) return r ;
  r = sp_take(&now) ;
  return r < 0 ? errno == EAGAIN ? 0 : -1 : REFILLED ;
}

int sp_read (sp_info *info)
{
  if (sp_rhead == sp_rtail)
  {
    int r = refill(info) ;
    if (r != REFILLED) return r ;
  }
  memcpy(info, sp_rbuf + sp_rhead++, sizeof(sp_info)) ;
  sp_last = (sp_fwd)SP_FWD_ZERO ;
  /* a record in the pipe has lost 0 unless the handler marked it */
  if (info->lost)
  {
    sp_last.state = (int)(info->lost & 0xffu) ;
    sp_last.sig = (int)(info->lost >> 8 & 0xffu) ;
    sp_last.err = (int)(info->lost >> 16) ;
    sp_last.target = info->status ;
    info->lost = 0 ;
    info->status = 0 ;
  }
  return 1 ;
}
