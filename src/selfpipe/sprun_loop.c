/* ISC license. */

#include <errno.h>
#include <sched.h>

#include <skalibs/tai.h>
#include <skalibs/iopause.h>

#include "sprun.h"

 /*
    The loop of selfpipe-run and selfpipe-gen: sleep until a signal, a
    notify datagram, a deadline or a writable stderr (holding the
    signals while there is nothing else to wait for); then read every
    record in the pipe, in order, and route each (sprun_signal_fwd);
    then the readiness fds, the timers, the log. It ends when the child
    (the current generation) has been reaped and, for selfpipe-gen,
    no other generation lives.
 */

static int over (void)
{
  return sprun.done && (!sprun_gen_ops || (*sprun_gen_ops->finished)()) ;
}

void sprun_loop (void)
{
  for (;;)
  {
    iopause_fd x[2 + SPRUN_READY_FDS + SPRUN_GEN_FDS] = { { .fd = sp_fd(), .events = IOPAUSE_READ } } ;
    tain deadline ;
    sp_info info ;
    int r, first = 0 ;
    unsigned int nready, ngen, n, logi = 0 ;
    /* what stderr takes now needs no wake-up of its own */
    if (sprun_log_pending()) sprun_log_flush_nowait() ;
    nready = sprun_ready_fds(x + 1) ;
    ngen = sprun_gen_ops ? (*sprun_gen_ops->fds)(x + 1 + nready) : 0 ;
    n = 1 + nready + ngen ;
    if (sprun_log_pending()) { logi = n ; x[n++] = (iopause_fd){ .fd = 2, .events = IOPAUSE_WRITE } ; }
    if (n == 1)
    {
      /* only signals and timers to wait for: hold the signals and take
         each delivery from the kernel, as a bare sigtimedwait loop
         would, with no handler, pipe or poll in between */
      if (sp_hold(1) < 0) sprun_diefu(111, "read signals") ;
      first = sp_wait_deadline(&info, sprun_deadline(&deadline) ? &deadline : 0, &STAMP) ;
      if (first < 0) sprun_diefu(111, "read signals") ;
    }
    else
    {
      /* let go, so a delivery meets the handler and wakes iopause; plain
         iopause, not iopause_g: it returns EINTR when our handler ran,
         and the record is then read at once instead of after another
         poll */
      if (sp_hold(0) < 0) sprun_diefu(111, "read signals") ;
      r = iopause(x, n, sprun_deadline(&deadline) ? &deadline : 0, &STAMP) ;
      if (r < 0)
      {
        if (errno != EINTR) sprun_diefu(111, "iopause") ;
        for (unsigned int i = 0 ; i < n ; i++) x[i].revents = 0 ;
      }
    }
    tain_now_g() ;
    for (int yielded = 0 ;;)
    {
      sp_fwd fwd ;
      r = first ? first-- : sp_read(&info) ;
      if (r < 0) sprun_diefu(111, "read signals") ;
      if (!r) { sprun_log_endburst() ; break ; }
      sp_forwarded(&fwd) ;
      /* The handler (or sp_read) has forwarded it: what is left (the
         log line, the timers) can wait. Where the child shares our CPU,
         let it and the sender run first, once a wake-up, instead of
         finishing our bookkeeping before they get the CPU back. */
      if (fwd.state == SP_FWD_SENT && !yielded++) sched_yield() ;
      sprun_signal_fwd(&info, &fwd) ;
      if (over()) sprun_exit() ;
    }
    sprun_ready_io(x + 1, nready) ;
    if (ngen) (*sprun_gen_ops->io)(x + 1 + nready, ngen) ;
    sprun_timers() ;
    /* a burst is what one wake-up brought: a line of the next one is
       never folded into a timer's line of this one */
    sprun_log_endburst() ;
    if (over()) sprun_exit() ;
    if (logi && x[logi].revents) sprun_log_write() ;
  }
}
