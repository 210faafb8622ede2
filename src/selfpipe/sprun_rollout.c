/* ISC license. */

#include <errno.h>
#include <string.h>
#include <signal.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "sprun.h"

 /*
    -U sig[,ms]: a binary upgrade on one signal, or a roll-back. On the
    trigger, USR2 (-u) goes to the followed master; the new master must
    then be named in the pidfile (a living descendant, not the old
    master) and be ready: with -N, READY=1 from its own pid (it may come
    before the pidfile names it: the last few senders are kept), else
    with -C a check that exits 0 (run again 500 ms after each failure),
    else alive for 1 s; then the old master gets QUIT (-q), and when it exits,
    sprun_follow switches to the new one as for any upgrade.
    If the new master does not come in time or dies, the upgrade is
    rolled back: a new master still alive is told to QUIT, then KILL
    after the stop schedule's grace (5 s without one), and the old one,
    which never stopped serving, stays followed.
 */

#define POLL_MS 10
#define SETTLE_MS 1000
#define DOOMED_MS 5000
#define READY_MAX 8
#define RECHECK_MS 500

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
  tain recheck ;      /* -C: when the check may run again */
  unsigned char ready ;        /* -N: the new master said READY=1 */
  unsigned char checked ;      /* -C: its check passed */
  unsigned int nready ;
  pid_t readypid[READY_MAX] ;  /* -N: READY=1 senders while NAMING */
} up ;

 /* a rolled-back new master told to QUIT: KILL if it is still there */
static struct
{
  pid_t pid ;
  tain deadline ;
} doomed ;

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

static void doom (pid_t pid)
{
  unsigned int grace = sprun_stop_grace() ;
  doomed.pid = pid ;
  doomed.deadline = STAMP ;
  arm(&doomed.deadline, grace ? grace : DOOMED_MS) ;
}

static char const *retire_name (char *name)
{
  name[sp_sig_fmt(name, sprun.cfg->retiresig)] = 0 ;
  return name ;
}

static void rollback (char const *why)
{
  char fmt[PID_FMT] ;
  char ms[UINT_FMT] ;
  char name[SP_SIGNAME_MAX + 1] ;
  ms[uint_fmt(ms, elapsed_ms())] = 0 ;
  up.state = IDLE ;
  sprun_check_cancel() ;
  if (up.new && sprun_target_kill_other(up.new, sprun.cfg->retiresig) == 0)
  {
    fmt[pid_fmt(fmt, up.new)] = 0 ;
    doom(up.new) ;
    sprun_log(SPRUN_WARN, SPRUN_LE_UPGRADE, "upgrade rolled back after ", ms, " ms: ", why, "; ", retire_name(name), " to new master ", fmt) ;
  }
  else sprun_log(SPRUN_WARN, SPRUN_LE_UPGRADE, "upgrade rolled back after ", ms, " ms: ", why) ;
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
  ev->to = sprun.cfg->upgradeusr ;
  if (!sprun_follow_master() || sprun_target_kill(ev->to, &ev->target) < 0)
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
  up.ready = 0 ;
  up.nready = 0 ;
  up.start = STAMP ;
  arm(&up.deadline, sprun.cfg->upgradetimeout) ;
  arm(&up.poll, POLL_MS) ;
}

 /* The new master is named: SETTLING, ready if it said so already */
static void named (pid_t pid, char const *how)
{
  char fmt[PID_FMT] ;
  fmt[pid_fmt(fmt, pid)] = 0 ;
  up.new = pid ;
  up.state = SETTLING ;
  arm(&up.settled, SETTLE_MS) ;
  up.checked = 0 ;
  up.recheck = STAMP ;
  for (unsigned int i = 0 ; i < up.nready && i < READY_MAX ; i++)
    if (up.readypid[i] == pid) up.ready = 1 ;
  sprun_log(SPRUN_INFO, SPRUN_LE_UPGRADE, "upgrade: new master ", fmt, how) ;
}

 /* -N: a child of the old master that said READY=1 is the new master,
    whatever the pidfile says yet (gunicorn writes it into FILE.2) */
static pid_t ready_child (void)
{
  for (unsigned int i = 0 ; i < up.nready && i < READY_MAX ; i++)
  {
    pid_t ppid ;
    pid_t pid = up.readypid[i] ;
    if (pid != up.old && sprun_proc_stat(pid, 0, &ppid) == 0 && ppid == up.old && sprun_descendant(pid)) return pid ;
  }
  return 0 ;
}

 /* NAMING: the pidfile names a new master, or not yet */
static void naming (void)
{
  pid_t pid ;
  char const *why ;
  if (sprun_pidfile_read(sprun.cfg->pidfile, &pid, &why) > 0 && pid != up.old && sprun_descendant(pid))
    named(pid, " named by the pidfile") ;
  else if (sprun.cfg->notify && (pid = ready_child()))
    named(pid, ", a child of the old master, said READY=1") ;
}

 /* -N: READY=1 from pid, not the main process. 1 if the upgrade takes
    it: from the new master, or, before the pidfile names one, from
    whoever may be it. */
int sprun_rollout_ready (pid_t pid)
{
  char fmt[PID_FMT] ;
  if (!sprun.cfg->notify || (up.state != NAMING && up.state != SETTLING)) return 0 ;
  if (up.state == SETTLING && pid != up.new) return 0 ;
  fmt[pid_fmt(fmt, pid)] = 0 ;
  sprun_log(SPRUN_INFO, SPRUN_LE_UPGRADE, "upgrade: READY=1 from pid ", fmt, up.state == SETTLING ? ", the new master" : ", before a new master is named") ;
  if (up.state == SETTLING) up.ready = 1 ;
  else { up.readypid[up.nready++ % READY_MAX] = pid ; naming() ; }
  return 1 ;
}

 /* -C: what the last check said; the next one when it is time */
static void checking (void)
{
  int r = sprun_check_result() ;
  if (r > 0) { up.checked = 1 ; return ; }
  if (!r) { up.recheck = STAMP ; arm(&up.recheck, RECHECK_MS) ; }
  if (up.checked || sprun_check_running() || tain_future(&up.recheck)) return ;
  if (sprun_check_start(up.new, up.old) < 0) { up.recheck = STAMP ; arm(&up.recheck, RECHECK_MS) ; }
}

 /* SETTLING: ready (-N), its check passed (-C), or alive long enough */
static int settled (void)
{
  if (sprun.cfg->notify) return up.ready ;
  if (sprun.cfg->check) { checking() ; return up.checked ; }
  return !tain_future(&up.settled) ;
}

static char const *ready_words (void)
{
  return sprun.cfg->notify ? " said READY=1" : sprun.cfg->check ? " passed its check" : " alive 1000 ms" ;
}

 /* SETTLING over: the old master retires; sprun_follow does the switch */
static void retire (void)
{
  char fmt[PID_FMT] ;
  char old[PID_FMT] ;
  char name[SP_SIGNAME_MAX + 1] ;
  fmt[pid_fmt(fmt, up.new)] = 0 ;
  old[pid_fmt(old, up.old)] = 0 ;
  up.state = RETIRING ;
  if (sprun_target_kill(sprun.cfg->retiresig, 0) < 0) { rollback("the old master cannot be told to quit") ; return ; }
  sprun_log(SPRUN_INFO, SPRUN_LE_UPGRADE, "upgrade: new master ", fmt, ready_words(), " -> ", retire_name(name), " to old master ", old) ;
}

static void done (void)
{
  char fmt[PID_FMT] ;
  char ms[UINT_FMT] ;
  fmt[pid_fmt(fmt, up.new)] = 0 ;
  ms[uint_fmt(ms, elapsed_ms())] = 0 ;
  up.state = IDLE ;
  sprun_check_cancel() ;
  sprun_log(SPRUN_INFO, SPRUN_LE_UPGRADE, "upgrade done: following ", fmt, " ", ms, " ms after the trigger") ;
}

int sprun_rollout_deadline (tain *deadline)
{
  if (up.state != IDLE) *deadline = up.poll ;
  if (doomed.pid && (up.state == IDLE || tain_less(&doomed.deadline, deadline))) *deadline = doomed.deadline ;
  return up.state != IDLE || doomed.pid ;
}

 /* the rolled-back new master's time is up: still ours and alive, KILL */
static void doomed_timer (void)
{
  char fmt[PID_FMT] ;
  char ms[UINT_FMT] ;
  char name[SP_SIGNAME_MAX + 1] ;
  unsigned int grace = sprun_stop_grace() ;
  if (!doomed.pid || tain_future(&doomed.deadline)) return ;
  fmt[pid_fmt(fmt, doomed.pid)] = 0 ;
  ms[uint_fmt(ms, grace ? grace : DOOMED_MS)] = 0 ;
  if (sprun_target_kill_other(doomed.pid, SIGKILL) == 0)
    sprun_log(SPRUN_WARN, SPRUN_LE_UPGRADE, "upgrade: rolled-back new master ", fmt, " alive ", ms, " ms after ", retire_name(name), " -> SIGKILL") ;
  doomed.pid = 0 ;
}

void sprun_rollout_timers (void)
{
  doomed_timer() ;
  if (up.state == IDLE || tain_future(&up.poll)) return ;
  arm(&up.poll, POLL_MS) ;
  if (up.state == RETIRING)
  {
    /* the switch happened, or is under way (no child: between two
       masters, as across gunicorn's pidfile gap), or went elsewhere */
    if (sprun.child == up.new) done() ;
    else if (sprun.child && sprun.child != up.old) up.state = IDLE ;
    return ;
  }
  if (sprun.child != up.old) { up.new = 0 ; rollback("the old master exited") ; return ; }
  if (up.state == NAMING) naming() ;
  if (up.state == SETTLING && !sprun_descendant(up.new)) { up.new = 0 ; rollback("the new master died") ; return ; }
  if (!tain_future(&up.deadline))
  {
    rollback(up.state == NAMING ? "the pidfile named no new master in time" :
      sprun.cfg->notify ? "the new master did not say READY=1 in time" :
      sprun.cfg->check ? "the new master did not pass its check in time" : "the new master was not settled in time") ;
    return ;
  }
  if (up.state == SETTLING && settled()) retire() ;
}

 /* A stop during an upgrade stops both masters. */
void sprun_rollout_stop (int sig)
{
  if (up.state == IDLE) return ;
  /* the pidfile may name the new master since the last poll */
  if (up.state == NAMING) naming() ;
  if (up.new && sig) sprun_target_kill_other(up.new, sig) ;
  sprun_log(SPRUN_WARN, SPRUN_LE_UPGRADE, "upgrade abandoned: the service is stopping") ;
  up.state = IDLE ;
  sprun_check_cancel() ;
}
