/* ISC license. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/syscall.h>

#include <skalibs/types.h>

#include "sprun.h"

 /*
    Readiness: the service is ready once its main process says READY=1
    (-N) or writes a newline on its notification fd (-d), whichever
    comes first, and it stays so: s6's protocol is one-shot, so a later
    READY=1 (a heartbeat, the end of a reload) is never announced again.
    Ready, the runner writes one newline to the supervisor's fd (-n) and
    closes it, then delivers what -H held, in the order it came.
 */

#define HELD_MAX 64

static struct
{
  unsigned char ready ;
  int rfd ;               /* -d: our end of the child's pipe; -1 */
  int wfd ;               /* -d: the child's end, until the spawn */
  int mainfd ;            /* a pidfd of the MAINPID= process; -1 */
  unsigned int nheld ;
  pid_t early ;           /* READY=1 from a pid not followed yet (-P) */
} st = { .rfd = -1, .wfd = -1, .mainfd = -1 } ;

 /* apart from st, whose -1s put it in .data: zeroes cost no file size */
static sp_info held[HELD_MAX] SPRUN_COLD ;

void sprun_ready_init (void)
{
  sprun_config const *cfg = sprun.cfg ;
  if (cfg->notifyfd >= 0)
  {
    char fmt[INT_FMT] ;
    fmt[int_fmt(fmt, cfg->notifyfd)] = 0 ;
    /* the supervisor's fd is the runner's alone: the service must not
       be able to say ready in its name */
    if (fcntl(cfg->notifyfd, F_SETFD, FD_CLOEXEC) < 0)
      sprun_diefu(111, "use notification fd ", fmt, " (-n)") ;
  }
  if (cfg->childfd >= 0)
  {
    int p[2] ;
    if (pipe2(p, O_CLOEXEC) < 0) sprun_diefu(111, "create the notification pipe") ;
    if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) sprun_diefu(111, "make the notification pipe nonblocking") ;
    st.rfd = p[0] ;
    st.wfd = p[1] ;
  }
  sprun_notify_init() ;
  sprun_watchdog_init() ;
}

void sprun_ready_spawnattr (sp_spawnattr *attr)
{
  if (st.wfd < 0) return ;
  attr->fds[attr->nfds++] = (sp_spawnfd){ .from = st.wfd, .to = sprun.cfg->childfd } ;
}

 /* the child has its copy: ours would keep the pipe open for ever */
void sprun_ready_spawned (void)
{
  if (st.wfd >= 0) { close(st.wfd) ; st.wfd = -1 ; }
}

static void announce (void)
{
  int fd = sprun.cfg->notifyfd ;
  if (fd < 0) return ;
  while (write(fd, "\n", 1) < 0)
    if (errno != EINTR)
    {
      sprun_log(SPRUN_WARN, SPRUN_LE_READY, "cannot write to the notification fd (-n): ", strerror(errno)) ;
      break ;
    }
  close(fd) ;
}

 /* What -H held goes through the usual rules now, oldest first. */
static void release (void)
{
  unsigned int n = st.nheld ;
  if (!n) return ;
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, n)] = 0 ;
    sprun_log(SPRUN_INFO, SPRUN_LE_HOLD, "delivering ", fmt, n == 1 ? " held signal" : " held signals") ;
  }
  st.nheld = 0 ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    sprun_event ev ;
    sprun_event_init(&ev, held + i) ;
    sprun_route(&ev) ;
  }
}

void sprun_ready_become (char const *a, char const *b, char const *c)
{
  if (st.ready) return ;
  st.ready = 1 ;
  sprun_log(SPRUN_INFO, SPRUN_LE_READY, "service ready: ", a, b, c) ;
  announce() ;
  release() ;
}

 int sprun_ready_is (void)
{
  return st.ready ;
}

 /* -H: before ready, anything but a stop signal waits, in order. A
    full table drops what comes after: the supervisor's stop still
    goes through, and the loss is said. */
int sprun_ready_hold (sprun_event *ev)
{
  sprun_config const *cfg = sprun.cfg ;
  if (!cfg->hold || st.ready || cfg->stopsig[ev->info.sig]) return 0 ;
  if (st.nheld == HELD_MAX)
  {
    char name[SP_SIGNAME_MAX + 1] ;
    name[sp_sig_fmt(name, ev->info.sig)] = 0 ;
    sprun_log(SPRUN_WARN, SPRUN_LE_HOLD, name, " dropped: 64 signals are held already, until the service is ready") ;
    return 1 ;
  }
  held[st.nheld++] = ev->info ;
  ev->outcome = SPRUN_EV_NOTREADY ;
  sprun_event_log(ev) ;
  return 1 ;
}

 /* READY=1, RELOADING=1, STOPPING=1 change something only when the
    main process says them: an old worker's STOPPING=1 must not stop
    the service. */
static int from_main (sprun_notice const *m, char const *what, char const *pidfmt)
{
  if (m->main) return 1 ;
  sprun_log(SPRUN_INFO, SPRUN_LE_NOTIFY, "notify: ", what, " from pid ", pidfmt, ", not the main process: ignored") ;
  return 0 ;
}

 /* A MAINPID= process is not always the runner's child, so the reap
    may never see it die: a pidfd says when it does, and the target goes
    back to the child before its pid can be anyone else's. Without
    pidfds (before Linux 5.3), it is not watched. */
static int pidfd (pid_t pid)
{
#ifdef SYS_pidfd_open
  int fd = (int)syscall(SYS_pidfd_open, pid, 0) ;
  if (fd >= 0) fcntl(fd, F_SETFD, FD_CLOEXEC) ;
  return fd ;
#else
  (void)pid ;
  return (errno = ENOSYS, -1) ;
#endif
}

static void unwatch (void)
{
  if (st.mainfd >= 0) { close(st.mainfd) ; st.mainfd = -1 ; }
}

static void main_died (pid_t pid)
{
  char fmt[PID_FMT] ;
  fmt[pid_fmt(fmt, pid)] = 0 ;
  unwatch() ;
  sprun_reload_failed("the service died", 0) ;
  sprun_watchdog_stop() ;
  if (sprun.child) sprun_target_set(sprun.child, sprun.cfg->pgroup) ;
  else sprun_target_clear() ;
  sprun_log(SPRUN_WARN, SPRUN_LE_NOTIFY, "notify: the main process pid ", fmt, " is gone: signals go to the child again") ;
}

 /* MAINPID=: only the main process names its successor, and only a
    living process of the service's own tree can be one. */
static void mainpid (sprun_notice const *m, char const *pidfmt)
{
  char fmt[PID_FMT] ;
  pid_t n = m->mainpid ;
  fmt[pid_fmt(fmt, n)] = 0 ;
  if (n == sprun_target()) return ;
  if (!m->main)
    sprun_log(SPRUN_INFO, SPRUN_LE_NOTIFY, "notify: MAINPID=", fmt, " from pid ", pidfmt, ", not the main process: ignored") ;
  else
  {
    /* opened before the check: then the check is about that process */
    int fd = n == sprun.child ? -1 : pidfd(n) ;
    int e = errno ;
    if (n != sprun.child && !sprun_descendant(n))
    {
      if (fd >= 0) close(fd) ;
      sprun_log(SPRUN_WARN, SPRUN_LE_NOTIFY, "notify: MAINPID=", fmt, " from pid ", pidfmt, ": not a living process of the service's tree: ignored") ;
      return ;
    }
    if (n != sprun.child && fd < 0)
      sprun_log(SPRUN_DEBUG, SPRUN_LE_NOTIFY, "notify: pid ", fmt, " cannot be watched (pidfd_open: ", strerror(e), ")") ;
    unwatch() ;
    st.mainfd = fd ;
    sprun_target_set(n, sprun.cfg->pgroup && getpgid(n) == n) ;
    sprun_log(SPRUN_INFO, SPRUN_LE_NOTIFY, "notify: the main process is now pid ", fmt, " (MAINPID= from pid ", pidfmt, ")") ;
  }
}

static void errno_notice (sprun_notice const *m, char const *pidfmt)
{
  char num[INT_FMT] ;
  char why[INT_FMT + 80] ;
  size_t len ;
  num[int_fmt(num, m->err)] = 0 ;
  sprun_log(SPRUN_WARN, SPRUN_LE_NOTIFY, "notify: ERRNO=", num, " (", strerror(m->err), ") from pid ", pidfmt) ;
  if (!m->main) return ;
  len = strlen(num) ;
  memcpy(why, "ERRNO=", 6) ; memcpy(why + 6, num, len) ; len += 6 ;
  why[len] = 0 ;
  sprun_reload_failed(why, strerror(m->err)) ;
}

 /* -P: pid is followed now; ready if it said so before */
void sprun_ready_followed (pid_t pid)
{
  char fmt[PID_FMT] ;
  if (st.ready || !st.early || st.early != pid) return ;
  fmt[pid_fmt(fmt, pid)] = 0 ;
  sprun_ready_become("READY=1 from pid ", fmt, ", before it was followed") ;
}

void sprun_ready_notice (sprun_notice const *m)
{
  char pidfmt[PID_FMT] ;
  pidfmt[pid_fmt(pidfmt, m->pid)] = 0 ;
  if (m->mainpid) mainpid(m, pidfmt) ;
  if (m->watchdog || m->trigger)
  {
    if (m->main) sprun_watchdog_ping(m->trigger) ;
    else sprun_log(SPRUN_DEBUG, SPRUN_LE_NOTIFY, "notify: WATCHDOG= from pid ", pidfmt, ", not the main process: ignored") ;
  }
  if (m->err >= 0) errno_notice(m, pidfmt) ;
  if (m->reloading && from_main(m, "RELOADING=1", pidfmt))
  {
    sprun_log(SPRUN_INFO, SPRUN_LE_NOTIFY, "notify: reloading: RELOADING=1 from pid ", pidfmt) ;
    /* haproxy -Ws says RELOADING=1 as it starts: no reload before ready */
    if (st.ready) sprun_reload_reloading() ;
  }
  /* after RELOADING=1: the time it extends may be the reload's it opens */
  if (m->extend && m->main) sprun_reload_extend(m->extend) ;
  /* -U: the new master's READY=1 is the upgrade's */
  if (m->ready && !m->main && sprun_rollout_ready(m->pid)) ;
  else if (m->ready && !m->main && !st.ready && sprun.cfg->pidfile[0] && !sprun_follow_following())
  {
    /* a daemon's master says READY=1 before its launcher's exit is
       reaped and its pidfile read: it counts once it is followed */
    st.early = m->pid ;
    sprun_log(SPRUN_INFO, SPRUN_LE_NOTIFY, "notify: READY=1 from pid ", pidfmt, ", not followed yet: ready if the pidfile names it") ;
  }
  else if (m->ready && from_main(m, "READY=1", pidfmt))
  {
    if (!sprun_reload_ready() && st.ready)
      sprun_log(SPRUN_DEBUG, SPRUN_LE_NOTIFY, "notify: READY=1 from pid ", pidfmt, ": ready already") ;
    sprun_ready_become("READY=1 from pid ", pidfmt, "") ;
  }
  if (m->stopping && from_main(m, "STOPPING=1", pidfmt))
  {
    sprun_log(SPRUN_INFO, SPRUN_LE_NOTIFY, "notify: stopping: STOPPING=1 from pid ", pidfmt) ;
    sprun_reload_failed("STOPPING=1", 0) ;
  }
}

 /* The main process is gone: nothing it promised will come. */
void sprun_ready_dead (pid_t pid)
{
  /* a MAINPID= process the runner adopted (-s) and reaps */
  if (pid != sprun.child) { main_died(pid) ; return ; }
  sprun_reload_failed("the service died", 0) ;
  sprun_watchdog_stop() ;
}

 /* -d: the child's newline is its readiness; the rest is not read. */
static void child_fd (void)
{
  char buf[64] ;
  char fmt[INT_FMT] ;
  ssize_t r = read(st.rfd, buf, sizeof(buf)) ;
  if (r < 0 && (errno == EINTR || errno == EAGAIN)) return ;
  fmt[int_fmt(fmt, sprun.cfg->childfd)] = 0 ;
  if (r > 0 && !memchr(buf, '\n', (size_t)r)) return ;
  close(st.rfd) ;
  st.rfd = -1 ;
  if (r > 0) sprun_ready_become("a newline on fd ", fmt, " (-d)") ;
  else if (!st.ready) sprun_log(SPRUN_INFO, SPRUN_LE_READY, "fd ", fmt, " (-d) closed before the service said it was ready") ;
}

unsigned int sprun_ready_fds (iopause_fd *x)
{
  unsigned int n = 0 ;
  if (sprun_notify_fd() >= 0) x[n++] = (iopause_fd){ .fd = sprun_notify_fd(), .events = IOPAUSE_READ } ;
  if (st.rfd >= 0) x[n++] = (iopause_fd){ .fd = st.rfd, .events = IOPAUSE_READ } ;
  if (st.mainfd >= 0) x[n++] = (iopause_fd){ .fd = st.mainfd, .events = IOPAUSE_READ } ;
  return n ;
}

void sprun_ready_io (iopause_fd const *x, unsigned int n)
{
  for (unsigned int i = 0 ; i < n ; i++)
  {
    if (!x[i].revents) continue ;
    if (x[i].fd == sprun_notify_fd()) sprun_notify_read() ;
    else if (x[i].fd == st.rfd) child_fd() ;
    else if (x[i].fd == st.mainfd) main_died(sprun_target()) ;
  }
}
