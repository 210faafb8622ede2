/* ISC license. */

#include <signal.h>
#include <stdatomic.h>

#include <selfpipe/selfpipe.h>

 /*
    The one table of what each signal is. Signal numbers differ between
    architectures, so it is a switch on the names, not an array; the
    real-time range comes from libc at run time (SIGRTMIN is a call).
 */

/* SIGRTMIN and SIGRTMAX are calls into libc, and the loops over every
   signal ask for them thirty times each: asked once. They never change
   once main runs, and a racing first asker stores the same values
   (handlers call this too: lock-free atomics, nothing else). */
static atomic_int rt[2] ;

static int rtlimit (int max)
{
  int r = atomic_load_explicit(&rt[max], memory_order_relaxed) ;
  if (!r)
  {
    r = max ? SIGRTMAX : SIGRTMIN ;
    atomic_store_explicit(&rt[max], r, memory_order_relaxed) ;
  }
  return r ;
}

unsigned int sp_sig_class (int sig)
{
  if (sig <= 0 || sig >= SP_NSIG) return SP_SIG_INVALID ;
  switch (sig)
  {
    case SIGKILL : return SP_SIG_UNCATCHABLE ;
    case SIGSTOP : return SP_SIG_UNCATCHABLE | SP_SIG_STOP ;
    case SIGSEGV : case SIGBUS : case SIGFPE : case SIGILL : case SIGTRAP : case SIGSYS :
      return SP_SIG_FAULT ;
    case SIGTSTP :
      return SP_SIG_STOP | SP_SIG_TTY ;
    case SIGTTIN : case SIGTTOU :
      return SP_SIG_STOP | SP_SIG_TTY | SP_SIG_OWNIO ;
    case SIGINT : case SIGQUIT : case SIGWINCH : case SIGHUP : case SIGCONT :
      return SP_SIG_TTY ;
    case SIGPIPE : case SIGXFSZ :
      return SP_SIG_OWNIO ;
    case SIGCHLD :
      return SP_SIG_CHILD ;
    default : break ;
  }
  if (sig < 32) return 0 ;
  return sig >= rtlimit(0) && sig <= rtlimit(1) ? SP_SIG_RT : SP_SIG_RESERVED ;  /* below SIGRTMIN: libc's own */
}
