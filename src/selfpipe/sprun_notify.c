/* ISC license. */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "sprun.h"

 /*
    -N: the sd_notify socket. A datagram socket in the abstract
    namespace, its name unguessable, NOTIFY_SOCKET in the child's
    environment. Anyone in the network namespace could still send to
    it, so each datagram is judged by the kernel's credentials
    (SO_PASSCRED), never by what it says: only the child and its
    descendants are heard. The socket is nonblocking and at most
    TURN_MAX datagrams are read per loop turn, each into one fixed
    buffer: a flood or a huge datagram costs the kernel's socket
    buffer, never the runner's memory, and never holds up a signal.
 */

#define BUF_MAX 4096
#define TURN_MAX 64
#define STATUS_MAX 200
#define LINES_PER_SEC 10

static int sock = -1 ;

int sprun_notify_fd (void)
{
  return sock ;
}

 /* "@selfpipe-run/<pid>/<nanoseconds>": libsystemd reads a leading @ as
    the abstract namespace. A name taken already (by a squatter) is
    tried again with another one. */
static int bind_abstract (int sock, char *name, size_t max)
{
  for (unsigned int i = 0 ; i < 8 ; i++)
  {
    struct sockaddr_un sa = { .sun_family = AF_UNIX } ;
    struct timespec ts ;
    size_t len = 0 ;
    clock_gettime(CLOCK_MONOTONIC, &ts) ;
    size_t pl = strlen(PROG) ;
    if (pl + 2 + PID_FMT + ULONG_FMT >= max) break ;
    name[0] = '@' ; memcpy(name + 1, PROG, pl) ; name[1 + pl] = '/' ; len = pl + 2 ;
    len += pid_fmt(name + len, sprun.self) ;
    name[len++] = '/' ;
    len += ulong_fmt(name + len, (unsigned long)ts.tv_nsec ^ ((unsigned long)ts.tv_sec << 30) ^ (i * 7919UL)) ;
    name[len] = 0 ;
    if (len >= max || len >= sizeof(sa.sun_path)) break ;
    memcpy(sa.sun_path, name, len) ;
    sa.sun_path[0] = 0 ;
    if (bind(sock, (struct sockaddr *)&sa, offsetof(struct sockaddr_un, sun_path) + len) == 0) return 0 ;
    if (errno != EADDRINUSE) return -1 ;
  }
  return (errno = EADDRINUSE, -1) ;
}

 /* A fresh socket, its name in name; -1 with errno, and what failed in
    name. */
int sprun_notify_open (char *name, size_t max)
{
  int one = 1 ;
  int e ;
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) ;
  if (fd < 0) { if (max > 10) strcpy(name, "create") ; return -1 ; }
  if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
  {
    if (max > 20) strcpy(name, "set SO_PASSCRED on") ;
    goto err ;
  }
  if (bind_abstract(fd, name, max) < 0)
  {
    if (max > 10) strcpy(name, "bind") ;
    goto err ;
  }
  return fd ;
 err:
  e = errno ;
  close(fd) ;
  errno = e ;
  return -1 ;
}

 /* selfpipe-gen gives each generation its own socket instead */
void sprun_notify_init (void)
{
  char name[64] ;
  if (!sprun.cfg->notify || sprun_gen_ops) return ;
  sock = sprun_notify_open(name, sizeof(name)) ;
  if (sock < 0) sprun_diefu(111, name, " the notify socket") ;
  if (setenv("NOTIFY_SOCKET", name, 1) < 0) sprun_diefu(111, "set NOTIFY_SOCKET") ;
}

 /* A budget of log lines a second for what senders control (STATUS=,
    drops): a flood costs one line a second, saying how many were not
    logged. */

static struct { tain start ; unsigned int n ; unsigned long quiet ; } budget ;

static int may_say (void)
{
  tain sec ;
  tain_from_millisecs(&sec, 1000) ;
  tain_add(&sec, &budget.start, &sec) ;
  if (!tain_less(&STAMP, &sec))
  {
    if (budget.quiet)
    {
      char fmt[ULONG_FMT] ;
      fmt[ulong_fmt(fmt, budget.quiet)] = 0 ;
      sprun_log(SPRUN_WARN, SPRUN_LE_NOTIFY, "notify: ", fmt, " messages not logged (more than 10 a second)") ;
    }
    budget.start = STAMP ;
    budget.n = 0 ;
    budget.quiet = 0 ;
  }
  if (budget.n < LINES_PER_SEC) { budget.n++ ; return 1 ; }
  budget.quiet++ ;
  return 0 ;
}

 /* STATUS= is the service's text: one line, printable, cut. */
static void status (char const *s, size_t len, char const *pidfmt)
{
  char text[STATUS_MAX + 4] ;
  size_t n = len > STATUS_MAX ? STATUS_MAX : len ;
  for (size_t i = 0 ; i < n ; i++)
    text[i] = (unsigned char)s[i] < 32 || (unsigned char)s[i] >= 127 ? '?' : s[i] ;
  if (n < len) { memcpy(text + n, "...", 3) ; n += 3 ; }
  text[n] = 0 ;
  if (sprun_log_wants(SPRUN_INFO) && may_say())
    sprun_log(SPRUN_INFO, SPRUN_LE_NOTIFY, "notify: STATUS=", text, " from pid ", pidfmt) ;
}

static int is (char const *s, size_t len, char const *key)
{
  size_t n = strlen(key) ;
  return len >= n && !memcmp(s, key, n) ;
}

 /* a decimal value, the whole rest of the line */
static int value (char const *s, size_t len, uint64_t *v)
{
  char buf[24] ;
  size_t n ;
  if (!len || len >= sizeof(buf)) return 0 ;
  memcpy(buf, s, len) ; buf[len] = 0 ;
  n = uint64_scan(buf, v) ;
  return n == len ;
}

 /* One KEY=VALUE line into the notice; what the runner does not know
    is ignored, as systemd does. */
static void line (sprun_notice *m, char const *s, size_t len, char const *pidfmt)
{
  uint64_t v ;
  if (len == 7 && !memcmp(s, "READY=1", 7)) m->ready = 1 ;
  else if (len == 11 && !memcmp(s, "RELOADING=1", 11)) m->reloading = 1 ;
  else if (len == 10 && !memcmp(s, "STOPPING=1", 10)) m->stopping = 1 ;
  else if (len == 10 && !memcmp(s, "WATCHDOG=1", 10)) m->watchdog = 1 ;
  else if (len == 16 && !memcmp(s, "WATCHDOG=trigger", 16)) m->trigger = 1 ;
  else if (is(s, len, "STATUS=")) status(s + 7, len - 7, pidfmt) ;
  else if (is(s, len, "MAINPID=") && value(s + 8, len - 8, &v) && v > 0 && v < (1U << 31)) m->mainpid = (pid_t)v ;
  else if (is(s, len, "ERRNO=") && value(s + 6, len - 6, &v) && v < 4096) m->err = (int)v ;
  else if (is(s, len, "EXTEND_TIMEOUT_USEC=") && value(s + 20, len - 20, &v)) m->extend = v ? v : 1 ;
}

void sprun_notify_parse (sprun_notice *m, char const *buf, size_t len)
{
  char pidfmt[PID_FMT] ;
  pidfmt[pid_fmt(pidfmt, m->pid)] = 0 ;
  while (len)
  {
    char const *nl = memchr(buf, '\n', len) ;
    size_t n = nl ? (size_t)(nl - buf) : len ;
    /* a NUL inside a line: binary, not the protocol */
    if (n && !memchr(buf, 0, n)) line(m, buf, n, pidfmt) ;
    if (!nl) break ;
    buf += n + 1 ; len -= n + 1 ;
  }
}

 /* Descriptors passed along (FDSTORE=1) are not kept: closed at once,
    so a sender cannot fill the runner's table. Returns the sender's
    credentials, or 0. */
static struct ucred const *credentials (struct msghdr *mh)
{
  struct ucred const *cred = 0 ;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(mh) ; c ; c = CMSG_NXTHDR(mh, c))
  {
    if (c->cmsg_level != SOL_SOCKET) continue ;
    if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(struct ucred)))
      cred = (struct ucred const *)CMSG_DATA(c) ;
    else if (c->cmsg_type == SCM_RIGHTS)
    {
      size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) ;
      for (size_t i = 0 ; i < n ; i++)
      {
        int fd ;
        memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int)) ;
        close(fd) ;
      }
    }
  }
  return cred ;
}

static void dropped (char const *why, pid_t pid, uid_t uid, size_t len)
{
  char p[PID_FMT], u[UID_FMT], l[SIZE_FMT] ;
  if (!sprun_log_wants(SPRUN_WARN) || !may_say()) return ;
  p[pid_fmt(p, pid)] = 0 ;
  u[uid_fmt(u, uid)] = 0 ;
  l[size_fmt(l, len)] = 0 ;
  sprun_log(SPRUN_WARN, SPRUN_LE_NOTIFY, "notify: ", l, " bytes from pid ", p, " uid ", u, ": dropped: ", why) ;
}

 /* One datagram from fd into m: 1 with a notice, 0 when there is none
    left, -1 when one was dropped. Heard: from the runner's tree (root
    0: the main process, the child or a descendant of the runner), or
    from root and its descendants. */
int sprun_notify_recv (int fd, sprun_notice *mp, pid_t root)
{
  static char buf[BUF_MAX] SPRUN_COLD ;
  union { struct cmsghdr h ; char c[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(16 * sizeof(int))] ; } ctl ;
  struct iovec v = { .iov_base = buf, .iov_len = sizeof(buf) } ;
  struct msghdr mh = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = ctl.c, .msg_controllen = sizeof(ctl.c) } ;
  struct ucred const *cred ;
  sprun_notice m = { .err = -1 } ;
  /* MSG_TRUNC: the length returned is the datagram's, not what fit */
  ssize_t r = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC) ;
  if (r < 0) return errno == EINTR ? -1 : 0 ;
  cred = credentials(&mh) ;
  if (!cred || cred->pid <= 0) { dropped("no credentials", 0, 0, (size_t)r) ; return -1 ; }
  if (mh.msg_flags & MSG_TRUNC || (size_t)r > sizeof(buf)) { dropped("more than 4096 bytes", cred->pid, cred->uid, (size_t)r) ; return -1 ; }
  m.pid = cred->pid ;
  m.main = m.pid == sprun_target() ;
  if (root ? !sprun_descends(m.pid, root) : !m.main && m.pid != sprun.child && !sprun_descendant(m.pid))
  {
    dropped(root ? "not of the generation's tree" : "not of the service's tree", cred->pid, cred->uid, (size_t)r) ;
    return -1 ;
  }
  sprun_notify_parse(&m, buf, (size_t)r) ;
  *mp = m ;
  return 1 ;
}

void sprun_notify_read (void)
{
  if (sock < 0) return ;
  for (unsigned int i = 0 ; i < TURN_MAX ; i++)
  {
    sprun_notice m ;
    int r = sprun_notify_recv(sock, &m, 0) ;
    if (!r) break ;
    if (r > 0) sprun_ready_notice(&m) ;
  }
}
