/* ISC license. */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>

#include "sprun.h"

 /* The state letter and the parent of pid, from /proc/pid/stat.
    Returns 0, or -1 if pid is gone or /proc cannot tell. */

int sprun_proc_stat (pid_t pid, char *state, pid_t *ppid)
{
  char path[16 + PID_FMT] ;
  char buf[512] ;
  char *s ;
  ssize_t r ;
  int fd ;
  unsigned int p ;
  memcpy(path, "/proc/", 6) ;
  memcpy(path + 6 + pid_fmt(path + 6, pid), "/stat", 6) ;
  fd = open(path, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) return -1 ;
  r = read(fd, buf, sizeof(buf) - 1) ;
  close(fd) ;
  if (r <= 0) return -1 ;
  buf[r] = 0 ;
  /* "pid (comm) S ppid ...": comm may hold anything, even ") " */
  s = strrchr(buf, ')') ;
  if (!s || !s[1] || !s[2] || !s[3] || !uint_scan(s + 4, &p)) return -1 ;
  if (state) *state = s[2] ;
  if (ppid) *ppid = (pid_t)p ;
  return 0 ;
}

 /* A file of /proc/pid read from its start. The one last opened for
    each name stays open: the senders and the target of a run are few,
    and a read of an open file is one system call where open, read and
    close are three, with a path lookup. An open file stays the process
    it was opened for: once that is gone (ESRCH), the pid may be
    another's, and the path is opened again. */

typedef struct procfile_s procfile ;
struct procfile_s
{
  char const *name ;
  pid_t pid ;
  int fd ;
} ;

static ssize_t proc_read (procfile *f, pid_t pid, char *s, size_t max)
{
  ssize_t r = -1 ;
  if (f->fd >= 0 && f->pid == pid)
  {
    r = pread(f->fd, s, max, 0) ;
    if (r >= 0 || errno != ESRCH) return r ;
  }
  if (f->fd >= 0) { close(f->fd) ; f->fd = -1 ; }
  {
    char path[16 + PID_FMT + 8] ;
    size_t n = 6 ;
    memcpy(path, "/proc/", 6) ;
    n += pid_fmt(path + n, pid) ;
    path[n++] = '/' ;
    memcpy(path + n, f->name, strlen(f->name) + 1) ;
    f->fd = open(path, O_RDONLY | O_CLOEXEC) ;
  }
  if (f->fd < 0)
  {
    if (errno == ENOENT) errno = ESRCH ;
    return -1 ;
  }
  f->pid = pid ;
  return pread(f->fd, s, max, 0) ;
}

 /* The name of pid's program, from /proc/pid/comm, raw bytes,
    NUL-terminated. Returns its length; 0 if /proc would not say; -1 if
    pid is gone. */

ssize_t sprun_proc_name (pid_t pid, char *s, size_t max)
{
  static procfile comm = { .name = "comm", .pid = 0, .fd = -1 } ;
  ssize_t r ;
  if (!max) return 0 ;
  s[0] = 0 ;
  r = proc_read(&comm, pid, s, max - 1) ;
  if (r <= 0) return r < 0 && errno == ESRCH ? -1 : 0 ;
  if (s[r - 1] == '\n') r-- ;
  s[r] = 0 ;
  return r ;
}

 /* The same, for a text log line: control characters become '?'.
    Returns its length, 0 if unknown. */

size_t sprun_proc_comm (pid_t pid, char *s, size_t max)
{
  ssize_t r = sprun_proc_name(pid, s, max) ;
  if (r <= 0) return (max ? s[0] = 0 : 0, 0) ;
  for (ssize_t i = 0 ; i < r ; i++) if ((unsigned char)s[i] < 32 || s[i] == 127) s[i] = '?' ;
  return (size_t)r ;
}

 /* The signals pid ignores (SIG_IGN), bit sig-1 for sig; 0 if /proc
    cannot tell. Signals 1 to 31 (all asks for all) come from
    /proc/pid/stat's sigignore, a third of the cost of /proc/pid/status,
    which the others need (its SigIgn mask). */

static uint64_t from_stat (pid_t pid)
{
  static procfile stat = { .name = "stat", .pid = 0, .fd = -1 } ;
  char buf[1024] ;
  char const *s ;
  uint64_t mask ;
  ssize_t r = proc_read(&stat, pid, buf, sizeof(buf) - 1) ;
  if (r <= 0) return 0 ;
  buf[r] = 0 ;
  /* field 33 is sigignore, and field 3 follows the last ')' */
  s = strrchr(buf, ')') ;
  if (!s) return 0 ;
  for (unsigned int field = 2 ; field < 33 ; field++)
  {
    s = strchr(s + 1, ' ') ;
    if (!s) return 0 ;
  }
  return uint64_scan(s + 1, &mask) ? mask : 0 ;
}

static uint64_t from_status (pid_t pid)
{
  static procfile status = { .name = "status", .pid = 0, .fd = -1 } ;
  char buf[4096] ;
  char const *p ;
  uint64_t mask = 0 ;
  ssize_t r = proc_read(&status, pid, buf, sizeof(buf) - 1) ;
  if (r <= 0) return 0 ;
  buf[r] = 0 ;
  p = strstr(buf, "\nSigIgn:\t") ;
  if (!p || !uint64_xscan(p + 9, &mask)) return 0 ;
  return mask ;
}

uint64_t sprun_proc_sigign (pid_t pid, int all)
{
  return all ? from_status(pid) : from_stat(pid) ;
}
