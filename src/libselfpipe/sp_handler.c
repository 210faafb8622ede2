/* ISC license. */

#include <errno.h>
#include <unistd.h>

#include "sp-internal.h"

 /*
    Runs in signal context: write one record, count it if the pipe
    is full, nothing else. A write of at most PIPE_BUF bytes to a pipe
    is atomic, so records from concurrent threads never interleave.
 */

/*
   A process that forked without sp_fork (fork(), Python's os.fork...)
   still has our handler in the child until it execs, and shares our
   pipe. A delivery there belongs to the child: give it what the
   original disposition would have done, and write nothing.
   Asking getpid() every time would cost a system call per delivery;
   sp_forking (see sp_atfork.c) is nonzero from the start of any fork()
   in the parent and forever in the child, so only then do we ask.
*/

static void act_as_original (int sig, siginfo_t *si, void *ctx)
{
  struct sigaction const *o = &sp_state.orig[sig] ;
  if (o->sa_flags & SA_SIGINFO) (*o->sa_sigaction)(sig, si, ctx) ;
  else if (o->sa_handler == SIG_DFL)
  {
    /* stays pending while the handler runs, then takes the default action */
    sigaction(sig, o, 0) ;
    raise(sig) ;
  }
  else if (o->sa_handler != SIG_IGN) (*o->sa_handler)(sig) ;
}

 /* A fault the CPU raised (si_code > 0) cannot be a record: returning
    would run the faulting instruction again, forever. It gets what it
    would have got without us; an ignored one the default action, as
    the kernel does for a fault it cannot deliver. A fault signal that
    someone sent (kill, sigqueue, tgkill) is an ordinary delivery. */

static int real_fault (int sig, siginfo_t *si, void *ctx)
{
  if (si->si_code <= 0 || !(sp_sig_class(sig) & SP_SIG_FAULT)) return 0 ;
  if (!(sp_state.orig[sig].sa_flags & SA_SIGINFO) && sp_state.orig[sig].sa_handler == SIG_IGN)
  {
    struct sigaction dfl = { .sa_handler = SIG_DFL } ;
    sigemptyset(&dfl.sa_mask) ;
    sigaction(sig, &dfl, 0) ;
    raise(sig) ;
  }
  else act_as_original(sig, si, ctx) ;
  return 1 ;
}

void sp_handler (int sig, siginfo_t *si, void *ctx)
{
  int e = errno ;
  int fd ;
  sp_info r = SP_INFO_ZERO ;
  /* sp_finish waits for in-flight handlers before closing the pipe; a
     handler that starts after it has begun finds -1 and acts as if the
     original disposition were already back */
  atomic_fetch_add(&sp_inflight, 1) ;
  fd = atomic_load(&sp_wfd) ;
  if (real_fault(sig, si, ctx)) goto end ;
  if (fd < 0 || (atomic_load_explicit(&sp_forking, memory_order_relaxed) && getpid() != sp_state.owner))
  {
    act_as_original(sig, si, ctx) ;
    goto end ;
  }
  r.sig = sig ;
  r.code = si->si_code ;
  /* si_pid and si_uid share a union with other fields: only trust them
     where the kernel fills them */
  switch (si->si_code)
  {
    case SI_QUEUE :
    case SI_MESGQ :
      r.value = si->si_value ;
      /* fallthrough */
    case SI_USER :
    case SI_TKILL :
      r.pid = si->si_pid ;
      r.uid = si->si_uid ;
      break ;
    case SI_TIMER :
      r.value = si->si_value ;
      break ;
    default :
      if (sig == SIGCHLD && si->si_code > 0)
      {
        r.pid = si->si_pid ;
        r.uid = si->si_uid ;
        r.status = si->si_status ;
      }
      break ;
  }
  if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
  {
    atomic_fetch_add_explicit(&sp_lost[sig], 1, memory_order_relaxed) ;
    atomic_store_explicit(&sp_lost_any, 1, memory_order_release) ;
  }
 end:
  atomic_fetch_sub(&sp_inflight, 1) ;
  errno = e ;
}
