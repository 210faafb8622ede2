/* ISC license. */

#include <string.h>
#include <unistd.h>

#include "spsock.h"

 /*
    sd_listen_fds(3): LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES. The pid is
    this process's own, and right: the exec keeps it. A spawner that
    forks cannot know the pid before the fork, which is why systemd's
    own children find LISTEN_PID set by a helper after it. A fd without
    a name is "unknown", which sd_listen_fds_with_names() reports when
    the variable is missing; the colon separates the names.
 */

void spsock_systemd (spsock_fds *f, stralloc *sa)
{
  spsock_setenv_uint(sa, "LISTEN_FDS", f->n) ;
  spsock_setenv_uint(sa, "LISTEN_PID", (unsigned int)getpid()) ;
  spsock_cat(sa, "LISTEN_FDNAMES=", sizeof("LISTEN_FDNAMES=") - 1) ;
  for (unsigned int i = 0 ; i < f->n ; i++)
  {
    char const *name = f->names[i] ? f->names[i] : "unknown" ;
    if (strchr(name, ':')) spsock_dieusage("-n ", name, ": a colon separates systemd's names") ;
    if (i) spsock_cat(sa, ":", 1) ;
    spsock_cat(sa, name, strlen(name)) ;
  }
  spsock_cat(sa, "", 1) ;
}
