/* ISC license. Fault signals: a sent one is a record; a real one (raised
   by the CPU) gets what it would have got without the library, and
   never loops. */

#include <errno.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "tap.h"
#include "lib-common.h"

static int const faults[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, 0 } ;

static void exit42 (int sig, siginfo_t *si, void *ctx)
{
  (void)sig ; (void)si ; (void)ctx ;
  _exit(42) ;
}

 /* orig: 0 default, 1 ignored, 2 a handler that exits 42 */
static void set_orig (int orig)
{
  struct sigaction sa = { .sa_handler = orig == 1 ? SIG_IGN : SIG_DFL } ;
  sigemptyset(&sa.sa_mask) ;
  if (orig == 2) { sa.sa_sigaction = &exit42 ; sa.sa_flags = SA_SIGINFO ; }
  for (unsigned int i = 0 ; faults[i] ; i++) sigaction(faults[i], &sa, 0) ;
}

 /* a write to a page nobody may touch: a SIGSEGV from the CPU
    (SEGV_ACCERR), and nothing a sanitizer calls undefined */
static void segfault (void)
{
  char volatile *p = mmap(0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ;
  if (p == MAP_FAILED) _exit(111) ;
  *p = 1 ;
}

 /* In a child: trap the faults over orig, then fault for real. Returns
    the child's wait status, or -1 if it still ran after the deadline
    (the handler returned into the faulting instruction forever). */
static int real_fault (int orig)
{
  sigset_t set = sigset_of(faults) ;
  long long deadline ;
  pid_t pid = fork() ;
  if (pid < 0) return -2 ;
  if (!pid)
  {
    struct rlimit nocore = { 0, 0 } ;
    setrlimit(RLIMIT_CORE, &nocore) ;
    set_orig(orig) ;
    if (sp_init(&set) < 0) _exit(111) ;
    segfault() ;
    _exit(0) ;
  }
  deadline = now_ms() + scaled_ms(10000) ;
  while (now_ms() < deadline)
  {
    int wstat ;
    pid_t r = waitpid(pid, &wstat, WNOHANG) ;
    if (r == pid) return wstat ;
    sleep_ms(10) ;
  }
  kill(pid, SIGKILL) ;
  reap(pid) ;
  return -1 ;
}

int main (void)
{
  sigset_t set = sigset_of(faults) ;
  int wstat ;

  /* the table: these six are the fault class, and only these */
  {
    int n = 0, bad = 0 ;
    for (int sig = 1 ; sig < SP_NSIG ; sig++)
    {
      int want = 0 ;
      for (unsigned int i = 0 ; faults[i] ; i++) if (faults[i] == sig) want = 1 ;
      if (!!(sp_sig_class(sig) & SP_SIG_FAULT) != want) bad++ ;
      n += want ;
    }
    ok(n == 6 && !bad, "sp_sig_class: SEGV BUS FPE ILL TRAP SYS are SP_SIG_FAULT, nothing else is (%d wrong)", bad) ;
  }

  /* sent: ordinary records, in order, with the sender */
  if (sp_init(&set) < 0) { ok(0, "sp_init of the fault signals: %s", strerror(errno)) ; return tap_done() ; }
  ok(1, "sp_init takes the fault signals") ;
  /* From another process. valgrind asserts when a fault signal comes
     from outside while it runs client code (m_signals.c,
     async_signalhandler): there the plain and sanitizer passes test it. */
  if (under_valgrind()) printf("ok %u - # SKIP sent fault signals: valgrind cannot take them\n", ++tap_n) ;
  else
  {
    sp_info info ;
    unsigned int got = 0, bad = 0, n = 0 ;
    pid_t sender = sp_fork() ;
    if (!sender)
    {
      union sigval v = { .sival_int = 7 } ;
      /* SIGBUS queued with a value, the others killed: distinct
         signals, so none merges with another while pending */
      for (unsigned int i = 0 ; faults[i] ; i++)
        if (faults[i] == SIGBUS) sigqueue(getppid(), SIGBUS, v) ;
        else kill(getppid(), faults[i]) ;
      _exit(0) ;
    }
    while (n < 6 && sp_wait(&info, (int)scaled_ms(10000)) == 1)
    {
      unsigned int i = 0 ;
      n++ ;
      while (faults[i] && faults[i] != info.sig) i++ ;
      if (!faults[i] || info.pid != sender) { bad++ ; continue ; }
      if (info.sig == SIGBUS ? info.code == SI_QUEUE && info.value.sival_int == 7 : info.code == SI_USER) got |= 1u << i ;
      else bad++ ;
    }
    reap(sender) ;
    ok(got == 0x3f && !bad, "five faults sent with kill(), SIGBUS with sigqueue(): six records from the sender, with the code and value (%u records, %u wrong, mask %x)", n, bad, got) ;
  }
  sp_finish() ;

  /* Real: the CPU's fault goes where it would have gone. valgrind
     reports the fault as the error it is and exits 99 for it. */
  if (under_valgrind())
  {
    printf("ok %u - # SKIP real faults: valgrind reports them as errors\n", ++tap_n) ;
    return tap_done() ;
  }
  wstat = real_fault(0) ;
  ok(wstat >= 0 && WIFSIGNALED(wstat) && WTERMSIG(wstat) == SIGSEGV, "a real SIGSEGV, default disposition before sp_init: the process dies of SIGSEGV (status %d)", wstat) ;
  wstat = real_fault(1) ;
  ok(wstat >= 0 && WIFSIGNALED(wstat) && WTERMSIG(wstat) == SIGSEGV, "a real SIGSEGV, ignored before sp_init: dies of SIGSEGV, as the kernel would have it (status %d)", wstat) ;
  wstat = real_fault(2) ;
  ok(wstat >= 0 && WIFEXITED(wstat) && WEXITSTATUS(wstat) == 42, "a real SIGSEGV, a handler before sp_init: that handler runs (exit 42, status %d)", wstat) ;
  return tap_done() ;
}
