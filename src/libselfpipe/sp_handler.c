/* ISC license. */

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "sp-internal.h"

 /*
    Runs in signal context: forward the delivery if sp_forward asked
    for it, write one record, count it if the pipe is full, nothing
    else. A write of at most PIPE_BUF bytes to a pipe
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
   sp_spawn's vfork child is another case: it borrows our memory until
   it execs, and exec will give every caught signal SIG_DFL, so that is
   what a delivery gets there.
*/

static void as_after_exec (int sig)
{
  struct sigaction dfl = { .sa_handler = SIG_DFL } ;
  sigemptyset(&dfl.sa_mask) ;
  sigaction(sig, &dfl, 0) ;
  /* pending until the handler returns, then the default action */
  kill(getpid(), sig) ;
}

static void act_as_original (int sig, siginfo_t *si, void *ctx)
{
  struct sigaction o ;
  sp_orig_get(sig, &o) ;
  if (o.sa_flags & SA_SIGINFO) (*o.sa_sigaction)(sig, si, ctx) ;
  else if (o.sa_handler == SIG_DFL)
  {
    /* stays pending while the handler runs, then takes the default action */
    sigaction(sig, &o, 0) ;
    raise(sig) ;
  }
  else if (o.sa_handler != SIG_IGN) (*o.sa_handler)(sig) ;
}

 /* A fault the CPU raised (si_code > 0) cannot be a record: returning
    would run the faulting instruction again, forever. It gets what it
    would have got without us; an ignored one the default action, as
    the kernel does for a fault it cannot deliver. A fault signal that
    someone sent (kill, sigqueue, tgkill) is an ordinary delivery. */

static int real_fault (int sig, siginfo_t *si, void *ctx)
{
  if (si->si_code <= 0 || !(sp_sig_class(sig) & SP_SIG_FAULT)) return 0 ;
  if (sp_orig_ignored(sig))
  {
    struct sigaction dfl = { .sa_handler = SIG_DFL } ;
    sigemptyset(&dfl.sa_mask) ;
    sigaction(sig, &dfl, 0) ;
    raise(sig) ;
  }
  else act_as_original(sig, si, ctx) ;
  return 1 ;
}

static int sent_by_another (siginfo_t const *si)
{
  return (si->si_code == SI_USER || si->si_code == SI_QUEUE || si->si_code == SI_TKILL)
    && si->si_pid != sp_state.owner ;
}

 /* sp_forward's table and target, read once each. Only while the pipe
    has room for the record: a delivery whose record would be lost is
    left to the reader's loss report, so it is acted on once, as
    without forwarding. sp_take does the same for a held delivery. */

void sp_handler_forward (int sig, siginfo_t const *si, sp_fwd *f)
{
  unsigned int e = atomic_load_explicit(&sp_fwd_table[sig], memory_order_relaxed) ;
  unsigned int flags = e >> 8 ;
  int to = (int)(e & 0xffu) ;
  pid_t t ;
  if (!to || (flags & SP_FORWARD_SENT && !sent_by_another(si))) return ;
  t = atomic_load(&sp_fwd_target) ;
  if (!t) { f->state = SP_FWD_NOTARGET ; return ; }
  f->state = SP_FWD_SENT ;
  f->sig = to ;
  f->target = t ;
  f->err = kill(t, to) < 0 ? errno : 0 ;
  if (!f->err && flags & SP_FORWARD_CONT && to != SIGCONT && to != SIGKILL) kill(t, SIGCONT) ;
}

void sp_handler_fill (sp_info *r, int sig, siginfo_t const *si)
{
  r->sig = sig ;
  r->code = si->si_code ;
  /* si_pid and si_uid share a union with other fields: only trust them
     where the kernel fills them */
  switch (si->si_code)
  {
    case SI_QUEUE :
    case SI_MESGQ :
      r->value = si->si_value ;
      /* fallthrough */
    case SI_USER :
    case SI_TKILL :
      r->pid = si->si_pid ;
      r->uid = si->si_uid ;
      break ;
    case SI_TIMER :
      r->value = si->si_value ;
      break ;
    default :
      if (sig == SIGCHLD && si->si_code > 0)
      {
        r->pid = si->si_pid ;
        r->uid = si->si_uid ;
        r->status = si->si_status ;
      }
      break ;
  }
}

 /* sp_queued counts a record before it is written and after it is
    read: it is never below what the pipe holds. */

static void put (int fd, int sig, sp_info const *r, int forwarded)
{
  if (write(fd, r, sizeof(*r)) == (ssize_t)sizeof(*r)) return ;
  atomic_fetch_sub_explicit(&sp_queued, 1, memory_order_relaxed) ;
  atomic_fetch_add_explicit(forwarded ? &sp_lostfwd[sig] : &sp_lost[sig], 1, memory_order_relaxed) ;
  atomic_store_explicit(&sp_lost_any, 1, memory_order_release) ;
}

void sp_handler (int sig, siginfo_t *si, void *ctx)
{
  int e = errno ;
  int fd ;
  pid_t me ;
  sp_info r = SP_INFO_ZERO ;
  sp_fwd f = SP_FWD_ZERO ;
  /* sp_finish waits for in-flight handlers before closing the pipe; a
     handler that starts after it has begun finds -1 and acts as if the
     original disposition were already back */
  atomic_fetch_add(&sp_inflight, 1) ;
  fd = atomic_load(&sp_wfd) ;
  if (real_fault(sig, si, ctx)) goto end ;
  /* asked once, and only while a fork may be under way */
  me = fd >= 0 && atomic_load_explicit(&sp_forking, memory_order_relaxed) ? getpid() : sp_state.owner ;
  if (fd < 0 || me != sp_state.owner)
  {
    if (fd >= 0 && me == atomic_load(&sp_spawned)) as_after_exec(sig) ;
    else act_as_original(sig, si, ctx) ;
    goto end ;
  }
  if (atomic_fetch_add_explicit(&sp_queued, 1, memory_order_relaxed) < sp_capacity) sp_handler_forward(sig, si, &f) ;
  sp_handler_fill(&r, sig, si) ;
  if (f.state)
  {
    r.lost = SP_REC_FWD(f.state, f.sig, f.err) ;
    r.status = f.target ;
  }
  put(fd, sig, &r, f.state == SP_FWD_SENT) ;
 end:
  atomic_fetch_sub(&sp_inflight, 1) ;
  errno = e ;
}
