/* ISC license. */

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "sp-internal.h"

 /* As large as the system lets us: overflow is counted, but better avoided. */
#define SP_PIPE_WANTED (1 << 20)

#ifndef F_GETPIPE_SZ
# define F_GETPIPE_SZ 1032
#endif

 /* How many records the handler may count on writing without a loss.
    The kernel fills a pipe page by page and a record never straddles
    two, and a page the reader has begun is not free until it is read
    to its end: one page less than the pipe has. */

static unsigned int capacity (int fd)
{
  long page = sysconf(_SC_PAGESIZE) ;
  int size = fcntl(fd, F_GETPIPE_SZ) ;
  if (page < (long)sizeof(sp_info)) page = 4096 ;
  if (size < page) size = 65536 ;
  return (unsigned int)(size / page - 1) * (unsigned int)(page / sizeof(sp_info)) ;
}

int sp_init (sigset_t const *set)
{
  int sig ;
  sigset_t blockall ;
  if (sp_state.p[0] >= 0) return (errno = EBUSY, -1) ;
  if (sp_set_has_class(set, SP_SIG_UNCATCHABLE | SP_SIG_RESERVED)) return (errno = EINVAL, -1) ;
  if (sp_atfork_register() < 0) return -1 ;
  if (pipe2(sp_state.p, O_NONBLOCK | O_CLOEXEC) < 0) return -1 ;
  sp_state.owner = getpid() ;
  atomic_store(&sp_wfd, sp_state.p[1]) ;
#ifdef F_SETPIPE_SZ
  for (int size = SP_PIPE_WANTED ; size >= 65536 ; size >>= 1)
    if (fcntl(sp_state.p[1], F_SETPIPE_SZ, size) >= 0) break ;
#endif
  sp_capacity = capacity(sp_state.p[1]) ;
  atomic_store(&sp_queued, 0) ;
  sigfillset(&blockall) ;
  sigprocmask(SIG_BLOCK, &blockall, &sp_state.origmask) ;
  sigemptyset(&sp_state.trapped) ;
  sp_state.held = 0 ;
  sp_reset_read_buffer() ;
  for (sig = 1 ; sig < SP_NSIG ; sig++)
  {
    /* cleared only where set: an untouched count stays a zero page */
    if (atomic_load(&sp_lost[sig])) atomic_store(&sp_lost[sig], 0) ;
    if (atomic_load(&sp_lostfwd[sig])) atomic_store(&sp_lostfwd[sig], 0) ;
    if (sigismember(set, sig) == 1 && sp_trap_one(sig) < 0) goto err ;
  }
  atomic_store(&sp_lost_any, 0) ;
  {
    sigset_t mask = sp_state.origmask ;
    for (sig = 1 ; sig < SP_NSIG ; sig++)
      if (sigismember(set, sig) == 1) sigdelset(&mask, sig) ;
    sigprocmask(SIG_SETMASK, &mask, 0) ;
  }
  return sp_state.p[0] ;

 err:
  {
    int e = errno ;
    while (--sig > 0)
      if (sigismember(&sp_state.trapped, sig) == 1) sp_untrap_one(sig) ;
    sigprocmask(SIG_SETMASK, &sp_state.origmask, 0) ;
    atomic_store(&sp_wfd, -1) ;
    close(sp_state.p[1]) ;
    close(sp_state.p[0]) ;
    sp_state.p[0] = sp_state.p[1] = -1 ;
    errno = e ;
  }
  return -1 ;
}
