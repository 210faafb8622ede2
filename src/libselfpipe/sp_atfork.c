/* ISC license. */

#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include "sp-internal.h"

 /*
    The prepare hook runs in the parent before the fork, the parent hook
    after it; the child keeps the count it was born with. So a handler
    that finds sp_forking at 0 knows it runs in the process that called
    sp_init, without a system call. Forks that skip the hooks (vfork,
    clone, posix_spawn) must reset the handlers in the child themselves,
    as glibc's posix_spawn does.
 */

static void prepare (void)
{
  atomic_fetch_add(&sp_forking, 1) ;
}

static void parent (void)
{
  atomic_fetch_sub(&sp_forking, 1) ;
}

 /* What sp_hold blocked is the parent's to take: a plain fork's child,
    which would keep it blocked across exec, gets it unblocked. */

static void child (void)
{
  if (!sp_state.held) return ;
  sp_state.held = 0 ;
  if (!sp_state.forkself) sigprocmask(SIG_UNBLOCK, &sp_state.holdset, 0) ;
}

int sp_atfork_register (void)
{
  static int registered = 0 ;
  if (!registered)
  {
    int e = pthread_atfork(&prepare, &parent, &child) ;
    if (e) return (errno = e, -1) ;
    registered = 1 ;
  }
  return 0 ;
}
