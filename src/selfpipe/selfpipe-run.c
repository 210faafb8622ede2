/* ISC license. */

#include <errno.h>
#include <unistd.h>
#include <sys/prctl.h>

#include <skalibs/strerr.h>
#include <skalibs/tai.h>

#include "sprun.h"

char const *PROG = SPRUN_NAME ;

 /*
    The walk of one signal: the library's handler forwards it if
    sprun_fast.c said so, then writes a record into the pipe; the loop
    (sprun_loop.c) reads it; sprun_signal routes it (reap, not for the child,
    hook, or deliver); deliver forwards it through the target unless
    the handler did; the event is logged last. Timers (stop stages, hook
    time-outs) run between records, and stderr is written only when it
    polls writable.
 */

int main (int argc, char const *const *argv)
{
  static sprun_config cfg SPRUN_COLD ;
  char err[512] ;
  /* sprun_parse gives the synopsis itself when prog is missing */
  int i = sprun_parse(&cfg, argc, argv, err, sizeof(err)) ;
  if (i < 0) strerr_dieusage(100, err) ;
  if (cfg.info) sprun_help(cfg.info) ;
  sprun.cfg = &cfg ;
  sprun.self = getpid() ;
  sprun_log_init(cfg.verbosity, cfg.timestamp, cfg.json) ;
  tain_now_set_stopwatch_g() ;

  if (cfg.subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
    sprun_diefu(111, "become a child subreaper") ;
  sprun_stopself_init() ;
  /* before the trap: the -d pipe and the socket are made, and the
     environment set, before anything else can take a descriptor */
  sprun_ready_init() ;
  sprun_trap() ;
  sprun_parentsig_init() ;
  sprun_spawn(argv + i) ;

  sprun_loop() ;
}
