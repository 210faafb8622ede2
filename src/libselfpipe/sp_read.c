/* ISC license. */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "sp-internal.h"

 /* Records are read in batches, handed out one at a time. */
#define SP_BATCH 128

static sp_info buf[SP_BATCH] SP_COLD ;
static unsigned int head = 0, tail = 0 ;

void sp_reset_read_buffer (void)
{
  head = tail = 0 ;
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

int sp_read (sp_info *info)
{
  if (head == tail)
  {
    ssize_t r ;
    if (sp_state.p[0] < 0) return (errno = EBADF, -1) ;
    /* never below what the pipe holds: 0 is an empty pipe, and a read
       that would only say EAGAIN is saved */
    if (!atomic_load_explicit(&sp_queued, memory_order_relaxed)) return report_loss(info) ;
    do r = read(sp_state.p[0], buf, sizeof(buf)) ;
    while (r < 0 && errno == EINTR) ;
    if (r < 0)
      return errno == EAGAIN || errno == EWOULDBLOCK ? report_loss(info) : -1 ;
    if (!r) return (errno = EPIPE, -1) ;
    /* every write is one whole record and atomic, so reads are whole too */
    head = 0 ;
    tail = (size_t)r / sizeof(sp_info) ;
    atomic_fetch_sub_explicit(&sp_queued, tail, memory_order_relaxed) ;
  }
  memcpy(info, buf + head++, sizeof(sp_info)) ;
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
