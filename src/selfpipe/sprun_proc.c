/* ISC license. */

#include <fcntl.h>
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
