/* ISC license. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "sprun.h"

 /*
    What follows a stop signal: the schedule's stages, each sent to the
    target its delay after the one before, while the target lives. The
    first stop signal caught starts it; another one does not move it.
    With -k, the stop signal itself goes through the usual rules and
    the schedule only adds SIGKILL; with -S, the schedule sends every
    stage, the first one at once. A last stage of SIGKILL comes again
    every 5 s: a process stuck in the kernel may take it late, and the
    runner never gives up.
 */

#define SPRUN_KILL_AGAIN 5000

static struct
{
  unsigned char started ;
  unsigned char armed ;
  unsigned char over ;     /* the deadline is the end of the last stage's time */
  unsigned int next ;      /* the stage to send at the deadline */
  int sig ;                /* the stop signal that started it */
  unsigned int elapsed ;   /* ms from the stop signal to the deadline */
  tain deadline ;
} stop ;

static void arm (unsigned int ms)
{
  tain t ;
  tain_from_millisecs(&t, (int)ms) ;
  if (stop.armed) tain_add(&stop.deadline, &stop.deadline, &t) ;
  else tain_add_g(&stop.deadline, &t) ;
  stop.elapsed += ms ;
  stop.armed = 1 ;
}

 /* after stage i has been sent: wait for the next one, or for the end */
static void arm_after (unsigned int i)
{
  sprun_schedule const *s = &sprun.cfg->stop ;
  stop.next = i + 1 ;
  if (stop.next < s->n) arm(s->stage[stop.next].ms) ;
  else if (s->stage[i].sig == SIGKILL) { stop.next = i ; arm(SPRUN_KILL_AGAIN) ; }
  else if (s->last) { stop.over = 1 ; arm(s->last) ; }
  else stop.armed = 0 ;
}

 /* A stopped process would never act on a stage: wake it. The handler
    may have sent the CONT already (SP_FORWARD_CONT): then only the log. */
void sprun_stop_cont_log (int sent, pid_t target)
{
  char what[SPRUN_TARGET_MAX] ;
  char name[SP_SIGNAME_MAX + 1] ;
  if (sent == SIGCONT || sent == SIGKILL || !sprun_log_wants(SPRUN_DEBUG)) return ;
  sprun_fmt_target(what, SIGCONT, target) ;
  name[sp_sig_fmt(name, sent)] = 0 ;
  sprun_log(SPRUN_DEBUG, SPRUN_LE_STOP, what, " after ", name, ": a stopped process would not act on it") ;
}

void sprun_stop_cont (int sent)
{
  pid_t target ;
  if (sent == SIGCONT || sent == SIGKILL || sprun_target_kill(SIGCONT, &target) < 0) return ;
  sprun_stop_cont_log(sent, target) ;
}

 /* Returns 1 if the schedule took the delivery (-S): it is not to be
    forwarded as itself. */

int sprun_stop_begin (sprun_event *ev)
{
  sprun_schedule const *s = &sprun.cfg->stop ;
  int first = s->stage[0].sig ;
  if (stop.started)
  {
    if (!first) return 0 ;
    ev->outcome = SPRUN_EV_STOPPING_AGAIN ;
    sprun_event_log(ev) ;
    return 1 ;
  }
  stop.started = 1 ;
  stop.sig = ev->info.sig ;
  /* -U: a new master that is not followed yet stops too */
  sprun_rollout_stop(first ? first : sprun.cfg->map[ev->info.sig]) ;
  /* selfpipe-gen: every other living generation stops too */
  if (sprun_gen_ops) (*sprun_gen_ops->stop)(first ? first : sprun.cfg->map[ev->info.sig]) ;
  stop.elapsed = 0 ;
  arm_after(0) ;
  if (!first) return 0 ;
  /* no target: the child is dead, and its pid may soon be someone else's */
  if (!sprun_target()) return 1 ;
  ev->to = first ;
  if (sprun_target_kill(first, &ev->target) < 0)
  {
    ev->err = errno ;
    ev->outcome = SPRUN_EV_FAILED ;
  }
  else
  {
    sprun_stop_cont(first) ;
    ev->outcome = SPRUN_EV_STOPPING ;
  }
  sprun_event_log(ev) ;
  return 1 ;
}

 /* The followed master exited and another one is followed (-P): a
    switch is not a stop, and nothing armed for the old master reaches
    the new one. Returns the stop signal that had started it, 0 if none. */

int sprun_stop_end (void)
{
  int sig = stop.started ? stop.sig : 0 ;
  memset(&stop, 0, sizeof(stop)) ;
  return sig ;
}

int sprun_stop_started (void)
{
  return stop.started ;
}

int sprun_stop_deadline (tain *deadline)
{
  if (!stop.armed || !sprun_target()) return 0 ;
  *deadline = stop.deadline ;
  return 1 ;
}

 /* -s: the last SIGKILL reaches the whole subtree the runner adopted.
    Each living child is killed; as each dies, its own children become
    the runner's, and the next pass kills them. Bounded: the 5 s repeat
    catches what is still there. Returns how many processes besides the
    child were killed (at least: past the table's size, some are not
    counted twice but not counted at all). */

#define TREE_MAX 4096

typedef struct tree_s tree ;
struct tree_s
{
  unsigned int n ;
  pid_t pid[TREE_MAX] ;
} ;

static void kill_one (pid_t pid, void *data)
{
  tree *t = data ;
  kill(pid, SIGKILL) ;
  if (pid == sprun.child) return ;
  for (unsigned int i = 0 ; i < t->n ; i++) if (t->pid[i] == pid) return ;
  if (t->n < TREE_MAX) t->pid[t->n++] = pid ;
}

static unsigned int kill_tree (void)
{
  tree t = { .n = 0 } ;
  tain end, d ;
  tain_from_millisecs(&d, 1000) ;
  tain_add_g(&end, &d) ;
  while (sprun_children(&kill_one, &t))
  {
    struct timespec ts = { .tv_sec = 0, .tv_nsec = 1000000 } ;
    tain_now_g() ;
    if (!tain_less(&STAMP, &end)) break ;
    nanosleep(&ts, 0) ;
  }
  return t.n ;
}

void sprun_stop_timers (void)
{
  sprun_schedule const *s = &sprun.cfg->stop ;
  char fmt[PID_FMT] ;
  char ms[UINT_FMT] ;
  char count[UINT_FMT] ;
  char name[SP_SIGNAME_MAX + 1] ;
  char sent[SP_SIGNAME_MAX + 1] ;
  int sig ;
  unsigned int i = stop.next ;
  if (!stop.armed || !sprun_target() || tain_future(&stop.deadline)) return ;
  stop.armed = 0 ;
  fmt[pid_fmt(fmt, sprun_target())] = 0 ;
  ms[uint_fmt(ms, stop.elapsed)] = 0 ;
  name[sp_sig_fmt(name, stop.sig)] = 0 ;
  if (stop.over)
  {
    sprun_log(SPRUN_WARN, SPRUN_LE_KILL, "child ", fmt, " alive ", ms, " ms after ", name, ": the stop schedule is over") ;
    return ;
  }
  sig = s->stage[i].sig ;
  sprun_target_kill(sig, 0) ;
  sprun_stop_cont(sig) ;
  sent[sp_sig_fmt(sent, sig)] = 0 ;
  if (sig == SIGKILL && sprun.cfg->subreaper)
  {
    count[uint_fmt(count, kill_tree())] = 0 ;
    sprun_log(SPRUN_WARN, SPRUN_LE_KILL, "child ", fmt, " alive ", ms, " ms after ", name, " -> ", sent, " to it and to ", count, " processes of its tree") ;
  }
  else sprun_log(SPRUN_WARN, SPRUN_LE_KILL, "child ", fmt, " alive ", ms, " ms after ", name, " -> ", sent) ;
  arm_after(i) ;
}

 /* How long the schedule gives a service from its stop signal to its
    SIGKILL: -k's time, or the sum of -S's delays; 0 if it never kills. */

unsigned int sprun_stop_grace (void)
{
  sprun_schedule const *s = &sprun.cfg->stop ;
  unsigned int ms = 0 ;
  if (s->stage[s->n - 1].sig != SIGKILL) return 0 ;
  for (unsigned int i = 1 ; i < s->n ; i++) ms += s->stage[i].ms ;
  return ms ;
}
