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

 /* The name of pid's program, from /proc/pid/comm, raw bytes,
    NUL-terminated. Returns its length; 0 if /proc would not say; -1 if
    pid is gone. */

ssize_t sprun_proc_name (pid_t pid, char *s, size_t max)
{
  char path[16 + PID_FMT] ;
  ssize_t r ;
  int fd ;
  if (!max) return 0 ;
  s[0] = 0 ;
  memcpy(path, "/proc/", 6) ;
  memcpy(path + 6 + pid_fmt(path + 6, pid), "/comm", 6) ;
  fd = open(path, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) return errno == ENOENT || errno == ESRCH ? -1 : 0 ;
  r = read(fd, s, max - 1) ;
  close(fd) ;
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

 /* The signals pid ignores (SIG_IGN), bit sig-1 for sig, from the
    SigIgn mask of /proc/pid/status; 0 if /proc cannot tell. */

uint64_t sprun_proc_sigign (pid_t pid)
{
  char path[16 + PID_FMT] ;
  char buf[4096] ;
  char const *p ;
  ssize_t r ;
  uint64_t mask = 0 ;
  int fd ;
  memcpy(path, "/proc/", 6) ;
  memcpy(path + 6 + pid_fmt(path + 6, pid), "/status", 8) ;
  fd = open(path, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  r = read(fd, buf, sizeof(buf) - 1) ;
  close(fd) ;
  if (r <= 0) return 0 ;
  buf[r] = 0 ;
  p = strstr(buf, "\nSigIgn:\t") ;
  if (!p || !uint64_xscan(p + 9, &mask)) return 0 ;
  return mask ;
}
