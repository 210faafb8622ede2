/* ISC license. */

#include <signal.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "sprun.h"

 /*
    What follows a stop signal: the schedule's stages, each sent to the
    target its delay after the one before, while the target lives. The
    first stop signal caught starts it; another one does not move it.
    A last stage of SIGKILL comes again every 5 s: a process stuck in
    the kernel may take it late, and the runner never gives up.
 */

#define SPRUN_KILL_AGAIN 5000

static struct
{
  unsigned char armed ;
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

void sprun_stop_begin (int sig)
{
  sprun_schedule const *s = &sprun.cfg->stop ;
  if (stop.armed || s->n < 2) return ;
  stop.sig = sig ;
  stop.next = 1 ;
  stop.elapsed = 0 ;
  arm(s->stage[1].ms) ;
}

 /* A stopped process would never act on a stage: wake it. */
void sprun_stop_cont (int sent)
{
  if (sent != SIGCONT && sent != SIGKILL) sprun_target_kill(SIGCONT, 0) ;
}

int sprun_stop_deadline (tain *deadline)
{
  if (!stop.armed || !sprun_target()) return 0 ;
  *deadline = stop.deadline ;
  return 1 ;
}

void sprun_stop_timers (void)
{
  sprun_schedule const *s = &sprun.cfg->stop ;
  char fmt[PID_FMT] ;
  char ms[UINT_FMT] ;
  char name[SP_SIGNAME_MAX + 1] ;
  char sent[SP_SIGNAME_MAX + 1] ;
  int sig ;
  if (!stop.armed || !sprun_target() || tain_future(&stop.deadline)) return ;
  sig = s->stage[stop.next].sig ;
  sprun_target_kill(sig, 0) ;
  sprun_stop_cont(sig) ;
  fmt[pid_fmt(fmt, sprun_target())] = 0 ;
  ms[uint_fmt(ms, stop.elapsed)] = 0 ;
  name[sp_sig_fmt(name, stop.sig)] = 0 ;
  sent[sp_sig_fmt(sent, sig)] = 0 ;
  sprun_log(SPRUN_WARN, "child ", fmt, " alive ", ms, " ms after ", name, " -> ", sent) ;
  if (stop.next + 1 < s->n) arm(s->stage[++stop.next].ms) ;
  else if (sig == SIGKILL) arm(SPRUN_KILL_AGAIN) ;
  else stop.armed = 0 ;
}
