/* ISC license. */

#include <signal.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "spgen.h"

 /*
    A generation that is not the current one stops with the stop
    schedule of its own: its stages, each its delay after the one
    before, a last SIGKILL again every 5 s. The first stage is the
    signal given (the service's stop signal, or the retirement's); a
    schedule of -k, whose first stage is the stop signal through the
    usual rules, retires with SIGTERM as -m maps it. A generation seen
    dead is never signalled again: its pid is not reaped yet, but the
    slot's next use is another process.
 */

#define KILL_AGAIN 5000

int spgen_retire_sig (void)
{
  sprun_schedule const *s = &sprun.cfg->stop ;
  if (s->stage[0].sig) return s->stage[0].sig ;
  return sprun.cfg->map[SIGTERM] ? sprun.cfg->map[SIGTERM] : SIGTERM ;
}

static int stage_sig (spgen const *g, unsigned int i)
{
  int sig = sprun.cfg->stop.stage[i].sig ;
  return !i ? g->first : sig ;
}

static void send (spgen const *g, int sig)
{
  pid_t to = sprun.cfg->pgroup ? -g->pid : g->pid ;
  if (g->dead) return ;
  kill(to, sig) ;
  /* a stopped process would never act on it */
  if (sig != SIGKILL && sig != SIGCONT) kill(to, SIGCONT) ;
}

static void arm (spgen *g, unsigned int ms)
{
  tain t ;
  tain_from_millisecs(&t, (int)ms) ;
  tain_add(&g->deadline, &g->deadline, &t) ;
  g->elapsed += ms ;
  g->armed = 1 ;
}

static void arm_after (spgen *g, unsigned int i)
{
  sprun_schedule const *s = &sprun.cfg->stop ;
  g->next = i + 1 ;
  if (g->next < s->n) arm(g, s->stage[g->next].ms) ;
  else if (stage_sig(g, i) == SIGKILL) { g->next = i ; arm(g, KILL_AGAIN) ; }
  else if (s->last) { g->over = 1 ; arm(g, s->last) ; }
  else g->armed = 0 ;
}

void spgen_stop_start (spgen *g, int first)
{
  if (g->stopping) return ;
  g->stopping = 1 ;
  g->first = first ;
  g->elapsed = 0 ;
  g->over = 0 ;
  g->deadline = STAMP ;
  send(g, first) ;
  arm_after(g, 0) ;
}

int spgen_stop_deadline (tain *deadline)
{
  int has = 0 ;
  for (unsigned int i = 0 ; i < SPGEN_MAX ; i++)
  {
    spgen const *g = spgen_table + i ;
    if (g->role == SPGEN_FREE || !g->armed || g->dead) continue ;
    if (!has || tain_less(&g->deadline, deadline)) *deadline = g->deadline ;
    has = 1 ;
  }
  return has ;
}

void spgen_stop_timers (void)
{
  for (unsigned int i = 0 ; i < SPGEN_MAX ; i++)
  {
    spgen *g = spgen_table + i ;
    char fmt[SPGEN_FMT] ;
    char ms[UINT_FMT] ;
    char name[SP_SIGNAME_MAX + 1] ;
    char sent[SP_SIGNAME_MAX + 1] ;
    int sig ;
    if (g->role == SPGEN_FREE || !g->armed || g->dead || tain_future(&g->deadline)) continue ;
    g->armed = 0 ;
    spgen_fmt(fmt, g) ;
    ms[uint_fmt(ms, g->elapsed)] = 0 ;
    name[sp_sig_fmt(name, g->first)] = 0 ;
    if (g->over)
    {
      sprun_log(SPRUN_WARN, SPRUN_LE_KILL, fmt, " alive ", ms, " ms after ", name, ": the stop schedule is over") ;
      continue ;
    }
    sig = stage_sig(g, g->next) ;
    send(g, sig) ;
    sent[sp_sig_fmt(sent, sig)] = 0 ;
    sprun_log(SPRUN_WARN, SPRUN_LE_KILL, fmt, " alive ", ms, " ms after ", name, " -> ", sent) ;
    arm_after(g, g->next) ;
  }
}
