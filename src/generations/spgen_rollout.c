/* ISC license. */

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "spgen.h"

 /*
    A rollout, on -U's signal: generation N+1 starts on the same fds
    while N serves. N+1 is ready when its main process says READY=1 on
    its own socket (-N), else when its check exits 0 (-C: run again
    500 ms after each failure), else when it has lived -A ms. Then it is
    the current generation, the target of every signal, and N is
    retired with the stop schedule; the rollout is over when N is
    reaped. If N+1 dies, or is not ready within -U's time, it is
    stopped with the schedule and N is never touched; the rollout is
    tried again (-x times, 1 s after the first failure, then 2 s,
    4 s..., at most 30 s), each time with a new generation once the
    failed one is reaped. One rollout at a time: a trigger during one
    is ignored, and so is one while the service stops.
 */

#define POLL_MS 10
#define RECHECK_MS 500
#define BACKOFF_MS 1000
#define BACKOFF_MAX 30000

enum state_e { IDLE, STARTING, RETIRING, BACKOFF } ;

static struct
{
  enum state_e state ;
  spgen *cand ;          /* STARTING: the new generation */
  spgen *old ;           /* RETIRING: the one it replaced */
  unsigned int attempt ; /* failed attempts of this trigger so far */
  unsigned int readyms ; /* RETIRING: from its spawn to ready */
  unsigned int newn ;
  pid_t newpid ;
  tain start ;           /* the trigger */
  tain deadline ;        /* STARTING: the attempt's end; BACKOFF: the retry */
  tain settled ;         /* STARTING, without -N or -C: alive long enough */
  tain poll ;            /* STARTING with -C */
  tain recheck ;
  unsigned char checked ;
} ro ;

static void after (tain *t, unsigned int ms)
{
  tain d ;
  tain_from_millisecs(&d, (int)ms) ;
  tain_add_g(t, &d) ;
}

static unsigned int since (tain const *t)
{
  tain d ;
  tain_sub(&d, &STAMP, t) ;
  return (unsigned int)tain_to_millisecs(&d) ;
}

static void attempt (void)
{
  spgen *g = spgen_spawn() ;
  ro.cand = g ;
  ro.checked = 0 ;
  if (!g) { ro.state = STARTING ; return ; }
  ro.state = STARTING ;
  ro.deadline = STAMP ; after(&ro.deadline, sprun.cfg->upgradetimeout) ;
  ro.settled = STAMP ; after(&ro.settled, sprun.cfg->alive) ;
  ro.poll = STAMP ; after(&ro.poll, POLL_MS) ;
  ro.recheck = STAMP ;
}

void spgen_rollout_trigger (sprun_event *ev)
{
  if (sprun_stop_started() || sprun.done)
  {
    ev->outcome = SPRUN_EV_ROLLOUT_STOPPING ;
    sprun_event_log(ev) ;
    return ;
  }
  if (ro.state != IDLE)
  {
    ev->outcome = SPRUN_EV_ROLLOUT_BUSY ;
    sprun_event_log(ev) ;
    return ;
  }
  ev->outcome = SPRUN_EV_ROLLOUT ;
  ev->ms = spgen_next() ;
  sprun_event_log(ev) ;
  ro.attempt = 0 ;
  ro.start = STAMP ;
  attempt() ;
}

 /* The attempt failed: the candidate, if it lives, is stopped; again
    later, or not. */
static size_t cat (char *s, size_t len, char const *t)
{
  size_t n = strlen(t) ;
  memcpy(s + len, t, n + 1) ;
  return len + n ;
}

static void fail (char const *why)
{
  char head[SPGEN_FMT + 40 + UINT_FMT] = "" ;
  char next[60 + 3 * UINT_FMT] ;
  char cur[SPGEN_FMT] = "" ;
  char num[UINT_FMT] ;
  size_t len = 0 ;
  spgen *g = ro.cand ;
  spgen *c = spgen_current() ;
  sprun_check_cancel() ;
  ro.cand = 0 ;
  if (c) spgen_fmt(cur, c) ;
  /* "generation 3 (pid 813) rolled back after 400 ms: " */
  if (g)
  {
    len = spgen_fmt(head, g) ;
    num[uint_fmt(num, since(&g->start))] = 0 ;
    len = cat(head, len, " rolled back after ") ;
    len = cat(head, len, num) ;
    cat(head, len, " ms: ") ;
    if (!g->dead) spgen_stop_start(g, spgen_retire_sig()) ;
    g->role = SPGEN_RETIRING ;
  }
  if (ro.attempt < sprun.cfg->retries)
  {
    unsigned int b = BACKOFF_MS ;
    for (unsigned int i = 0 ; i < ro.attempt && b < BACKOFF_MAX ; i++) b <<= 1 ;
    if (b > BACKOFF_MAX) b = BACKOFF_MAX ;
    ro.attempt++ ;
    ro.state = BACKOFF ;
    ro.deadline = STAMP ; after(&ro.deadline, b) ;
    /* "retry 1 of 2 in 1000 ms" */
    len = cat(next, 0, "retry ") ;
    len += uint_fmt(next + len, ro.attempt) ;
    len = cat(next, len, " of ") ;
    len += uint_fmt(next + len, sprun.cfg->retries) ;
    len = cat(next, len, " in ") ;
    len += uint_fmt(next + len, b) ;
    cat(next, len, " ms") ;
  }
  else
  {
    ro.state = IDLE ;
    len = cat(next, 0, "rollout given up after ") ;
    len += uint_fmt(next + len, ro.attempt + 1) ;
    cat(next, len, ro.attempt ? " attempts" : " attempt") ;
  }
  sprun_log(SPRUN_WARN, SPRUN_LE_ROLLOUT, "rollout: ", head, why, "; ", cur, " keeps serving; ", next) ;
}

 /* Ready: it is the current generation now, and the old one retires. */
static void promote (char const *how)
{
  char fmt[SPGEN_FMT] ;
  char old[SPGEN_FMT] ;
  char ms[UINT_FMT] ;
  char name[SP_SIGNAME_MAX + 1] ;
  spgen *g = ro.cand ;
  spgen *c = spgen_current() ;
  int sig = spgen_retire_sig() ;
  sprun_check_cancel() ;
  ro.cand = 0 ;
  ro.readyms = since(&g->start) ;
  ro.newn = g->n ;
  ro.newpid = g->pid ;
  g->role = SPGEN_CURRENT ;
  sprun.child = g->pid ;
  sprun_target_set(g->pid, sprun.cfg->pgroup) ;
  spgen_fmt(fmt, g) ;
  ms[uint_fmt(ms, ro.readyms)] = 0 ;
  name[sp_sig_fmt(name, sig)] = 0 ;
  /* -N: generation 1 never said it was ready, this one did */
  if (sprun.cfg->notify && !sprun_ready_is()) sprun_ready_become(fmt, how, "") ;
  if (!c) { ro.state = IDLE ; return ; }
  spgen_fmt(old, c) ;
  c->role = SPGEN_RETIRING ;
  ro.old = c ;
  ro.state = RETIRING ;
  spgen_stop_start(c, sig) ;
  sprun_log(SPRUN_INFO, SPRUN_LE_ROLLOUT, "rollout: ", fmt, how, " in ", ms, " ms: it is the current generation -> ", name, " to ", old) ;
}

static char const *ready_words (void)
{
  return sprun.cfg->notify ? " said READY=1" : sprun.cfg->check ? " passed its check" : " lived long enough (-A)" ;
}

void spgen_rollout_ready (spgen *g)
{
  if (ro.state == STARTING && g == ro.cand) promote(ready_words()) ;
}

 /* A generation that is not the current one is reaped: 1 if it was the
    rollout's. */
int spgen_rollout_end (spgen *g, int wstat)
{
  char fmt[SPGEN_FMT] ;
  char st[SPRUN_STATUS_MAX] ;
  spgen_fmt(fmt, g) ;
  sprun_fmt_status(st, wstat) ;
  if (ro.state == STARTING && g == ro.cand)
  {
    char why[SPRUN_STATUS_MAX + 40] ;
    cat(why, cat(why, cat(why, 0, "it "), st), " before it was ready") ;
    g->role = SPGEN_RETIRING ;
    fail(why) ;
    return 1 ;
  }
  if (ro.state == RETIRING && g == ro.old)
  {
    char ms[UINT_FMT] ;
    char rms[UINT_FMT] ;
    char nn[UINT_FMT] ;
    char np[PID_FMT] ;
    ms[uint_fmt(ms, since(&ro.start))] = 0 ;
    rms[uint_fmt(rms, ro.readyms)] = 0 ;
    nn[uint_fmt(nn, ro.newn)] = 0 ;
    np[pid_fmt(np, ro.newpid)] = 0 ;
    ro.state = IDLE ;
    ro.old = 0 ;
    sprun_log(SPRUN_INFO, SPRUN_LE_ROLLOUT, "rollout done: generation ", nn, " (pid ", np, ") ready in ", rms, " ms; ", fmt, " retired, ", st, ", ", ms, " ms after the trigger") ;
    return 1 ;
  }
  sprun_log(SPRUN_INFO, SPRUN_LE_EXIT, fmt, " ", st) ;
  return 1 ;
}

 /* The service stops, or its current generation ended: no rollout. A
    stop while the old generation retires leaves the rollout to end
    with its reap; the current generation's end does not. */
void spgen_rollout_stop (char const *why, int all)
{
  if (ro.state == IDLE || (ro.state == RETIRING && !all)) return ;
  sprun_check_cancel() ;
  if (ro.cand) ro.cand->role = SPGEN_RETIRING ;
  ro.cand = 0 ;
  ro.old = 0 ;
  ro.state = IDLE ;
  sprun_log(SPRUN_WARN, SPRUN_LE_ROLLOUT, "rollout abandoned: ", why) ;
}

 /* -C: what the last check said; the next one when it is time */
static void checking (void)
{
  int r = sprun_check_result() ;
  spgen *c = spgen_current() ;
  if (r > 0) { ro.checked = 1 ; return ; }
  if (!r) { ro.recheck = STAMP ; after(&ro.recheck, RECHECK_MS) ; }
  if (ro.checked || sprun_check_running() || tain_future(&ro.recheck)) return ;
  if (sprun_check_start(ro.cand->pid, c ? c->pid : 0) < 0) { ro.recheck = STAMP ; after(&ro.recheck, RECHECK_MS) ; }
}

static int retiring_left (void)
{
  for (unsigned int i = 0 ; i < SPGEN_MAX ; i++) if (spgen_table[i].role == SPGEN_RETIRING) return 1 ;
  return 0 ;
}

int spgen_rollout_deadline (tain *deadline)
{
  switch (ro.state)
  {
    case STARTING :
      if (!ro.cand) { *deadline = STAMP ; return 1 ; }
      *deadline = ro.deadline ;
      if (sprun.cfg->check && !sprun.cfg->notify) { if (tain_less(&ro.poll, deadline)) *deadline = ro.poll ; }
      else if (!sprun.cfg->notify && tain_less(&ro.settled, deadline)) *deadline = ro.settled ;
      return 1 ;
    case BACKOFF :
      /* once its time is up, it waits for the failed one's reap */
      if (!tain_future(&ro.deadline)) return 0 ;
      *deadline = ro.deadline ;
      return 1 ;
    default : return 0 ;
  }
}

void spgen_rollout_timers (void)
{
  if (ro.state == BACKOFF)
  {
    if (tain_future(&ro.deadline) || retiring_left()) return ;
    attempt() ;
  }
  if (ro.state != STARTING) return ;
  if (!ro.cand) { fail(errno == EBUSY ? "too many generations alive" : "the new generation could not start") ; return ; }
  if (ro.cand->dead) return ;  /* its reap says why */
  if (sprun.cfg->check && !sprun.cfg->notify && !tain_future(&ro.poll))
  {
    ro.poll = STAMP ; after(&ro.poll, POLL_MS) ;
    checking() ;
    if (ro.checked) { promote(ready_words()) ; return ; }
  }
  else if (!sprun.cfg->notify && !sprun.cfg->check && !tain_future(&ro.settled)) { promote(ready_words()) ; return ; }
  if (!tain_future(&ro.deadline))
  {
    char why[64 + UINT_FMT] ;
    size_t len = cat(why, 0, sprun.cfg->notify ? "no READY=1 from it in " : sprun.cfg->check ? "it did not pass its check in " : "it did not live long enough in ") ;
    len += uint_fmt(why + len, sprun.cfg->upgradetimeout) ;
    cat(why, len, " ms") ;
    fail(why) ;
  }
}
