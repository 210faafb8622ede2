/* ISC license. */

#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>

#include <skalibs/djbunix.h>
#include <skalibs/socket.h>
#include <skalibs/strerr.h>

#include "spsock.h"

 /*
    A socket file left by a service that died is in the way of bind().
    It is removed only when it is stale: a socket that nobody listens
    on (connect refused). A live one is a running service: refused, as
    a TCP port in use is. Anything else at the path (a file, a link, a
    directory) is not ours to remove. The connect is non-blocking, so a
    listener with a full queue answers at once; a live listener sees
    one connection closed without a byte.
 */

void spsock_unix_stale (char const *path)
{
  struct stat st ;
  int fd ;
  if (lstat(path, &st) < 0)
  {
    if (errno == ENOENT || errno == ENOTDIR) return ;  /* bind says it better */
    strerr_diefu2sys(111, "stat ", path) ;
  }
  if (!S_ISSOCK(st.st_mode)) strerr_dief2x(111, path, " exists and is not a socket: not removed") ;
  fd = ipc_stream_nb() ;
  if (fd < 0) strerr_diefu1sys(111, "create a unix socket") ;
  if (ipc_connect(fd, path) || errno == EAGAIN || errno == EINPROGRESS)
    strerr_dief2x(111, path, ": address in use: a process listens there (not removed)") ;
  if (errno != ECONNREFUSED) strerr_diefu3sys(111, "connect to ", path, " to see whether it is stale") ;
  fd_close(fd) ;
  if (unlink(path) < 0 && errno != ENOENT) strerr_diefu3sys(111, "remove the stale socket ", path, "") ;
}
