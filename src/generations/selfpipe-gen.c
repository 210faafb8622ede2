/* ISC license. */

#include <errno.h>
#include <unistd.h>
#include <sys/prctl.h>

#include <skalibs/strerr.h>
#include <skalibs/tai.h>

#include "spgen.h"

char const *PROG = SPGEN_NAME ;

 /*
    selfpipe-run's loop (sprun_loop.c) with generations: the current
    one is the runner's child, the others are the rollout's
    (spgen_ops.c says where they plug in).
 */

int main (int argc, char const *const *argv)
{
  static sprun_config cfg SPRUN_COLD ;
  char err[512] ;
  int i = sprun_parse_gen(&cfg, argc, argv, err, sizeof(err)) ;
  if (i < 0) strerr_dieusage(100, err) ;
  if (cfg.info) spgen_help(cfg.info) ;
  sprun.cfg = &cfg ;
  sprun.self = getpid() ;
  sprun_gen_ops = &spgen_ops ;
  spgen_argv = argv + i ;
  sprun_log_init(cfg.verbosity, cfg.timestamp, cfg.json) ;
  tain_now_set_stopwatch_g() ;

  if (cfg.subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
    sprun_diefu(111, "become a child subreaper") ;
  sprun_stopself_init() ;
  sprun_ready_init() ;
  sprun_trap() ;
  sprun_parentsig_init() ;
  spgen_first() ;
  sprun_loop() ;
}
