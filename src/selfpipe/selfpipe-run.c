/* ISC license. */

#include <errno.h>
#include <unistd.h>
#include <sys/prctl.h>

#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>

#include "sprun.h"

char const *PROG = SPRUN_NAME ;

 /*
    The walk of one signal: the library's handler writes a record into
    the pipe; the loop below reads it; sprun_signal routes it (reap,
    not for the child, hook, or deliver); deliver forwards it through
    the target; the event is logged last. Timers (stop stages, hook
    time-outs) run between records, and stderr is written only when it
    polls writable.
 */

int main (int argc, char const *const *argv)
{
  static sprun_config cfg ;
  char err[512] ;
  /* sprun_parse gives the synopsis itself when prog is missing */
  int i = sprun_parse(&cfg, argc, argv, err, sizeof(err)) ;
  if (i < 0) strerr_dieusage(100, err) ;
  if (cfg.info) sprun_help(cfg.info) ;
  sprun.cfg = &cfg ;
  sprun.self = getpid() ;
  sprun_log_init(cfg.verbosity, cfg.timestamp) ;
  tain_now_set_stopwatch_g() ;

  if (cfg.subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
    strerr_diefu1sys(111, "become a child subreaper") ;
  sprun_stopself_init() ;
  sprun_trap() ;
  sprun_spawn(argv + i) ;

  for (;;)
  {
    iopause_fd x[2] = { { .fd = sp_fd(), .events = IOPAUSE_READ }, { .fd = 2, .events = IOPAUSE_WRITE } } ;
    tain deadline ;
    int r ;
    unsigned int n = sprun_log_pending() ? 2 : 1 ;
    /* plain iopause, not iopause_g: it returns EINTR when our handler
       ran, and the record is then read at once instead of after
       another poll */
    r = iopause(x, n, sprun_deadline(&deadline) ? &deadline : 0, &STAMP) ;
    tain_now_g() ;
    if (r < 0)
    {
      if (errno != EINTR) strerr_diefu1sys(111, "iopause") ;
      x[1].revents = 0 ;
    }
    for (;;)
    {
      sp_info info ;
      r = sp_read(&info) ;
      if (r < 0) strerr_diefu1sys(111, "read signals") ;
      if (!r) { sprun_log_endburst() ; break ; }
      sprun_signal(&info) ;
      if (sprun.done) sprun_exit() ;
    }
    sprun_timers() ;
    if (n == 2 && x[1].revents) sprun_log_write() ;
  }
}
