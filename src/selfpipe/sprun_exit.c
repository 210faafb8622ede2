/* ISC license. */

#include <signal.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <skalibs/bitarray.h>

#include "sprun.h"

 /* -r: die the same way, so the parent sees the real signal. Not as
    PID 1, where the kernel would not let the signal kill us. */

static void reraise (int sig)
{
  struct rlimit nocore = { .rlim_cur = 0, .rlim_max = 0 } ;
  struct sigaction dfl = { .sa_handler = SIG_DFL } ;
  sigset_t set ;
  sp_finish() ;
  sigemptyset(&dfl.sa_mask) ;
  sigaction(sig, &dfl, 0) ;
  setrlimit(RLIMIT_CORE, &nocore) ;
  sigemptyset(&set) ;
  sigaddset(&set, sig) ;
  sigprocmask(SIG_UNBLOCK, &set, 0) ;
  raise(sig) ;
}

 /* Deliveries still in the pipe came after the child's end: the
    handler may have forwarded some (to the zombie, before the target
    was cleared), the log says so, in order, after the child's end. */

static void drain (void)
{
  sp_info info ;
  while (sp_read(&info) > 0)
  {
    sp_fwd fwd ;
    sp_forwarded(&fwd) ;
    sprun_signal_late(&info, &fwd) ;
  }
}

 /* The child has been reaped: its status becomes ours. */

void sprun_exit (void)
{
  sprun_config const *cfg = sprun.cfg ;
  int sig = 0, code ;
  if (WIFSIGNALED(sprun.wstat))
  {
    sig = WTERMSIG(sprun.wstat) ;
    code = 128 + sig ;
  }
  else code = WEXITSTATUS(sprun.wstat) ;
  if (bitarray_peek(cfg->exitzero, code)) code = sig = 0 ;
  drain() ;
  sprun_hook_killall() ;
  sprun_sweep() ;
  sprun_log_endburst() ;
  sprun_log_flush_nowait() ;
  if (sig && cfg->reraise && sprun.self != 1) reraise(sig) ;
  _exit(code) ;
}
