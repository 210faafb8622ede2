/* ISC license. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <skalibs/types.h>

#include "sprun.h"

 /*
    -C check: during a -U upgrade (a rollout in selfpipe-gen), a program that says whether the new
    master serves (exit 0) or not yet (anything else): for a daemon that
    does not speak the notify protocol, e.g. `curl -sf http://...`.
    It runs with SELFPIPE_NEWMASTER and SELFPIPE_OLDMASTER in its
    environment, its stdout on our stderr, in a process group of its
    own, ended with it (like a -c hook). One at a time; the upgrade
    decides when to run it again.
 */

extern char **environ ;

static pid_t check = 0 ;
static int result = -1 ;   /* -1: nothing new; 0: failed; 1: passed */

static int ours (char const *s)
{
  return !strncmp(s, "SELFPIPE_NEWMASTER=", 19) || !strncmp(s, "SELFPIPE_OLDMASTER=", 19) ;
}

int sprun_check_start (pid_t newm, pid_t oldm)
{
  size_t n = 0, m = 0 ;
  char vnew[19 + PID_FMT] = "SELFPIPE_NEWMASTER=" ;
  char vold[19 + PID_FMT] = "SELFPIPE_OLDMASTER=" ;
  char const *argv[2] = { sprun.cfg->check, 0 } ;
  sp_spawnattr attr = SP_SPAWNATTR_ZERO ;
  while (environ[n]) n++ ;
  {
    char const *envp[n + 3] ;
    vnew[19 + pid_fmt(vnew + 19, newm)] = 0 ;
    vold[19 + pid_fmt(vold + 19, oldm)] = 0 ;
    for (size_t i = 0 ; i < n ; i++) if (!ours(environ[i])) envp[m++] = environ[i] ;
    envp[m++] = vnew ; envp[m++] = vold ; envp[m] = 0 ;
    attr.flags = SP_SPAWN_SETPGID | SP_SPAWN_NOPATH ;
    if (fcntl(2, F_GETFD) >= 0) attr.fds[attr.nfds++] = (sp_spawnfd){ .from = 2, .to = 1 } ;
    check = sp_spawn(sprun.cfg->check, argv, envp, &attr) ;
  }
  if (check < 0)
  {
    check = 0 ;
    sprun_log(SPRUN_WARN, sprun_gen_ops ? SPRUN_LE_ROLLOUT : SPRUN_LE_UPGRADE, sprun_gen_ops ? "rollout: check " : "upgrade: check ", sprun.cfg->check, " could not start: ", strerror(errno)) ;
    return -1 ;
  }
  return 0 ;
}

int sprun_check_running (void)
{
  return !!check ;
}

 /* what the last check said, once */
int sprun_check_result (void)
{
  int r = result ;
  result = -1 ;
  return r ;
}

 /* the upgrade is over: what the check left goes, the check too */
void sprun_check_cancel (void)
{
  if (check) kill(-check, SIGKILL) ;
  result = -1 ;
}

 /* dead, not reaped yet: its group cannot be anybody else's */
int sprun_check_reaping (pid_t pid)
{
  if (!check || pid != check) return 0 ;
  kill(-pid, SIGKILL) ;
  return 1 ;
}

int sprun_check_end (pid_t pid, int wstat)
{
  char st[SPRUN_STATUS_MAX] ;
  if (!check || pid != check) return 0 ;
  check = 0 ;
  result = WIFEXITED(wstat) && !WEXITSTATUS(wstat) ;
  sprun_fmt_status(st, wstat) ;
  sprun_log(SPRUN_DEBUG, sprun_gen_ops ? SPRUN_LE_ROLLOUT : SPRUN_LE_UPGRADE, sprun_gen_ops ? "rollout: check " : "upgrade: check ", sprun.cfg->check, " ", st) ;
  return 1 ;
}
