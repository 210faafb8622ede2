/* ISC license. */

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "spgen.h"

 /*
    What selfpipe-gen plugs into the shared code (sprun_gens): the
    reap of a generation that is not the current one, the service's
    stop reaching every generation, the end once the current one and
    every other one are reaped, the rollout's timers and sockets.
 */

 /* dead, not reaped: its pid is still its own, and it is never
    signalled again from now on */
static int reaping (pid_t pid)
{
  spgen *g = spgen_find(pid) ;
  if (!g || g->role == SPGEN_CURRENT) return 0 ;
  g->dead = 1 ;
  return 1 ;
}

static int end (pid_t pid, int wstat)
{
  spgen *g = spgen_find(pid) ;
  if (!g || g->role == SPGEN_CURRENT) return 0 ;
  spgen_rollout_end(g, wstat) ;
  spgen_free(g) ;
  return 1 ;
}

 /* The service's stop signal went to the current generation: sig goes
    to every other one, each then on its own schedule. */
static void stop (int sig)
{
  spgen_rollout_stop("the service is stopping", 0) ;
  for (unsigned int i = 0 ; i < SPGEN_MAX ; i++)
  {
    spgen *g = spgen_table + i ;
    char fmt[SPGEN_FMT] ;
    char name[SP_SIGNAME_MAX + 1] ;
    if (g->role == SPGEN_FREE || g->role == SPGEN_CURRENT || g->dead || g->stopping) continue ;
    spgen_stop_start(g, sig) ;
    spgen_fmt(fmt, g) ;
    name[sp_sig_fmt(name, sig)] = 0 ;
    sprun_log(SPRUN_INFO, SPRUN_LE_STOP, "stop: ", name, " to ", fmt, " too") ;
  }
}

 /* The current generation has been reaped: the others stop, and the
    exit waits for their reap. */
static int finished (void)
{
  spgen *c = spgen_current() ;
  if (c) spgen_free(c) ;
  if (!spgen_others()) return 1 ;
  spgen_rollout_stop("the current generation ended", 1) ;
  for (unsigned int i = 0 ; i < SPGEN_MAX ; i++)
  {
    spgen *g = spgen_table + i ;
    char fmt[SPGEN_FMT] ;
    char name[SP_SIGNAME_MAX + 1] ;
    int sig = spgen_retire_sig() ;
    if (g->role == SPGEN_FREE || g->dead || g->stopping) continue ;
    g->role = SPGEN_RETIRING ;
    spgen_stop_start(g, sig) ;
    spgen_fmt(fmt, g) ;
    name[sp_sig_fmt(name, sig)] = 0 ;
    sprun_log(SPRUN_INFO, SPRUN_LE_STOP, "the current generation ended -> ", name, " to ", fmt) ;
  }
  return 0 ;
}

static int deadline (tain *d)
{
  tain a, b ;
  int ha = spgen_stop_deadline(&a) ;
  int hb = spgen_rollout_deadline(&b) ;
  if (ha && (!hb || tain_less(&a, &b))) *d = a ;
  else if (hb) *d = b ;
  return ha || hb ;
}

static void timers (void)
{
  spgen_stop_timers() ;
  spgen_rollout_timers() ;
}

sprun_gens const spgen_ops =
{
  .trigger = &spgen_rollout_trigger,
  .reaping = &reaping,
  .end = &end,
  .stop = &stop,
  .deadline = &deadline,
  .timers = &timers,
  .fds = &spgen_notify_fds,
  .io = &spgen_notify_io,
  .finished = &finished
} ;
