/* ISC license. */

#include <errno.h>
#include <sys/stat.h>

#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "spsock.h"

 /* Closed, a socket, or something else (a pipe, a file, a tty). */

int spsock_fd_kind (int fd)
{
  struct stat st ;
  if (fstat(fd, &st) == 0) return S_ISSOCK(st.st_mode) ? SPSOCK_SOCKET : SPSOCK_OTHER ;
  if (errno == EBADF) return SPSOCK_CLOSED ;
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, (unsigned int)fd)] = 0 ;
    strerr_diefu2sys(111, "fstat fd ", fmt) ;
  }
}
