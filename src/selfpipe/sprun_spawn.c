/* ISC license. */

#include <errno.h>
#include <unistd.h>

#include <skalibs/types.h>

#include "sprun.h"

extern char **environ ;

 /* 127: not found; 126: found, not runnable; 111: anything else */
static int exec_exitcode (int e)
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

 /* The child, in its own group with -g (holding the terminal, if the
    runner did), with the parent death signal
    of -p. A failure before the exec is the runner's, not prog's: 111. */

void sprun_spawn (char const *const *argv)
{
  sprun_config const *cfg = sprun.cfg ;
  sp_spawnattr attr = SP_SPAWNATTR_ZERO ;
  pid_t pid ;
  if (cfg->pgroup) attr.flags |= SP_SPAWN_SETPGID ;
  attr.pdeathsig = cfg->pdeathsig ;
  sprun_ready_spawnattr(&attr) ;
  sprun_tty_spawnattr(&attr) ;
  pid = sp_spawn(argv[0], argv, (char const *const *)environ, &attr) ;
  if (pid < 0)
  {
    if (attr.failed) sprun_diefu(111, attr.failed) ;
    sprun_diefu(exec_exitcode(errno), "spawn ", argv[0]) ;
  }
  sprun_ready_spawned() ;
  sprun_tty_spawned(pid) ;
  sprun.child = pid ;
  {
    char fmt[PID_FMT] ;
    fmt[pid_fmt(fmt, pid)] = 0 ;
    sprun_log(SPRUN_DEBUG, SPRUN_LE_SPAWN, "child ", fmt, " started: ", argv[0]) ;
  }
  sprun_target_set(pid, cfg->pgroup) ;
}
