/* ISC license. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "sp-internal.h"

 /*
    vfork, the steps attr asks for, then exec as execvp does (sp_exec),
    with a PATH search unless SP_SPAWN_NOPATH. The child writes the
    errno and the step of a failure into our memory (vfork shares it),
    so the caller learns what failed instead of seeing a child exit
    127: the pid is returned only once the exec has succeeded. Where
    vfork is a fork (valgrind), nothing shows there, and a close-on-exec
    pipe carries the same back. attr->failed names a setup step that failed, and
    stays 0 when the fork or the exec did.

    vfork, not fork: the caller's page tables are not copied and its
    pages not made copy-on-write, which is most of what a spawn costs.
    The child borrows the caller's memory until it execs, so it must
    never run a handler as the caller would: every signal is blocked
    across the vfork, and before the child unblocks them it sets back
    to SIG_IGN each trapped signal that was ignored before sp_init and
    to SIG_DFL each untrapped one with a handler, as exec would. The
    trapped ones keep sp_handler, which exec resets to SIG_DFL: a
    delivery before the exec finds its pid in sp_spawned and takes the
    default action there (sp_handler.c), without a sigaction call per
    signal on every spawn. It writes nothing but its own locals,
    seen, sp_spawned and the pipe.
 */

static char const *const stepname[6] = { 0, "setsid", "setpgid", "set the parent death signal", "set up descriptors", "give the terminal to the process group" } ;

 /* A job's group takes the terminal, as a shell gives it: SIGTTOU is
    blocked across tcsetpgrp, or the kernel would stop a group that is
    not yet the foreground one for asking. */
static int take_terminal (int fd)
{
  sigset_t ttou, mask ;
  int r ;
  sigemptyset(&ttou) ;
  sigaddset(&ttou, SIGTTOU) ;
  sigprocmask(SIG_BLOCK, &ttou, &mask) ;
  r = tcsetpgrp(fd, getpgrp()) ;
  sigprocmask(SIG_SETMASK, &mask, 0) ;
  return r ;
}

static unsigned int child_steps (sp_spawnattr const *attr, pid_t parent)
{
  /* a new session is a new process group too */
  if (attr->flags & SP_SPAWN_SETSID) { if (setsid() < 0) return 1 ; }
  else if (attr->flags & SP_SPAWN_SETPGID)
  {
    if (setpgid(0, 0) < 0) return 2 ;
    if (attr->flags & SP_SPAWN_FOREGROUND && take_terminal(attr->tty) < 0) return 5 ;
  }
  if (attr->pdeathsig)
  {
    if (prctl(PR_SET_PDEATHSIG, attr->pdeathsig) < 0) return 3 ;
    /* the parent may have died before the prctl */
    if (getppid() != parent) raise(attr->pdeathsig) ;
  }
  for (unsigned int i = 0 ; i < attr->nfds && i < SP_SPAWN_FDMAX ; i++)
  {
    sp_spawnfd const *f = attr->fds + i ;
    if (f->from == f->to)
    {
      int flags = fcntl(f->to, F_GETFD) ;
      if (flags < 0 || fcntl(f->to, F_SETFD, flags & ~FD_CLOEXEC) < 0) return 4 ;
    }
    else if (dup2(f->from, f->to) < 0) return 4 ;
  }
  return 0 ;
}

 /* what exec will do to the dispositions, where the handler cannot
    stand in for it: done before the mask opens */
static void child_dispositions (void)
{
  for (int sig = 1 ; sig < SP_NSIG ; sig++)
  {
    struct sigaction sa ;
    if (sp_sig_class(sig) & (SP_SIG_INVALID | SP_SIG_UNCATCHABLE | SP_SIG_RESERVED)) continue ;
    if (sigismember(&sp_state.trapped, sig) == 1)
    {
      if (!sp_orig_ignored(sig)) continue ;
      sa.sa_handler = SIG_IGN ;
    }
    else if (sigaction(sig, 0, &sa) < 0 || (!(sa.sa_flags & SA_SIGINFO) && (sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN))) continue ;
    else sa.sa_handler = SIG_DFL ;
    sa.sa_flags = 0 ;
    sigemptyset(&sa.sa_mask) ;
    sigaction(sig, &sa, 0) ;
  }
}

pid_t sp_spawn (char const *file, char const *const *argv, char const *const *envp, sp_spawnattr *attr)
{
  static sp_spawnattr const none = SP_SPAWNATTR_ZERO ;
  sp_spawnattr const *a = attr ? attr : &none ;
  int p[2] ;
  int report[2] ;  /* step, errno */
  /* written by the child where vfork shares our memory: it ran, it failed, step, errno */
  int volatile seen[4] = { 0, 0, 0, 0 } ;
  ssize_t r ;
  pid_t pid ;
  pid_t volatile parent = getpid() ;  /* read by the vfork child */
  sigset_t blockall, old, childmask ;
  if (attr) attr->failed = 0 ;
  if (pipe2(p, O_CLOEXEC) < 0) return -1 ;
  sigfillset(&blockall) ;
  sigprocmask(SIG_SETMASK, &blockall, &old) ;
  childmask = sp_state.p[0] >= 0 ? sp_state.origmask : old ;
  /* a handler then asks getpid() whether it runs in the child */
  atomic_fetch_add(&sp_forking, 1) ;
  pid = vfork() ;
  if (!pid)
  {
    seen[0] = 1 ;
    close(p[0]) ;  /* the child's own descriptor table: vfork copies it */
    if (sp_state.p[0] >= 0)
    {
      atomic_store(&sp_spawned, getpid()) ;
      child_dispositions() ;
    }
    sigprocmask(SIG_SETMASK, &childmask, 0) ;
    report[0] = (int)child_steps(a, parent) ;
    if (!report[0]) sp_exec(file, argv, envp, !(a->flags & SP_SPAWN_NOPATH)) ;
    report[1] = errno ;
    seen[2] = report[0] ; seen[3] = report[1] ; seen[1] = 1 ;
    if (write(p[1], report, sizeof(report)) < 0) _exit(127) ;
    _exit(127) ;
  }
  {
    int e = errno ;
    atomic_store(&sp_spawned, 0) ;
    atomic_fetch_sub(&sp_forking, 1) ;
    sigprocmask(SIG_SETMASK, &old, 0) ;
    errno = e ;
  }
  if (pid < 0)
  {
    int e = errno ;
    close(p[1]) ; close(p[0]) ;
    return (errno = e, -1) ;
  }
  close(p[1]) ;
  if (seen[0])
  {
    /* vfork returned once the child exec'd or exited, and what it
       wrote is here: no waiting for exec to close the pipe (a wake-up
       and two context switches on every spawn) */
    r = seen[1] ? (ssize_t)sizeof(report) : 0 ;
    report[0] = seen[2] ; report[1] = seen[3] ;
  }
  else
  {
    do r = read(p[0], report, sizeof(report)) ;
    while (r < 0 && errno == EINTR) ;
  }
  close(p[0]) ;
  if (r == (ssize_t)sizeof(report))
  {
    while (waitpid(pid, 0, 0) < 0 && errno == EINTR) ;
    if (attr) attr->failed = stepname[report[0]] ;
    return (errno = report[1], -1) ;
  }
  return pid ;
}
