/* ISC license. */

#include <skalibs/types.h>
#include <skalibs/iopause.h>

#include "spgen.h"

 /*
    -N: each generation has its own notify socket, and only its own
    tree is heard on it (the kernel's credentials, checked against
    that generation's pid). The current generation's messages are the
    service's, as in selfpipe-run. A candidate's READY=1 from its own
    pid makes it ready for the rollout; nothing else from it, and
    nothing from a generation being retired, changes the service's
    state: an old generation saying STOPPING=1 or READY=1 is logged
    and ignored.
 */

#define TURN_MAX 64

unsigned int spgen_notify_fds (iopause_fd *x)
{
  unsigned int n = 0 ;
  for (unsigned int i = 0 ; i < SPGEN_MAX ; i++)
  {
    spgen const *g = spgen_table + i ;
    if (g->role != SPGEN_FREE && g->sock >= 0) x[n++] = (iopause_fd){ .fd = g->sock, .events = IOPAUSE_READ } ;
  }
  return n ;
}

static int state_words (sprun_notice const *m)
{
  return m->ready || m->stopping || m->reloading || m->mainpid || m->watchdog || m->trigger ;
}

static void candidate (spgen *g, sprun_notice const *m, char const *fmt, char const *pidfmt)
{
  if (m->ready && m->pid == g->pid)
  {
    g->ready = 1 ;
    sprun_log(SPRUN_INFO, SPRUN_LE_NOTIFY, "notify: READY=1 from ", fmt, ", the rollout's new generation") ;
    spgen_rollout_ready(g) ;
  }
  else if (m->ready)
    sprun_log(SPRUN_INFO, SPRUN_LE_NOTIFY, "notify: READY=1 from pid ", pidfmt, " of ", fmt, ", not its main process: ignored") ;
  else if (state_words(m))
    sprun_log(SPRUN_DEBUG, SPRUN_LE_NOTIFY, "notify: from pid ", pidfmt, " of ", fmt, ", not the current generation yet: ignored") ;
}

static void route (spgen *g, sprun_notice const *m)
{
  char fmt[SPGEN_FMT] ;
  char pidfmt[PID_FMT] ;
  if (g->role == SPGEN_CURRENT) { sprun_ready_notice(m) ; return ; }
  spgen_fmt(fmt, g) ;
  pidfmt[pid_fmt(pidfmt, m->pid)] = 0 ;
  if (g->role == SPGEN_CANDIDATE) candidate(g, m, fmt, pidfmt) ;
  else if (state_words(m))
    sprun_log(SPRUN_INFO, SPRUN_LE_NOTIFY, "notify: from pid ", pidfmt, " of ", fmt, ", which is retiring: ignored") ;
}

static void one (spgen *g)
{
  for (unsigned int i = 0 ; i < TURN_MAX && g->role != SPGEN_FREE ; i++)
  {
    sprun_notice m ;
    int r = sprun_notify_recv(g->sock, &m, g->pid) ;
    if (!r) break ;
    if (r > 0) route(g, &m) ;
  }
}

void spgen_notify_io (iopause_fd const *x, unsigned int n)
{
  for (unsigned int i = 0 ; i < n ; i++)
  {
    if (!x[i].revents) continue ;
    for (unsigned int j = 0 ; j < SPGEN_MAX ; j++)
      if (spgen_table[j].role != SPGEN_FREE && spgen_table[j].sock == x[i].fd) { one(spgen_table + j) ; break ; }
  }
}
