/* ISC license. */

#include <errno.h>
#include <sched.h>

#include <skalibs/tai.h>
#include <skalibs/iopause.h>

#include "sprun.h"

 /*
    The loop of selfpipe-run and selfpipe-gen: sleep until a signal, a
    notify datagram, a deadline or a writable stderr; then read every
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
    int r ;
    unsigned int nready = sprun_ready_fds(x + 1) ;
    unsigned int ngen = sprun_gen_ops ? (*sprun_gen_ops->fds)(x + 1 + nready) : 0 ;
    unsigned int n = 1 + nready + ngen, logi = 0 ;
    if (sprun_log_pending()) { logi = n ; x[n++] = (iopause_fd){ .fd = 2, .events = IOPAUSE_WRITE } ; }
    /* plain iopause, not iopause_g: it returns EINTR when our handler
       ran, and the record is then read at once instead of after
       another poll */
    r = iopause(x, n, sprun_deadline(&deadline) ? &deadline : 0, &STAMP) ;
    tain_now_g() ;
    if (r < 0)
    {
      if (errno != EINTR) sprun_diefu(111, "iopause") ;
      for (unsigned int i = 0 ; i < n ; i++) x[i].revents = 0 ;
    }
    for (int yielded = 0 ;;)
    {
      sp_info info ;
      sp_fwd fwd ;
      r = sp_read(&info) ;
      if (r < 0) sprun_diefu(111, "read signals") ;
      if (!r) { sprun_log_endburst() ; break ; }
      sp_forwarded(&fwd) ;
      /* The handler has forwarded it: what is left (the log line, the
         timers) can wait. Where the child shares our CPU, let it and
         the sender run first, once a wake-up, instead of finishing our
         bookkeeping before they get the CPU back. */
      if (fwd.state == SP_FWD_SENT && !yielded++) sched_yield() ;
      sprun_signal_fwd(&info, &fwd) ;
      if (over()) sprun_exit() ;
    }
    sprun_ready_io(x + 1, nready) ;
    if (ngen) (*sprun_gen_ops->io)(x + 1 + nready, ngen) ;
    sprun_timers() ;
    if (over()) sprun_exit() ;
    if (logi && x[logi].revents) sprun_log_write() ;
  }
}
