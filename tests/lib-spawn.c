/* ISC license. sp_fork and sp_spawn: children get the original signal state, nothing else. */

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "tap.h"
#include "lib-common.h"

extern char **environ ;

 /* Signal sets as /proc/<pid>/status shows them: bit sig-1. Signals 32
    and 33 belong to libc and are left out of every comparison. */
#define LIBC_BITS ((1ULL << 31) | (1ULL << 32))

 /* valgrind keeps SIGRTMAX for itself and shows it ignored through the
    API: leave it out when comparing the API's view with the kernel's */
#define FOREIGN_BITS (LIBC_BITS | (under_valgrind() ? 1ULL << 63 : 0))

#define MAXFD 1024

typedef struct state_s state ;
struct state_s
{
  unsigned long long blk ;
  unsigned long long ign ;
  unsigned long long cgt ;
  int spfd ;          /* sp_fd() in the child */
  int pipe_open ;     /* the parent's self-pipe fds are open in the child */
} ;

 /* What the signal API says about us (valgrind fakes /proc for its own process). */
static void api_state (state *s)
{
  sigset_t mask ;
  s->blk = s->ign = s->cgt = 0 ;
  sigprocmask(SIG_SETMASK, 0, &mask) ;
  for (int sig = 1 ; sig < NSIG && sig <= 64 ; sig++)
  {
    struct sigaction sa ;
    if (sig == 32 || sig == 33) continue ;
    if (sigismember(&mask, sig) == 1) s->blk |= 1ULL << (sig - 1) ;
    if (sigaction(sig, 0, &sa) < 0) continue ;
    if (sa.sa_handler == SIG_IGN) s->ign |= 1ULL << (sig - 1) ;
    else if (sa.sa_handler != SIG_DFL) s->cgt |= 1ULL << (sig - 1) ;
  }
}

 /* The helper, run as "lib-spawn report": the kernel's view of its
    mask and ignored set, and its open fds, on stdout. */
static int report (void)
{
  unsigned long long blk, ign ;
  char buf[4096] ;
  size_t len ;
  DIR *dir ;
  struct dirent *d ;
  if (proc_status_hex(0, "SigBlk", &blk) < 0 || proc_status_hex(0, "SigIgn", &ign) < 0) return 111 ;
  len = snprintf(buf, sizeof(buf), "%llx %llx", blk, ign) ;
  dir = opendir("/proc/self/fd") ;
  if (!dir) return 111 ;
  while ((d = readdir(dir)) && len < sizeof(buf) - 16)
    if (d->d_name[0] != '.' && atoi(d->d_name) != dirfd(dir))
      len += snprintf(buf + len, sizeof(buf) - len, " %s", d->d_name) ;
  closedir(dir) ;
  buf[len++] = '\n' ;
  return write(1, buf, len) == (ssize_t)len ? 0 : 111 ;
}

 /* The fds a child should have after exec: ours without FD_CLOEXEC. */
static void inheritable_fds (char *fds)
{
  for (int fd = 0 ; fd < MAXFD ; fd++)
  {
    int fl = fcntl(fd, F_GETFD) ;
    fds[fd] = fl >= 0 && !(fl & FD_CLOEXEC) ;
  }
}

static void fmt_fds (char const *fds, char *s, size_t max)
{
  size_t len = 0 ;
  s[0] = 0 ;
  for (int fd = 0 ; fd < MAXFD && len + 12 < max ; fd++)
    if (fds[fd]) len += snprintf(s + len, max - len, " %d", fd) ;
}

#include <sys/prctl.h>

 /* The helper, run as "lib-spawn ids": its pid, process group, session
    and parent death signal on stdout, and whether fd 5 is open. */
static int ids (void)
{
  char buf[128] ;
  int pdeath = -1 ;
  int len ;
  prctl(PR_GET_PDEATHSIG, &pdeath) ;
  len = snprintf(buf, sizeof(buf), "%d %d %d %d %d\n", (int)getpid(), (int)getpgrp(), (int)getsid(0), pdeath, fcntl(5, F_GETFD) >= 0) ;
  return write(1, buf, len) == len ? 0 : 111 ;
}

 /* Runs "lib-spawn ids" through sp_spawn with attr; its stdout is a pipe. */
static int spawn_ids (char const *self, sp_spawnattr *attr, int *v)
{
  char buf[128] ;
  char const *cargv[3] = { self, "ids", 0 } ;
  int p[2] ;
  ssize_t len = 0, r ;
  pid_t pid ;
  if (pipe2(p, O_CLOEXEC) < 0) return -1 ;
  attr->fds[attr->nfds++] = (sp_spawnfd){ .from = p[1], .to = 1 } ;
  pid = sp_spawn(self, cargv, (char const *const *)environ, attr) ;
  close(p[1]) ;
  while ((r = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0) len += r ;
  close(p[0]) ;
  buf[len] = 0 ;
  if (pid < 0) return -1 ;
  reap(pid) ;
  return sscanf(buf, "%d %d %d %d %d", v, v + 1, v + 2, v + 3, v + 4) == 5 ? 0 : -1 ;
}

static void spawn_attrs (char const *self)
{
  int v[5] ;
  int fd5 ;
  {
    sp_spawnattr a = SP_SPAWNATTR_ZERO ;
    ok(!spawn_ids(self, &a, v) && v[1] == getpgrp() && v[2] == getsid(0) && v[3] == 0 && !a.failed,
      "sp_spawn, no flags: our group and session, no parent death signal (%d %d %d %d)", v[1], v[2], v[3], v[4]) ;
  }
  {
    sp_spawnattr a = SP_SPAWNATTR_ZERO ;
    a.flags = SP_SPAWN_SETPGID ;
    ok(!spawn_ids(self, &a, v) && v[1] == v[0] && v[2] == getsid(0), "SP_SPAWN_SETPGID: a group of its own, our session (%d %d %d)", v[0], v[1], v[2]) ;
  }
  {
    sp_spawnattr a = SP_SPAWNATTR_ZERO ;
    a.flags = SP_SPAWN_SETSID | SP_SPAWN_SETPGID ;
    ok(!spawn_ids(self, &a, v) && v[1] == v[0] && v[2] == v[0], "SP_SPAWN_SETSID: a session and a group of its own (%d %d %d)", v[0], v[1], v[2]) ;
  }
  {
    sp_spawnattr a = SP_SPAWNATTR_ZERO ;
    a.pdeathsig = SIGUSR2 ;
    ok(!spawn_ids(self, &a, v) && v[3] == SIGUSR2, "pdeathsig: the child's parent death signal is SIGUSR2 (%d)", v[3]) ;
  }
  fd5 = dup2(open("/dev/null", O_RDONLY | O_CLOEXEC), 5) ;
  fcntl(5, F_SETFD, FD_CLOEXEC) ;
  {
    sp_spawnattr a = SP_SPAWNATTR_ZERO ;
    ok(fd5 == 5 && !spawn_ids(self, &a, v) && !v[4], "a close-on-exec fd 5 is closed in the child") ;
  }
  {
    sp_spawnattr a = SP_SPAWNATTR_ZERO ;
    a.fds[a.nfds++] = (sp_spawnfd){ .from = 5, .to = 5 } ;
    ok(!spawn_ids(self, &a, v) && v[4] && fcntl(5, F_GETFD) == FD_CLOEXEC, "fds { 5, 5 }: fd 5 kept open in the child only") ;
  }
  close(5) ;
  {
    sp_spawnattr a = SP_SPAWNATTR_ZERO ;
    char const *argv[2] = { "true", 0 } ;
    pid_t pid ;
    a.fds[a.nfds++] = (sp_spawnfd){ .from = 5, .to = 7 } ;
    errno = 0 ;
    pid = sp_spawn("true", argv, (char const *const *)environ, &a) ;
    ok(pid == -1 && errno == EBADF && a.failed && !strcmp(a.failed, "set up descriptors"),
      "a closed fd to move: -1 EBADF, failed = \"%s\" (errno %d)", a.failed ? a.failed : "(null)", errno) ;
  }
  {
    sp_spawnattr a = SP_SPAWNATTR_ZERO ;
    char const *argv[2] = { "true", 0 } ;
    pid_t pid ;
    a.flags = SP_SPAWN_NOPATH ;
    errno = 0 ;
    pid = sp_spawn("true", argv, (char const *const *)environ, &a) ;
    ok(pid == -1 && errno == ENOENT && !a.failed, "SP_SPAWN_NOPATH: \"true\" is not searched in PATH: -1 ENOENT, no setup step failed (errno %d)", errno) ;
  }
}

 /* The helper, run as "lib-spawn fg": its process group, and the
    foreground group of the terminal on its stdin. */
static int fg (void)
{
  char buf[64] ;
  int len = snprintf(buf, sizeof(buf), "%d %d\n", (int)getpgrp(), (int)tcgetpgrp(0)) ;
  return write(1, buf, len) == len ? 0 : 111 ;
}

 /* In a forked process that leads a new session, a new terminal its
    controlling one: sp_spawn "lib-spawn fg" with flags (attr.tty the
    terminal, or -1 with badtty), its stdin the terminal. What it saw,
    and how sp_spawn ended, come back as "pgid fg errno failed". */
static void on_terminal (char const *self, unsigned int flags, int badtty, int out)
{
  char buf[64] ;
  char const *cargv[3] = { self, "fg", 0 } ;
  sp_spawnattr a = SP_SPAWNATTR_ZERO ;
  int m, t, p[2], v[2] = { 0, 0 }, e ;
  ssize_t len = 0, r ;
  pid_t pid ;
  /* not openpty: valgrind does not know its TIOCGPTPEER */
  if (setsid() < 0 || (m = posix_openpt(O_RDWR | O_NOCTTY)) < 0 || grantpt(m) < 0 || unlockpt(m) < 0) _exit(111) ;
  if ((t = open(ptsname(m), O_RDWR | O_NOCTTY)) < 0 || ioctl(t, TIOCSCTTY, 0) < 0 || pipe2(p, O_CLOEXEC) < 0) _exit(111) ;
  a.flags = flags ;
  a.tty = badtty ? -1 : t ;
  a.fds[a.nfds++] = (sp_spawnfd){ .from = t, .to = 0 } ;
  a.fds[a.nfds++] = (sp_spawnfd){ .from = p[1], .to = 1 } ;
  pid = sp_spawn(self, cargv, (char const *const *)environ, &a) ;
  e = pid < 0 ? errno : 0 ;
  close(p[1]) ;
  while ((r = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0) len += r ;
  buf[len] = 0 ;
  if (pid > 0) reap(pid) ;
  sscanf(buf, "%d %d", v, v + 1) ;
  dprintf(out, "%d %d %d %s\n", v[0], v[1], e, a.failed ? a.failed : "-") ;
  _exit(0) ;
}

static int terminal_case (char const *self, unsigned int flags, int badtty, int *v, char *failed, size_t max)
{
  char buf[160] ;
  int p[2], n = 0 ;
  ssize_t len = 0, r ;
  pid_t pid ;
  if (pipe(p) < 0 || (pid = fork()) < 0) return -1 ;
  if (!pid) { close(p[0]) ; on_terminal(self, flags, badtty, p[1]) ; }
  close(p[1]) ;
  while ((r = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0) len += r ;
  close(p[0]) ;
  buf[len] = 0 ;
  reap(pid) ;
  if (sscanf(buf, "%d %d %d %n", v, v + 1, v + 2, &n) < 3 || !n) return -1 ;
  snprintf(failed, max, "%.*s", (int)strcspn(buf + n, "\n"), buf + n) ;
  return 0 ;
}

static void spawn_foreground (char const *self)
{
  int v[3] ;
  char failed[64] ;
  ok(!terminal_case(self, SP_SPAWN_SETPGID | SP_SPAWN_FOREGROUND, 0, v, failed, sizeof(failed)) && v[0] > 0 && v[1] == v[0],
    "SP_SPAWN_FOREGROUND: the child's new group is the terminal's foreground group when it runs (%d %d)", v[0], v[1]) ;
  ok(!terminal_case(self, SP_SPAWN_SETPGID, 0, v, failed, sizeof(failed)) && v[0] > 0 && v[1] > 0 && v[1] != v[0],
    "without it, SP_SPAWN_SETPGID leaves the terminal to the caller's group (%d %d)", v[0], v[1]) ;
  ok(!terminal_case(self, SP_SPAWN_SETPGID | SP_SPAWN_FOREGROUND, 1, v, failed, sizeof(failed)) && v[2] == EBADF
     && !strcmp(failed, "give the terminal to the process group"),
    "SP_SPAWN_FOREGROUND with no terminal (tty -1): -1 EBADF, failed = \"%s\" (errno %d)", failed, v[2]) ;
}

static int no_children_left (void)
{
  return waitpid(-1, 0, WNOHANG) == -1 && errno == ECHILD ;
}

static int spawn_errno (char const *prog)
{
  char const *argv[2] = { prog, 0 } ;
  errno = 0 ;
  return sp_spawn(prog, argv, (char const *const *)environ, 0) == -1 ? errno : 0 ;
}

static void spawn_errors (void)
{
  char const *argv[2] = { 0, 0 } ;
  char tmpl[] = "/tmp/lib-spawn.XXXXXX" ;
  int fd, e ;
  pid_t pid ;

  e = spawn_errno("/nonexistent/program") ;
  ok(e == ENOENT, "sp_spawn(/nonexistent/program): -1 ENOENT (errno %d)", e) ;
  e = spawn_errno("sp-no-such-program-anywhere") ;
  ok(e == ENOENT, "sp_spawn of a name not in PATH: -1 ENOENT (errno %d)", e) ;

  fd = mkstemp(tmpl) ;
  if (fd < 0 || write(fd, "#!/bin/sh\nexit 0\n", 17) != 17 || fchmod(fd, 0644) < 0) ok(0, "mkstemp: %s", strerror(errno)) ;
  else
  {
    close(fd) ;
    e = spawn_errno(tmpl) ;
    ok(e == EACCES, "sp_spawn of a file without x permission: -1 EACCES (errno %d)", e) ;
    unlink(tmpl) ;
  }
  e = spawn_errno("/tmp") ;
  ok(e == EACCES, "sp_spawn of a directory: -1 EACCES (errno %d)", e) ;

  ok(no_children_left(), "the failed children were reaped") ;

  argv[0] = "true" ;
  pid = sp_spawn("true", argv, (char const *const *)environ, 0) ;
  {
    int wstat = pid > 0 ? reap(pid) : -1 ;
    ok(pid > 0 && WIFEXITED(wstat) && !WEXITSTATUS(wstat), "sp_spawn(true) with a PATH search: a pid, exit 0") ;
  }
}

 /* A script with no #! line: the kernel says ENOEXEC, and sp_spawn runs
    it with /bin/sh as execvp does, arguments and all; by its path, and
    through a PATH search. */

static int spawn_wait (char const *file, char const *const *argv)
{
  pid_t pid = sp_spawn(file, argv, (char const *const *)environ, 0) ;
  int wstat = pid > 0 ? reap(pid) : -1 ;
  return pid > 0 && WIFEXITED(wstat) ? WEXITSTATUS(wstat) : -1 ;
}

static void spawn_noshebang (void)
{
  char dir[] = "/tmp/lib-spawn-sh.XXXXXX" ;
  char path[64], pathenv[4096] ;
  char const *oldpath = getenv("PATH") ;
  static char const body[] = "test \"$1 $2\" = \"a b c\" && test $# = 2 && exit 7\nexit 1\n" ;
  int fd, code ;
  if (!mkdtemp(dir)) { ok(0, "mkdtemp: %s", strerror(errno)) ; return ; }
  snprintf(path, sizeof(path), "%s/noshebang", dir) ;
  fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0755) ;
  if (fd < 0 || write(fd, body, sizeof(body) - 1) != (ssize_t)sizeof(body) - 1) { ok(0, "write %s: %s", path, strerror(errno)) ; return ; }
  close(fd) ;
  {
    char const *argv[4] = { path, "a", "b c", 0 } ;
    code = spawn_wait(path, argv) ;
    ok(code == 7, "sp_spawn of a script with no #! line: run by /bin/sh with its arguments, exit 7 (%d)", code) ;
  }
  snprintf(pathenv, sizeof(pathenv), "/nonexistent:%s:%s", dir, oldpath ? oldpath : "/usr/bin:/bin") ;
  if (setenv("PATH", pathenv, 1) < 0) ok(0, "setenv PATH: %s", strerror(errno)) ;
  else
  {
    char const *argv[4] = { "noshebang", "a", "b c", 0 } ;
    code = spawn_wait("noshebang", argv) ;
    ok(code == 7, "the same found through a PATH search: exit 7 (%d)", code) ;
    if (oldpath) setenv("PATH", oldpath, 1) ; else unsetenv("PATH") ;
  }
  unlink(path) ;
  rmdir(dir) ;
}

 /*
    The race: a signal sent to a child between vfork and exec must not
    run our handler there (it would run on the caller's memory), nor
    write into our pipe. A sender kills the
    whole process group with RTMIN+2 (queued: one per kill, never
    merged) while we spawn children as fast as we can. Each kill gives
    us exactly one record; the children and the sender ignore RTMIN+2
    (the original disposition). A child running our handler would write
    an extra record into the shared pipe.
    Every other kill is RTMIN+6, trapped and SIG_DFL before: the child
    keeps our handler until its exec resets it, so a delivery before
    the exec reaches our handler there, which must take the default
    action (the child dies, as it would after the exec) and write
    nothing. The sender blocks it.
 */
static void hammer (int nchildren)
{
  int stop[2], result[2] ;
  int sent[2] = { -1, -1 }, n = 0, extra = 0, rt = 0, rt6 = 0, bad = 0, spawned = 0 ;
  pid_t sender, parent = getpid() ;
  char const *argv[2] = { "true", 0 } ;
  sp_info info ;
  if (pipe(stop) < 0 || pipe(result) < 0) { perror("pipe") ; exit(111) ; }
  sender = sp_fork() ;
  if (!sender)
  {
    char c ;
    int count[2] = { 0, 0 } ;
    unsigned int k = 0 ;
    sigset_t rt6set ;
    sigemptyset(&rt6set) ;
    sigaddset(&rt6set, SIGRTMIN + 6) ;
    sigprocmask(SIG_BLOCK, &rt6set, 0) ;
    close(stop[1]) ; close(result[0]) ;
    fcntl(stop[0], F_SETFL, O_NONBLOCK) ;
    while (read(stop[0], &c, 1) < 0 && errno == EAGAIN)
    {
      k ^= 1 ;
      if (!kill(-getpgrp(), k ? SIGRTMIN + 6 : SIGRTMIN + 2)) count[k]++ ;
      sleep_ms(0) ;
      { struct timespec ts = { 0, 200000 } ; nanosleep(&ts, 0) ; }
    }
    _exit(write(result[1], count, sizeof(count)) != sizeof(count)) ;
  }
  close(stop[0]) ; close(result[1]) ;
  for (int i = 0 ; i < nchildren ; i++)
  {
    /* every other one with a setup step between the fork and the exec */
    sp_spawnattr a = SP_SPAWNATTR_ZERO ;
    pid_t pid ;
    if (i & 1) a.flags = SP_SPAWN_SETPGID ;
    pid = sp_spawn("true", argv, (char const *const *)environ, &a) ;
    if (pid > 0) { spawned++ ; reap(pid) ; }
     /* keep the pipe from filling up */
    while (sp_read(&info) == 1)
    {
      n++ ;
      if (info.lost) bad++ ;
      else if (info.sig == SIGRTMIN + 2) { rt++ ; if (info.pid != sender) extra++ ; }
      else if (info.sig == SIGRTMIN + 6) { rt6++ ; if (info.pid != sender) extra++ ; }
    }
  }
  close(stop[1]) ;
  if (read(result[0], sent, sizeof(sent)) != sizeof(sent)) sent[0] = sent[1] = -1 ;
  close(result[0]) ;
  reap(sender) ;  /* every signal it sent is delivered to us by now */
  while (sp_read(&info) == 1)
  {
    n++ ;
    if (info.lost) bad++ ;
    else if (info.sig == SIGRTMIN + 2) { rt++ ; if (info.pid != sender) extra++ ; }
  }
  ok(spawned == nchildren, "hammer: spawned %d children", spawned) ;
  ok(sent[0] > 0 && sent[1] > 0, "hammer: the sender killed the process group %d times with RTMIN+2, %d with RTMIN+6", sent[0], sent[1]) ;
  ok(rt == sent[0] && rt6 == sent[1] && !extra && !bad, "hammer: exactly one record per kill, all from the sender (RTMIN+2: %d records for %d kills, RTMIN+6: %d for %d, %d from others, %d loss reports)", rt, sent[0], rt6, sent[1], extra, bad) ;
  (void)parent ;
}

int main (int argc, char const *const *argv)
{
  int const trapped[] = { SIGUSR1, SIGUSR2, SIGTERM, SIGHUP, SIGINT, SIGCHLD, SIGRTMIN + 2, SIGRTMIN + 5, SIGRTMIN + 6, 0 } ;
  sigset_t set = sigset_of(trapped), blocked ;
  state orig, now ;

  if (argc > 1 && !strcmp(argv[1], "report")) return report() ;
  if (argc > 1 && !strcmp(argv[1], "ids")) return ids() ;
  if (argc > 1 && !strcmp(argv[1], "fg")) return fg() ;

   /* our own process group: the hammer kills it as a whole */
  if (setpgid(0, 0) < 0) { perror("setpgid") ; return 111 ; }

   /* original state: USR1 and PIPE and RTMIN+2 ignored, TERM HUP and
      RTMIN+5 blocked, QUIT blocked and not trapped */
  signal(SIGUSR1, SIG_IGN) ;
  signal(SIGPIPE, SIG_IGN) ;
  signal(SIGRTMIN + 2, SIG_IGN) ;
  sigemptyset(&blocked) ;
  sigaddset(&blocked, SIGTERM) ; sigaddset(&blocked, SIGHUP) ; sigaddset(&blocked, SIGRTMIN + 5) ; sigaddset(&blocked, SIGQUIT) ;
  sigprocmask(SIG_SETMASK, &blocked, 0) ;
  api_state(&orig) ;

  if (sp_init(&set) < 0) { perror("sp_init") ; return 111 ; }
  api_state(&now) ;
  ok(now.blk != orig.blk && now.cgt != orig.cgt, "sp_init changed the mask and the dispositions (the test means something)") ;

   /* sp_fork: the child looks at itself through the API */
  {
    int p[2] ;
    state child = { 0 } ;
    pid_t pid ;
    int wfd = -1 ;
    for (int fd = 0 ; fd < 64 ; fd++)
    {
      struct stat a, b ;
      if (fd != sp_fd() && !fstat(fd, &a) && !fstat(sp_fd(), &b) && a.st_ino == b.st_ino && a.st_dev == b.st_dev) wfd = fd ;
    }
    if (pipe(p) < 0) { perror("pipe") ; return 111 ; }
    pid = sp_fork() ;
    if (!pid)
    {
      close(p[0]) ;
      api_state(&child) ;
      child.spfd = sp_fd() ;
      child.pipe_open = fcntl(sp_fd() >= 0 ? sp_fd() : 1000, F_GETFD) >= 0 || (wfd >= 0 && fcntl(wfd, F_GETFD) >= 0) ;
      _exit(write(p[1], &child, sizeof(child)) != sizeof(child)) ;
    }
    close(p[1]) ;
    {
      int fdnow = sp_fd() ;
      child.spfd = 0 ;
      ok(pid > 0 && read(p[0], &child, sizeof(child)) == sizeof(child), "sp_fork: the child reported") ;
      close(p[0]) ;
      reap(pid) ;
      ok(child.blk == orig.blk, "sp_fork: the child's mask is the original one (%llx, want %llx)", child.blk, orig.blk) ;
      ok(child.ign == orig.ign, "sp_fork: the child's ignored set is the original one (%llx, want %llx)", child.ign, orig.ign) ;
      ok(child.cgt == orig.cgt, "sp_fork: the child has the original handlers, not ours (%llx, want %llx)", child.cgt, orig.cgt) ;
      ok(child.spfd == -1 && !child.pipe_open && wfd >= 0, "sp_fork: the child has no self-pipe (fds %d %d closed)", fdnow, wfd) ;
      api_state(&child) ;
      ok(child.blk == now.blk && child.cgt == now.cgt, "sp_fork: the parent's state did not change") ;
    }
  }

   /* sp_spawn: the exec'd child looks at itself through /proc */
  {
    int p[2] ;
    char buf[4096] ;
    char const *cargv[3] = { argv[0], "report", 0 } ;
    char fds[MAXFD], childfds[MAXFD] = { 0 } ;
    char fdlist[256], childfdlist[256] ;
    int toobig = 0 ;
    unsigned long long blk = 0, ign = 0 ;
    ssize_t len = 0, r ;
    pid_t pid ;
    int wstat ;
    if (pipe2(p, O_CLOEXEC) < 0) { perror("pipe2") ; return 111 ; }
    inheritable_fds(fds) ;
    fds[1] = 1 ;
    {
      sp_spawnattr a = SP_SPAWNATTR_ZERO ;
      a.fds[a.nfds++] = (sp_spawnfd){ .from = p[1], .to = 1 } ;
      pid = sp_spawn(argv[0], cargv, (char const *const *)environ, &a) ;
    }
    close(p[1]) ;
    while ((r = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0) len += r ;
    close(p[0]) ;
    buf[len] = 0 ;
    wstat = pid > 0 ? reap(pid) : -1 ;
    ok(pid > 0 && WIFEXITED(wstat) && !WEXITSTATUS(wstat) && len > 0, "sp_spawn: the helper ran and reported: %.*s", (int)(len ? len - 1 : 0), buf) ;
    {
      char *s = buf, *end ;
      blk = strtoull(s, &end, 16) ; s = end ;
      ign = strtoull(s, &end, 16) ; s = end ;
      for (;;)
      {
        long fd = strtol(s, &end, 10) ;
        if (end == s) break ;
        if (fd >= 0 && fd < MAXFD) childfds[fd] = 1 ; else toobig = 1 ;
        s = end ;
      }
    }
    ok((blk & ~FOREIGN_BITS) == (orig.blk & ~FOREIGN_BITS), "sp_spawn: SigBlk in the child is the original mask (%llx, want %llx)", blk, orig.blk) ;
    ok((ign & ~FOREIGN_BITS) == (orig.ign & ~FOREIGN_BITS), "sp_spawn: SigIgn in the child is the original ignored set (%llx, want %llx)", ign, orig.ign) ;
    fmt_fds(fds, fdlist, sizeof(fdlist)) ;
    fmt_fds(childfds, childfdlist, sizeof(childfdlist)) ;
    ok(!toobig && !memcmp(fds, childfds, MAXFD), "sp_spawn: the child has no extra fds (has%s, want%s)", childfdlist, fdlist) ;
  }

  spawn_errors() ;
  spawn_noshebang() ;
  spawn_attrs(argv[0]) ;
  spawn_foreground(argv[0]) ;
  hammer(under_valgrind() ? 40 : 300) ;

  sp_finish() ;
  return tap_done() ;
}
