/* ISC license. */

#include <sys/stat.h>

#include <skalibs/socket.h>
#include <skalibs/strerr.h>

#include "spsock.h"

 /*
    The mode goes through the umask around bind(): the file is made
    with it, there is no moment with other permissions and no path to
    chmod behind someone's back.
 */

int spsock_unix_bind (spsock_unix const *u)
{
  int fd = ipc_stream_b() ;
  int r ;
  if (fd < 0) strerr_diefu1sys(111, "create a unix socket") ;
  spsock_unix_stale(u->path) ;
  if (u->mode >= 0)
  {
    mode_t old = umask(~(mode_t)u->mode & 0777) ;
    r = ipc_bind(fd, u->path) ;
    umask(old) ;
  }
  else r = ipc_bind(fd, u->path) ;
  if (r < 0) strerr_diefu2sys(111, "bind ", u->path) ;
  return fd ;
}
