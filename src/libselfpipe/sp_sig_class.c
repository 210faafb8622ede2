/* ISC license. */

#include <selfpipe/selfpipe.h>

 /*
    The one table of what each signal is. Signal numbers differ between
    architectures, so it is a switch on the names, not an array; the
    real-time range comes from libc at run time (SIGRTMIN is a call).
 */

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
  if (sig >= SIGRTMIN && sig <= SIGRTMAX) return SP_SIG_RT ;
  if (sig >= 32) return SP_SIG_RESERVED ;  /* between the classic signals and SIGRTMIN: libc's own */
  return 0 ;
}
