/* ISC license. */

#include <errno.h>
#include <unistd.h>

#include <skalibs/types.h>

#include "sprun.h"

extern char **environ ;

 /* 127: not found; 126: found, not runnable; 111: anything else */
int sprun_spawn_exitcode (int e)
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

 /* A child, in its own group with -g (holding the terminal, if the
    runner did), with the parent death signal of -p, and the -d pipe.
    -1 with errno; *failed says what failed before the exec, if that
    was it. */

pid_t sprun_spawn_env (char const *const *argv, char const *const *envp, char const **failed)
{
  sprun_config const *cfg = sprun.cfg ;
  sp_spawnattr attr = SP_SPAWNATTR_ZERO ;
  pid_t pid ;
  if (cfg->pgroup) attr.flags |= SP_SPAWN_SETPGID ;
  attr.pdeathsig = cfg->pdeathsig ;
  sprun_ready_spawnattr(&attr) ;
  sprun_tty_spawnattr(&attr) ;
  pid = sp_spawn(argv[0], argv, envp, &attr) ;
  *failed = attr.failed ;
  if (pid < 0) return -1 ;
  sprun_ready_spawned() ;
  sprun_tty_spawned(pid) ;
  return pid ;
}

 /* The child: a failure before the exec is the runner's, not prog's: 111. */

void sprun_spawn (char const *const *argv)
{
  char const *failed ;
  pid_t pid = sprun_spawn_env(argv, (char const *const *)environ, &failed) ;
  if (pid < 0)
  {
    if (failed) sprun_diefu(111, failed) ;
    sprun_diefu(sprun_spawn_exitcode(errno), "spawn ", argv[0]) ;
  }
  sprun.child = pid ;
  {
    char fmt[PID_FMT] ;
    fmt[pid_fmt(fmt, pid)] = 0 ;
    sprun_log(SPRUN_DEBUG, SPRUN_LE_SPAWN, "child ", fmt, " started: ", argv[0]) ;
  }
  sprun_target_set(pid, sprun.cfg->pgroup) ;
}
