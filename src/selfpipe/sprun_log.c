/* ISC license. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "sprun.h"

 /*
    The log queue. fd 2 is shared with the child, so it is never made
    nonblocking: lines wait here, whole, and are written only when fd 2
    polls writable, at most PIPE_BUF bytes at a time, so a slow or
    stalled logger never holds up a forward or the exit. When the queue
    is full, lines are dropped and counted, and the count is logged once
    the queue has drained. The last WARN_ROOM bytes only take warnings:
    a flood of info lines cannot crowd out a SIGKILL or a loss report.
 */

#define QUEUE_MAX 65536
#define WARN_ROOM 8192
#define LINE_MAX_ 1024

static char queue[QUEUE_MAX] ;
static size_t qlen = 0 ;
static unsigned long dropped = 0 ;
static unsigned int verbosity = 1 ;
static int stamped = 0 ;
static int dead = 0 ;       /* fd 2 is closed or broken: log nothing more */
static int istty = 0 ;

static char const *const levelname[3] = { ": warning: ", ": info: ", ": debug: " } ;

void sprun_log_init (unsigned int v, int stamp)
{
  verbosity = v ;
  stamped = stamp ;
  dead = fcntl(2, F_GETFD) < 0 ;
  istty = !dead && isatty(2) ;
}

int sprun_log_wants (int level)
{
  return !dead && (unsigned int)level <= verbosity ;
}

static void enqueue (char const *line, size_t len, int level)
{
  if (qlen + len > (level == SPRUN_WARN ? QUEUE_MAX : QUEUE_MAX - WARN_ROOM)) { dropped++ ; return ; }
  memcpy(queue + qlen, line, len) ;
  qlen += len ;
}

static void enqueue_stamped (char const *body, size_t len, int level)
{
  char line[TIMESTAMP + 1 + LINE_MAX_ + 32 + ULONG_FMT] ;
  size_t n = 0 ;
  if (stamped)
  {
    tain now ;
    if (tain_wallclock_read(&now))
    {
      n = timestamp_fmt(line, &now) ;
      line[n++] = ' ' ;
    }
  }
  memcpy(line + n, body, len) ;
  enqueue(line, n + len, level) ;
}

 /* At -v 1, the same info line again and again (a burst from one
    sender) is counted instead of queued: at the end of the burst, or
    before another line, the same line comes once more, ending with
    " (repeated N times)", N being how many times it came after the
    first one. */

static char last[LINE_MAX_] ;
static size_t lastlen = 0 ;
static unsigned long repeats = 0 ;

void sprun_log_endburst (void)
{
  if (repeats)
  {
    char line[LINE_MAX_ + 32 + ULONG_FMT] ;
    size_t len = lastlen - 1 ;
    memcpy(line, last, len) ;
    memcpy(line + len, " (repeated ", 11) ; len += 11 ;
    len += ulong_fmt(line + len, repeats) ;
    memcpy(line + len, " times)\n", 8) ; len += 8 ;
    enqueue_stamped(line, len, SPRUN_INFO) ;
    repeats = 0 ;
  }
  lastlen = 0 ;
}

void sprun_logv (int level, char const *const *v, unsigned int n)
{
  char body[LINE_MAX_] ;
  size_t len = 0 ;
  if (!sprun_log_wants(level)) return ;
  memcpy(body, SPRUN_NAME, sizeof(SPRUN_NAME) - 1) ; len += sizeof(SPRUN_NAME) - 1 ;
  {
    size_t m = strlen(levelname[level]) ;
    memcpy(body + len, levelname[level], m) ; len += m ;
  }
  for (unsigned int i = 0 ; i < n ; i++)
  {
    for (char const *s = v[i] ; *s && len < LINE_MAX_ - 4 ; s++)
      body[len++] = *s == '\n' ? ' ' : *s ;
  }
  if (len >= LINE_MAX_ - 4) { memcpy(body + len, "...", 3) ; len += 3 ; }
  body[len++] = '\n' ;
  if (verbosity == 1 && level == SPRUN_INFO && len == lastlen && !memcmp(body, last, len))
  {
    repeats++ ;
    return ;
  }
  sprun_log_endburst() ;
  enqueue_stamped(body, len, level) ;
  if (verbosity == 1 && level == SPRUN_INFO)
  {
    memcpy(last, body, len) ;
    lastlen = len ;
  }
}

int sprun_log_pending (void)
{
  return !dead && qlen ;
}

 /* One write of whole lines, at most PIPE_BUF bytes: fd 2 has polled
    writable, so this does not block. A terminal in the background with
    tostop would answer with SIGTTOU: blocking it makes the write go
    through, which is what the default disposition would do. */

void sprun_log_write (void)
{
  size_t n = qlen > PIPE_BUF ? PIPE_BUF : qlen ;
  ssize_t r ;
  sigset_t ttou, old ;
  if (dead || !qlen) return ;
  if (n < qlen)
  {
    while (n && queue[n-1] != '\n') n-- ;
    if (!n) n = PIPE_BUF ;
  }
  if (istty)
  {
    sigemptyset(&ttou) ;
    sigaddset(&ttou, SIGTTOU) ;
    sigprocmask(SIG_BLOCK, &ttou, &old) ;
  }
  r = write(2, queue, n) ;
  if (istty) sigprocmask(SIG_SETMASK, &old, 0) ;
  if (r < 0)
  {
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) return ;
    dead = 1 ; qlen = 0 ;
    return ;
  }
  memmove(queue, queue + r, qlen - (size_t)r) ;
  qlen -= (size_t)r ;
  if (!qlen && dropped)
  {
    char fmt[ULONG_FMT] ;
    fmt[ulong_fmt(fmt, dropped)] = 0 ;
    dropped = 0 ;
    sprun_log(SPRUN_WARN, fmt, " lines lost") ;
  }
}

 /* At exit: whatever fd 2 takes right now, nothing more. */

void sprun_log_flush_nowait (void)
{
  while (sprun_log_pending())
  {
    struct pollfd x = { .fd = 2, .events = POLLOUT, .revents = 0 } ;
    size_t before = qlen ;
    if (poll(&x, 1, 0) <= 0 || !(x.revents & POLLOUT)) break ;
    sprun_log_write() ;
    if (qlen >= before && !dead) break ;
  }
}
