/* ISC license. */

#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>

#include "sprun.h"

char const *PROG = SPRUN_NAME ;

 /* Every catchable signal but the synchronous faults, which keep their
    default action. */

static void trapset (sigset_t *set)
{
  sigemptyset(set) ;
  for (int sig = 1 ; sig < NSIG ; sig++)
  {
    switch (sig)
    {
      case SIGKILL : case SIGSTOP :
      case SIGSEGV : case SIGBUS : case SIGFPE : case SIGILL : case SIGTRAP : case SIGSYS :
        continue ;
      default : break ;
    }
    if (sig >= 32 && sig < SIGRTMIN) continue ;  /* libc's own */
    sigaddset(set, sig) ;
  }
}

 /* Some environments keep a signal for themselves (valgrind takes one
    real-time signal) and refuse a handler for it: leave those alone.
    Only looked for when sp_init fails, so it costs nothing otherwise. */

static void probe_handler (int sig)
{
  (void)sig ;
}

static void untrappable (sigset_t *set)
{
  struct sigaction probe = { .sa_handler = &probe_handler } ;
  sigset_t all, old ;
  sigfillset(&all) ;
  sigemptyset(&probe.sa_mask) ;
  /* blocked, so nothing meets the probe handler */
  sigprocmask(SIG_BLOCK, &all, &old) ;
  for (int sig = 1 ; sig < NSIG ; sig++)
  {
    struct sigaction sa ;
    if (sigismember(set, sig) != 1) continue ;
    if (sigaction(sig, &probe, &sa) < 0) sigdelset(set, sig) ;
    else sigaction(sig, &sa, 0) ;
  }
  sigprocmask(SIG_SETMASK, &old, 0) ;
}

 /* Whether TSTP, TTIN and TTOU would stop the runner as they came:
    not if they were ignored or blocked. */

static void jobstops (void)
{
  static int const sigs[3] = { SIGTSTP, SIGTTIN, SIGTTOU } ;
  sigset_t mask ;
  sigprocmask(SIG_BLOCK, 0, &mask) ;
  for (unsigned int i = 0 ; i < 3 ; i++)
  {
    struct sigaction sa ;
    sprun.jobstop[sigs[i]] = sigaction(sigs[i], 0, &sa) == 0 && sa.sa_handler == SIG_DFL && sigismember(&mask, sigs[i]) != 1 ;
  }
}

static int spawn_exitcode (int e)
{
  switch (e)
  {
    case ENOENT : case ENOTDIR :
      return 127 ;
    case EACCES : case EPERM : case ENOEXEC : case EISDIR : case ETXTBSY :
    case ELIBBAD : case E2BIG : case ELOOP : case ENAMETOOLONG :
      return 126 ;
    default : return 111 ;
  }
}

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

static void finish (void)
{
  sprun_config const *cfg = sprun.cfg ;
  int sig = 0, code ;
  if (WIFSIGNALED(sprun.wstat))
  {
    sig = WTERMSIG(sprun.wstat) ;
    code = 128 + sig ;
  }
  else code = WEXITSTATUS(sprun.wstat) ;
  if (cfg->exitzero >= 0 && code == cfg->exitzero) code = sig = 0 ;
  sprun_hook_killall() ;
  sprun_log_endburst() ;
  sprun_log_flush_nowait() ;
  if (sig && cfg->reraise && sprun.self != 1) reraise(sig) ;
  _exit(code) ;
}

int main (int argc, char const *const *argv)
{
  static sprun_config cfg ;
  char err[512] ;
  sigset_t set ;
  /* sprun_parse gives the synopsis itself when prog is missing */
  int i = sprun_parse(&cfg, argc, argv, err, sizeof(err)) ;
  if (i < 0) strerr_dieusage(100, err) ;
  sprun.cfg = &cfg ;
  sprun.self = getpid() ;
  sprun_log_init(cfg.verbosity, cfg.timestamp) ;
  tain_now_set_stopwatch_g() ;

  if (cfg.subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
    strerr_diefu1sys(111, "become a child subreaper") ;
  jobstops() ;
  trapset(&set) ;
  if (sp_init(&set) < 0)
  {
    if (errno != EINVAL) strerr_diefu1sys(111, "trap signals") ;
    untrappable(&set) ;
    if (sp_init(&set) < 0) strerr_diefu1sys(111, "trap signals") ;
  }

  sprun.child = sprun_spawn(argv + i) ;
  if (sprun.child < 0)
  {
    int e = errno ;
    strerr_diefu2sys(spawn_exitcode(e), "spawn ", argv[i]) ;
  }

  for (;;)
  {
    iopause_fd x[2] = { { .fd = sp_fd(), .events = IOPAUSE_READ }, { .fd = 2, .events = IOPAUSE_WRITE } } ;
    tain deadline ;
    int r ;
    unsigned int n = sprun_log_pending() ? 2 : 1 ;
    /* plain iopause, not iopause_g: it returns EINTR when our handler
       ran, and the record is then read at once instead of after
       another poll */
    r = iopause(x, n, sprun_deadline(&deadline) ? &deadline : 0, &STAMP) ;
    tain_now_g() ;
    if (r < 0)
    {
      if (errno != EINTR) strerr_diefu1sys(111, "iopause") ;
      x[1].revents = 0 ;
    }
    for (;;)
    {
      sp_info info ;
      r = sp_read(&info) ;
      if (r < 0) strerr_diefu1sys(111, "read signals") ;
      if (!r) { sprun_log_endburst() ; break ; }
      sprun_signal(&info) ;
      if (sprun.done) finish() ;
    }
    sprun_timers() ;
    if (n == 2 && x[1].revents) sprun_log_write() ;
  }
}
