/* ISC license. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "sprun.h"

 /*
    -g on a terminal. The child's group is a job of its own: like a
    shell, the runner gives it the terminal's foreground (the child
    takes it before its exec, so its first read cannot meet SIGTTIN),
    takes it back when the child stops or ends, and gives it again when
    the runner is continued in the foreground. Only a terminal the
    runner holds: its controlling terminal, on fd 0, 1 or 2, with the
    runner's group in the foreground. In the background, or without a
    terminal, nothing changes hands.
 */

static int tty = -1 ;
static pid_t job ;   /* the child's group while it may hold the terminal */

 /* tcgetpgrp fails (ENOTTY) on anything but the caller's controlling
    terminal: no need to ask which session a terminal is for */
static int controlling (void)
{
  for (int fd = 0 ; fd < 3 ; fd++)
    if (tcgetpgrp(fd) == getpgrp()) return fd ;
  return -1 ;
}

 /* tcsetpgrp from the background, SIGTTOU blocked so the kernel lets it */
static void give (pid_t from, pid_t to)
{
  sigset_t set, old ;
  if (tty < 0 || !job || tcgetpgrp(tty) != from) return ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGTTOU) ;
  sigprocmask(SIG_BLOCK, &set, &old) ;
  if (tcsetpgrp(tty, to) < 0) sprun_log(SPRUN_WARN, SPRUN_LE_JOB, "unable to hand the terminal over: ", strerror(errno)) ;
  sigprocmask(SIG_SETMASK, &old, 0) ;
}

void sprun_tty_spawnattr (sp_spawnattr *attr)
{
  if (!sprun.cfg->pgroup) return ;
  tty = controlling() ;
  if (tty < 0) return ;
  attr->flags |= SP_SPAWN_FOREGROUND ;
  attr->tty = tty ;
}

void sprun_tty_spawned (pid_t pid)
{
  if (tty >= 0) job = pid ;
}

 /* The child's group stopped on the terminal's word (^Z, or a read
    from the background): the terminal comes back, and the runner stops
    too, so the shell sees its job stopped. */
void sprun_tty_stopped (int sig)
{
  if (!job || sig == SIGSTOP || !(sp_sig_class(sig) & SP_SIG_STOP)) return ;
  give(job, getpgrp()) ;
  sprun_stopself(sig) ;
  /* continued: fg gave the runner the terminal; bg did not */
  give(getpgrp(), job) ;
}

void sprun_tty_ended (void)
{
  give(job, getpgrp()) ;
  job = 0 ;
}
