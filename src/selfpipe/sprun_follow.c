/* ISC license. */

#include <errno.h>
#include <string.h>
#include <sys/wait.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "sprun.h"

 /*
    -P: following a daemon that forks. The child is only a launcher;
    once it exits 0, the service is the process the pidfile names, if
    it is one of the runner's own living descendants (the runner is a
    child subreaper, so that process becomes its child and is reaped
    by it). When that master exits, one rule covers every daemon's
    upgrade dance: while the runner still has living descendants, wait
    up to the -P timeout for the pidfile to name one other than the
    dead master, and follow it. Between two masters there is no target:
    deliveries are held, then routed to the new master as if they came
    then, so none is lost and none reaches a dead or reused pid.
 */

#define POLL_MS 10
#define HELD_MAX 64

enum phase_e { LAUNCHING, STARTING, FOLLOWING, SWITCHING } ;

static struct
{
  enum phase_e phase ;
  pid_t dead ;          /* SWITCHING: the master that exited */
  int wstat ;           /* its status */
  int stopsig ;         /* the stop that was under way for it, 0 if none */
  tain deadline ;       /* when to give up waiting for a pidfile */
  tain poll ;           /* when to read it again */
  char const *why ;     /* what was wrong with it, last time */
  unsigned int nheld ;
  unsigned long dropped ;
  sp_info held[HELD_MAX] ;
} follow SPRUN_COLD ;

static void fmt_pid (char *s, pid_t pid)
{
  s[pid_fmt(s, pid)] = 0 ;
}

static void arm (tain *t, unsigned int ms)
{
  tain d ;
  tain_from_millisecs(&d, (int)ms) ;
  tain_add_g(t, &d) ;
}

 /* A pidfile that names a stranger is the end: nothing is sent to it. */
static void gccattr_noreturn fatal (char const *why)
{
  sprun_hook_killall() ;
  sprun_log_endburst() ;
  sprun_log_flush_nowait() ;
  sprun_dief(111, "pidfile ", sprun.cfg->pidfile, ": ", why) ;
}

 /* 1: pid is the new master; 0: not yet; -1: the file never will be good */
static int named (pid_t *pid)
{
  int r = sprun_pidfile_read(sprun.cfg->pidfile, pid, &follow.why) ;
  if (r <= 0) return r ;
  if (*pid == 1) return (follow.why = "it names pid 1", 0) ;
  if (*pid == sprun.self) return (follow.why = "it names the runner itself", 0) ;
  if (*pid == follow.dead) return (follow.why = "it names the master that exited", 0) ;
  if (!sprun_descendant(*pid)) return (follow.why = "it names a process that is not a living descendant of the runner", 0) ;
  return 1 ;
}

static void release (void)
{
  unsigned int n = follow.nheld ;
  follow.nheld = 0 ;
  if (follow.dropped)
  {
    char fmt[ULONG_FMT] ;
    fmt[ulong_fmt(fmt, follow.dropped)] = 0 ;
    sprun_log(SPRUN_WARN, SPRUN_LE_FOLLOW, fmt, " deliveries dropped between masters (more than 64 held)") ;
    follow.dropped = 0 ;
  }
  for (unsigned int i = 0 ; i < n ; i++) sprun_signal(&follow.held[i]) ;
}

static void take (pid_t pid)
{
  char fmt[PID_FMT] ;
  fmt_pid(fmt, pid) ;
  sprun.child = pid ;
  sprun_target_set(pid, sprun.cfg->pgroup) ;
  if (follow.phase == STARTING)
    sprun_log(SPRUN_INFO, SPRUN_LE_FOLLOW, "following pid ", fmt, " from pidfile ", sprun.cfg->pidfile) ;
  else
  {
    char old[PID_FMT] ;
    char st[SPRUN_STATUS_MAX] ;
    char name[SP_SIGNAME_MAX + 1] ;
    fmt_pid(old, follow.dead) ;
    sprun_fmt_status(st, follow.wstat) ;
    name[sp_sig_fmt(name, follow.stopsig)] = 0 ;
    if (follow.stopsig)
      sprun_log(SPRUN_INFO, SPRUN_LE_FOLLOW, "master ", old, " exited (", st, "); following ", fmt, "; the stop by ", name, " ended with ", old, ": a switch is not a stop") ;
    else sprun_log(SPRUN_INFO, SPRUN_LE_FOLLOW, "master ", old, " exited (", st, "); following ", fmt) ;
  }
  follow.phase = FOLLOWING ;
  follow.dead = 0 ;
  sprun_ready_followed(pid) ;
  release() ;
}

 /* SWITCHING, and no new master: the service ends with the old one's
    status, as it would have without -P */
static void end (void)
{
  char old[PID_FMT] ;
  char st[SPRUN_STATUS_MAX] ;
  fmt_pid(old, follow.dead) ;
  sprun_fmt_status(st, follow.wstat) ;
  sprun_log(SPRUN_INFO, SPRUN_LE_EXIT, "child ", old, " ", st) ;
  sprun.wstat = follow.wstat ;
  sprun.done = 1 ;
}

 /* One look at the pidfile: 1 if it names the new master, now
    followed; 0 to look again later; -1 if there will be none. */
static int look (void)
{
  pid_t pid ;
  int r = named(&pid) ;
  if (r > 0) { take(pid) ; return 1 ; }
  if (follow.phase == STARTING)
  {
    if (r < 0 || !tain_future(&follow.deadline)) fatal(follow.why) ;
    return 0 ;
  }
  /* no living descendant: nobody could ever be named */
  if (!sprun_children(0, 0)) return -1 ;
  if (r == 0 && tain_future(&follow.deadline)) return 0 ;
  sprun_log(SPRUN_WARN, SPRUN_LE_FOLLOW, "no new master: pidfile ", sprun.cfg->pidfile, ": ", follow.why) ;
  return -1 ;
}

 /* The child (launcher or master) has been reaped. Returns 1 if the
    service goes on: this module has taken it over. */

int sprun_follow_ended (pid_t pid, int wstat)
{
  char fmt[PID_FMT] ;
  if (!sprun.cfg->pidfile[0]) return 0 ;
  fmt_pid(fmt, pid) ;
  if (follow.phase == LAUNCHING)
  {
    /* a failed start is the launcher's to report */
    if (!WIFEXITED(wstat) || WEXITSTATUS(wstat)) return 0 ;
    sprun_log(SPRUN_DEBUG, SPRUN_LE_FOLLOW, "launcher ", fmt, " exited 0: reading pidfile ", sprun.cfg->pidfile) ;
    follow.phase = STARTING ;
    follow.dead = 0 ;
  }
  else
  {
    follow.phase = SWITCHING ;
    follow.dead = pid ;
    follow.wstat = wstat ;
    /* the deadlines armed for the old master end with it */
    follow.stopsig = sprun_stop_end() ;
  }
  arm(&follow.deadline, sprun.cfg->pidtimeout) ;
  arm(&follow.poll, POLL_MS) ;
  if (look() < 0)
  {
    follow.phase = FOLLOWING ;
    return 0 ;
  }
  return 1 ;
}

 /* Whether the followed master is dead and not reaped yet. A signal
    and the SIGCHLD of the master's exit may come together, the signal's
    record first (the kernel delivers lower numbers first): it must not
    go to the zombie, but to the master that follows. */
static int master_dead (void)
{
  siginfo_t si ;
  si.si_pid = 0 ;
  if (follow.phase != FOLLOWING || !sprun.child) return 0 ;
  return waitid(P_PID, sprun.child, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == sprun.child ;
}

 /* Between masters, a delivery waits. Returns 1 if it was held. */

int sprun_follow_hold (sp_info const *info)
{
  sprun_event ev ;
  if (!sprun.cfg->pidfile[0]) return 0 ;
  if (master_dead()) sprun_reap() ;
  if (follow.phase != STARTING && follow.phase != SWITCHING) return 0 ;
  if (follow.nheld < HELD_MAX) follow.held[follow.nheld++] = *info ;
  else follow.dropped++ ;
  sprun_event_init(&ev, info) ;
  ev.outcome = SPRUN_EV_HELD ;
  sprun_event_log(&ev) ;
  return 1 ;
}

int sprun_follow_following (void)
{
  return sprun.cfg->pidfile[0] && follow.phase == FOLLOWING ;
}

 /* -U: whether there is a master to upgrade. A child that the pidfile
    names itself (gunicorn in the foreground) is a master from now on:
    when it exits, the runner switches as for any master. */
int sprun_follow_master (void)
{
  pid_t pid ;
  char const *why ;
  char fmt[PID_FMT] ;
  if (sprun_follow_following()) return 1 ;
  if (!sprun.cfg->pidfile[0] || follow.phase != LAUNCHING || !sprun.child) return 0 ;
  if (sprun_pidfile_read(sprun.cfg->pidfile, &pid, &why) <= 0 || pid != sprun.child) return 0 ;
  fmt_pid(fmt, pid) ;
  follow.phase = FOLLOWING ;
  sprun_log(SPRUN_INFO, SPRUN_LE_FOLLOW, "following pid ", fmt, " from pidfile ", sprun.cfg->pidfile, ": the child itself") ;
  return 1 ;
}

int sprun_follow_deadline (tain *deadline)
{
  if (follow.phase != STARTING && follow.phase != SWITCHING) return 0 ;
  *deadline = follow.poll ;
  return 1 ;
}

void sprun_follow_timers (void)
{
  if (follow.phase != STARTING && follow.phase != SWITCHING) return ;
  if (tain_future(&follow.poll)) return ;
  arm(&follow.poll, POLL_MS) ;
  if (look() < 0)
  {
    end() ;
    sprun_exit() ;
  }
}

 /* Without -P: a child that exits 0 and leaves processes behind is
    most likely a daemon that forked, about to be orphaned. Say so. */

#define NAMED_MAX 8

typedef struct left_s left ;
struct left_s
{
  unsigned int n ;
  size_t len ;
  char s[NAMED_MAX * (PID_FMT + 20) + 8] ;
} ;

static void name_one (pid_t pid, void *data)
{
  left *l = data ;
  char comm[17] ;
  if (l->n++ >= NAMED_MAX) { if (l->n == NAMED_MAX + 1) { memcpy(l->s + l->len, ", ...", 5) ; l->len += 5 ; } return ; }
  if (l->n > 1) { memcpy(l->s + l->len, ", ", 2) ; l->len += 2 ; }
  l->len += pid_fmt(l->s + l->len, pid) ;
  if (sprun_proc_comm(pid, comm, sizeof(comm)) > 0)
  {
    size_t n = strlen(comm) ;
    l->s[l->len++] = ' ' ; l->s[l->len++] = '(' ;
    memcpy(l->s + l->len, comm, n) ; l->len += n ;
    l->s[l->len++] = ')' ;
  }
}

void sprun_follow_orphans (int wstat)
{
  left l = { .n = 0, .len = 0 } ;
  char fmt[UINT_FMT] ;
  if (sprun.cfg->pidfile[0] || !sprun.cfg->subreaper || !WIFEXITED(wstat) || WEXITSTATUS(wstat)) return ;
  if (!sprun_children(&name_one, &l)) return ;
  l.s[l.len] = 0 ;
  fmt[uint_fmt(fmt, l.n)] = 0 ;
  sprun_log(SPRUN_WARN, SPRUN_LE_EXIT, "child exited 0; ", fmt, l.n == 1 ? " descendant still alive: " : " descendants still alive: ", l.s, ": a daemon that forks? see -P") ;
}
