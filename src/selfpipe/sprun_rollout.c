/* ISC license. */

#include <errno.h>
#include <string.h>
#include <signal.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "sprun.h"

 /*
    -U sig[,ms]: a binary upgrade on one signal, or a roll-back. On the
    trigger, USR2 goes to the followed master; the new master must then
    be named in the pidfile (a living descendant, not the old master)
    and stay alive for 1 s; then the old master gets QUIT, and when it
    exits, sprun_follow switches to the new one as for any upgrade.
    If the new master does not come in time or dies, the upgrade is
    rolled back: a new master still alive is told to QUIT, and the old
    one, which never stopped serving, stays followed.
 */

#define POLL_MS 10
#define SETTLE_MS 1000

enum state_e { IDLE, NAMING, SETTLING, RETIRING } ;

static struct
{
  enum state_e state ;
  pid_t old ;
  pid_t new ;
  tain start ;
  tain deadline ;     /* the end of the whole upgrade */
  tain settled ;      /* SETTLING: when the new master has lived long enough */
  tain poll ;
} up ;

static void arm (tain *t, unsigned int ms)
{
  tain d ;
  tain_from_millisecs(&d, (int)ms) ;
  tain_add_g(t, &d) ;
}

static unsigned int elapsed_ms (void)
{
  tain d ;
  tain_sub(&d, &STAMP, &up.start) ;
  return (unsigned int)tain_to_millisecs(&d) ;
}

static void rollback (char const *why)
{
  char fmt[PID_FMT] ;
  char ms[UINT_FMT] ;
  ms[uint_fmt(ms, elapsed_ms())] = 0 ;
  up.state = IDLE ;
  if (up.new && sprun_target_kill_other(up.new, SIGQUIT) == 0)
  {
    fmt[pid_fmt(fmt, up.new)] = 0 ;
    sprun_log(SPRUN_WARN, "upgrade rolled back after ", ms, " ms: ", why, "; SIGQUIT to new master ", fmt) ;
  }
  else sprun_log(SPRUN_WARN, "upgrade rolled back after ", ms, " ms: ", why) ;
}

 /* The trigger: the event is the upgrade signal's delivery. */

void sprun_rollout_trigger (sprun_event *ev)
{
  if (up.state != IDLE)
  {
    ev->outcome = SPRUN_EV_UPGRADE_BUSY ;
    sprun_event_log(ev) ;
    return ;
  }
  ev->to = SIGUSR2 ;
  if (!sprun_follow_following() || sprun_target_kill(SIGUSR2, &ev->target) < 0)
  {
    ev->err = sprun_follow_following() ? errno : ESRCH ;
    ev->outcome = SPRUN_EV_FAILED ;
    sprun_event_log(ev) ;
    return ;
  }
  ev->outcome = SPRUN_EV_UPGRADE ;
  sprun_event_log(ev) ;
  up.state = NAMING ;
  up.old = sprun.child ;
  up.new = 0 ;
  up.start = STAMP ;
  arm(&up.deadline, sprun.cfg->upgradetimeout) ;
  arm(&up.poll, POLL_MS) ;
}

 /* NAMING: the pidfile names a new master, or not yet */
static void naming (void)
{
  pid_t pid ;
  char const *why ;
  if (sprun_pidfile_read(sprun.cfg->pidfile, &pid, &why) <= 0 || pid == up.old || !sprun_descendant(pid)) return ;
  up.new = pid ;
  up.state = SETTLING ;
  arm(&up.settled, SETTLE_MS) ;
}

 /* SETTLING over: the old master retires; sprun_follow does the switch */
static void retire (void)
{
  char fmt[PID_FMT] ;
  char old[PID_FMT] ;
  fmt[pid_fmt(fmt, up.new)] = 0 ;
  old[pid_fmt(old, up.old)] = 0 ;
  up.state = RETIRING ;
  if (sprun_target_kill(SIGQUIT, 0) < 0) { rollback("the old master cannot be told to quit") ; return ; }
  sprun_log(SPRUN_INFO, "upgrade: new master ", fmt, " alive 1000 ms -> SIGQUIT to old master ", old) ;
}

static void done (void)
{
  char fmt[PID_FMT] ;
  char ms[UINT_FMT] ;
  fmt[pid_fmt(fmt, up.new)] = 0 ;
  ms[uint_fmt(ms, elapsed_ms())] = 0 ;
  up.state = IDLE ;
  sprun_log(SPRUN_INFO, "upgrade done: following ", fmt, " ", ms, " ms after the trigger") ;
}

int sprun_rollout_deadline (tain *deadline)
{
  if (up.state == IDLE) return 0 ;
  *deadline = up.poll ;
  return 1 ;
}

void sprun_rollout_timers (void)
{
  if (up.state == IDLE || tain_future(&up.poll)) return ;
  arm(&up.poll, POLL_MS) ;
  if (up.state == RETIRING)
  {
    /* the switch happened, or the service is ending */
    if (sprun.child == up.new) done() ;
    else if (sprun.child != up.old) up.state = IDLE ;
    return ;
  }
  if (sprun.child != up.old) { up.new = 0 ; rollback("the old master exited") ; return ; }
  if (up.state == NAMING) naming() ;
  if (up.state == SETTLING && !sprun_descendant(up.new)) { up.new = 0 ; rollback("the new master died") ; return ; }
  if (!tain_future(&up.deadline))
  {
    rollback(up.state == NAMING ? "the pidfile named no new master in time" : "the new master was not settled in time") ;
    return ;
  }
  if (up.state == SETTLING && !tain_future(&up.settled)) retire() ;
}

 /* A stop during an upgrade stops both masters. */
void sprun_rollout_stop (int sig)
{
  if (up.state == IDLE) return ;
  /* the pidfile may name the new master since the last poll */
  if (up.state == NAMING) naming() ;
  if (up.new && sig) sprun_target_kill_other(up.new, sig) ;
  sprun_log(SPRUN_WARN, "upgrade abandoned: the service is stopping") ;
  up.state = IDLE ;
}
