/* ISC license. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "sprun.h"

 /*
    The log queue. fd 2 is shared with the child, so it is never made
    nonblocking: lines wait here, whole, and are written only when fd 2
    polls writable, at most PIPE_BUF bytes at a time, so a slow or
    stalled logger never holds up a forward or the exit. When the queue
    is full and fd 2 takes nothing more without blocking, lines are
    dropped and counted, and the count is logged once
    the queue has drained. The last WARN_ROOM bytes only take warnings:
    a flood of info lines cannot crowd out a SIGKILL or a loss report.
    A line is text ("selfpipe-run: info: msg") or, with -o json, one
    JSON object with the same msg and the event's fields.
 */

#define QUEUE_MAX 65536
#define WARN_ROOM 8192
#define MSG_MAX 1000
#define FIELDS_MAX 2048
#define JSON_MAX (MSG_MAX * 6 + FIELDS_MAX + 256)

static char queue[QUEUE_MAX] SPRUN_COLD ;
static size_t qlen = 0 ;
static unsigned long dropped = 0 ;
static unsigned int verbosity = 1 ;
static int stamped = 0 ;
static int json = 0 ;
static int dead = 0 ;       /* fd 2 is closed or broken: log nothing more */
static int istty = 0 ;

 /* the level 3 is the runner's fatal line, which every verbosity prints */
static char const *const levelname[4] = { "warning", "info", "debug", "fatal" } ;
#define FATAL 3

 /* in the order of enum sprun_logev_e */
static char const *const evname[] =
{
  "signal", "forward", "gate", "hold", "stop", "kill", "spawn", "exit", "job",
  "follow", "upgrade", "notify", "ready", "reload", "watchdog", "rollout", "log", "fatal"
} ;

void sprun_log_init (unsigned int v, int stamp, int j)
{
  verbosity = v ;
  stamped = stamp ;
  json = j ;
  dead = fcntl(2, F_GETFD) < 0 ;
  istty = !dead && isatty(2) ;
}

int sprun_log_wants (int level)
{
  return !dead && (unsigned int)level <= verbosity ;
}

int sprun_log_json (void)
{
  return json ;
}

static void enqueue (char const *line, size_t len, int level)
{
  size_t room = level == SPRUN_WARN ? QUEUE_MAX : QUEUE_MAX - WARN_ROOM ;
   /* a burst read from the pipe at once can fill the queue while fd 2
      would take it all (a file always does): drop only what it refuses */
  if (qlen + len > room) sprun_log_flush_nowait() ;
  if (qlen + len > room) { dropped++ ; return ; }
  memcpy(queue + qlen, line, len) ;
  qlen += len ;
}

 /* One whole line, text or JSON, into line; returns its length. */

static size_t text_line (char *line, int level, char const *msg, size_t len)
{
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
  /* PROG: selfpipe-run, or selfpipe-gen, which shares this code */
  memcpy(line + n, PROG, strlen(PROG)) ; n += strlen(PROG) ;
  memcpy(line + n, ": ", 2) ; n += 2 ;
  memcpy(line + n, levelname[level], strlen(levelname[level])) ; n += strlen(levelname[level]) ;
  memcpy(line + n, ": ", 2) ; n += 2 ;
  memcpy(line + n, msg, len) ; n += len ;
  line[n++] = '\n' ;
  return n ;
}

static size_t json_line (char *line, int level, enum sprun_logev_e ev, char const *msg, size_t len, char const *fields, size_t flen, unsigned long repeats)
{
  size_t max = JSON_MAX - 2 ;
  size_t n = 0 ;
  char t[TIMESTAMP > SPRUN_JSON_TIME_MAX ? TIMESTAMP + 1 : SPRUN_JSON_TIME_MAX] ;
  tain now ;
  if (stamped) t[tain_wallclock_read(&now) ? timestamp_fmt(t, &now) : 0] = 0 ;
  else sprun_json_time(t) ;
  line[n++] = '{' ;
  n = sprun_json_strfield(line, n, max, "time", t) ;
  n = sprun_json_strfield(line, n, max, "prog", PROG) ;
  n = sprun_json_strfield(line, n, max, "level", levelname[level]) ;
  n = sprun_json_strfield(line, n, max, "event", evname[ev]) ;
  memcpy(line + n, fields, flen) ; n += flen ;
  if (repeats) n = sprun_json_intfield(line, n, max, "repeated", (long long)repeats) ;
  n = sprun_json_key(line, n, max, "msg") ;
  n = sprun_json_str(line, n, max, msg, len) ;
  line[n++] = '}' ;
  line[n++] = '\n' ;
  return n ;
}

static void emit (int level, enum sprun_logev_e ev, char const *msg, size_t len, char const *fields, size_t flen, unsigned long repeats)
{
  char line[JSON_MAX] ;
  char words[MSG_MAX + 36 + ULONG_FMT] ;
  size_t n ;
  if (repeats)
  {
    memcpy(words, msg, len) ;
    memcpy(words + len, " (repeated ", 11) ; len += 11 ;
    len += ulong_fmt(words + len, repeats) ;
    memcpy(words + len, " times)", 7) ; len += 7 ;
    msg = words ;
  }
  n = json ? json_line(line, level, ev, msg, len, fields, flen, repeats) : text_line(line, level, msg, len) ;
  enqueue(line, n, level) ;
}

 /* At -v 1, the same info line again and again (a burst from one
    sender) is counted instead of queued: at the end of the burst, or
    before another line, the same line comes once more, ending with
    " (repeated N times)", N being how many times it came after the
    first one. */

static struct
{
  enum sprun_logev_e ev ;
  size_t len, flen ;
  unsigned long repeats ;
  char msg[MSG_MAX + 4] ;
  char fields[FIELDS_MAX] ;
} last SPRUN_COLD ;

void sprun_log_endburst (void)
{
  if (last.repeats) emit(SPRUN_INFO, last.ev, last.msg, last.len, last.fields, last.flen, last.repeats) ;
  last.repeats = 0 ;
  last.len = 0 ;
}

 /* msg: the line's words; fields: the JSON members that follow "event",
    each with its leading comma, or nothing */

void sprun_log_line (int level, enum sprun_logev_e ev, char const *msg, size_t len, char const *fields, size_t flen)
{
  int counted = verbosity == 1 && level == SPRUN_INFO ;
  if (!sprun_log_wants(level)) return ;
  if (flen > FIELDS_MAX) flen = 0 ;
  if (len > MSG_MAX + 3) len = MSG_MAX + 3 ;
  if (counted && last.len && ev == last.ev && len == last.len && !memcmp(msg, last.msg, len))
  {
    last.repeats++ ;
    return ;
  }
  sprun_log_endburst() ;
  emit(level, ev, msg, len, fields, flen, 0) ;
  if (counted)
  {
    last.ev = ev ;
    memcpy(last.msg, msg, len) ; last.len = len ;
    memcpy(last.fields, fields, flen) ; last.flen = flen ;
  }
}

 /* The words of a line: newlines become spaces, and a line too long
    ends with "..." */

static size_t words (char *msg, char const *const *v, unsigned int n)
{
  size_t len = 0 ;
  for (unsigned int i = 0 ; i < n ; i++)
    for (char const *s = v[i] ; *s && len < MSG_MAX ; s++)
      msg[len++] = *s == '\n' ? ' ' : *s ;
  if (len >= MSG_MAX) { memcpy(msg + len, "...", 3) ; len += 3 ; }
  return len ;
}

void sprun_logv (int level, enum sprun_logev_e ev, char const *const *v, unsigned int n)
{
  char msg[MSG_MAX + 4] ;
  if (!sprun_log_wants(level)) return ;
  sprun_log_line(level, ev, msg, words(msg, v, n), "", 0) ;
}

int sprun_log_pending (void)
{
  return !dead && qlen ;
}

 /* One write of whole lines, at most PIPE_BUF bytes: fd 2 has polled
    writable, or the write is one that cannot wait (nowait), so this
    does not block. A terminal in the background with tostop would
    answer with SIGTTOU: blocking it makes the write go through, which
    is what the default disposition would do. Returns 0 when fd 2 would
    have blocked, -1 when a write that cannot wait is not supported
    there, 1 otherwise. */

static int write_some (int nowait)
{
  size_t n = qlen > PIPE_BUF ? PIPE_BUF : qlen ;
  ssize_t r ;
  sigset_t ttou, old ;
  if (dead || !qlen) return 1 ;
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
  if (nowait)
  {
#ifdef RWF_NOWAIT
    struct iovec v = { .iov_base = queue, .iov_len = n } ;
    r = pwritev2(2, &v, 1, -1, RWF_NOWAIT) ;
#else
    /* a libc without it: poll first, always */
    r = -1 ; errno = ENOSYS ;
#endif
  }
  else r = write(2, queue, n) ;
  if (istty) sigprocmask(SIG_SETMASK, &old, 0) ;
  if (r < 0)
  {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0 ;
    if (nowait && (errno == EOPNOTSUPP || errno == EINVAL || errno == ENOSYS)) return -1 ;
    if (errno == EINTR) return 1 ;
    dead = 1 ; qlen = 0 ;
    return 1 ;
  }
  memmove(queue, queue + r, qlen - (size_t)r) ;
  qlen -= (size_t)r ;
  if (!qlen && dropped)
  {
    char fmt[ULONG_FMT] ;
    fmt[ulong_fmt(fmt, dropped)] = 0 ;
    dropped = 0 ;
    sprun_log(SPRUN_WARN, SPRUN_LE_LOG, fmt, " lines lost") ;
  }
  return 1 ;
}

void sprun_log_write (void)
{
  write_some(0) ;
}

 /* Whatever fd 2 takes right now, nothing more. A pipe (what a
    supervisor's logger gives) takes a write that cannot wait
    (RWF_NOWAIT), which saves asking poll() first; a terminal or a file
    that does not is asked, from then on. */

void sprun_log_flush_nowait (void)
{
  static int nowait = 1 ;
  while (sprun_log_pending())
  {
    size_t before = qlen ;
    int r = nowait ? write_some(1) : -1 ;
    if (!r) break ;
    if (r < 0)
    {
      struct pollfd x = { .fd = 2, .events = POLLOUT, .revents = 0 } ;
      nowait = 0 ;
      if (poll(&x, 1, 0) <= 0 || !(x.revents & POLLOUT)) break ;
      write_some(0) ;
    }
    if (qlen >= before && !dead) break ;
  }
}

 /* The runner's last line, after what the queue holds and fd 2 takes
    now: written whole and waited for, as strerr_die would, in the
    chosen format. err: the errno that made it fail, 0 if none. */

void sprun_die (int code, int err, char const *const *v, unsigned int n)
{
  char msg[MSG_MAX + 4] ;
  char fields[128] ;
  char line[JSON_MAX] ;
  size_t len = words(msg, v, n), flen = 0, m ;
  if (err && len < MSG_MAX)
  {
    char const *e = strerror(err) ;
    size_t k = strlen(e) ;
    if (k > MSG_MAX - len) k = MSG_MAX - len ;
    memcpy(msg + len, ": ", 2) ; memcpy(msg + len + 2, e, k) ; len += 2 + k ;
    flen = sprun_json_strfield(fields, 0, sizeof(fields) - 32, "error", e) ;
  }
  flen = sprun_json_intfield(fields, flen, sizeof(fields), "exit", code) ;
  sprun_log_endburst() ;
  sprun_log_flush_nowait() ;
  if (dead) _exit(code) ;
  m = json ? json_line(line, FATAL, SPRUN_LE_FATAL, msg, len, fields, flen, 0) : text_line(line, FATAL, msg, len) ;
  for (size_t w = 0 ; w < m ;)
  {
    ssize_t r = write(2, line + w, m - w) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r <= 0) break ;
    w += (size_t)r ;
  }
  _exit(code) ;
}
