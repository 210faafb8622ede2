/* ISC license. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <sys/stat.h>

#include <skalibs/types.h>

#include "sprun.h"

 /*
    Reads the pid a pidfile names, without ever blocking or reading
    more than a pid's worth: the file is opened non-blocking (a fifo
    cannot hold the runner), must be a regular file (a symlink to
    /dev/zero is not), and only its first bytes are read.
    Returns 1 with *pid, 0 if the file may still become good (missing,
    empty, being written), -1 if it never will; *why says what is wrong.
 */

#define PIDFILE_MAX 32

static int scan (char const *s, size_t n, pid_t *pid, char const **why)
{
  size_t i = 0, len ;
  unsigned int p ;
  while (i < n && (s[i] == ' ' || s[i] == '\t')) i++ ;
  if (i == n) return (*why = "it is empty", 0) ;
  /* digits only, no sign; a number too big to fit stops the scan early, and the digits left are garbage */
  len = uint_scan(s + i, &p) ;
  if (!len || !p || p > INT_MAX) return (*why = "it does not hold a pid", -1) ;
  for (i += len ; i < n ; i++)
    if (s[i] != '\n' && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
      return (*why = "it does not hold a pid", -1) ;
  *pid = (pid_t)p ;
  return 1 ;
}

int sprun_pidfile_read (char const *path, pid_t *pid, char const **why)
{
  char buf[PIDFILE_MAX + 1] ;
  struct stat st ;
  ssize_t r ;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) ;
  if (fd < 0)
  {
    *why = errno == ENOENT ? "it does not exist" : "it cannot be opened" ;
    return 0 ;
  }
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
  {
    close(fd) ;
    return (*why = "it is not a regular file", -1) ;
  }
  if (st.st_size > PIDFILE_MAX)
  {
    close(fd) ;
    return (*why = "it is too long to hold a pid", -1) ;
  }
  do r = read(fd, buf, sizeof(buf)) ;
  while (r < 0 && errno == EINTR) ;
  close(fd) ;
  if (r < 0) return (*why = "it cannot be read", 0) ;
  /* it grew after the fstat */
  if (r > PIDFILE_MAX) return (*why = "it is too long to hold a pid", -1) ;
  buf[r] = 0 ;
  return scan(buf, (size_t)r, pid, why) ;
}
