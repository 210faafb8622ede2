/* ISC license. */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#include "sprun.h"

extern char **environ ;

static pid_t parent ;

 /* In the child, before the exec. A failure here is the runner's, not
    prog's: it says so and exits 111 instead of passing for an exec
    error. */

static void die_in_child (char const *what)
{
  char const *reason = strerror(errno) ;
  char const *v[5] = { SPRUN_NAME ": fatal: unable to ", what, ": ", reason, "\n" } ;
  for (unsigned int i = 0 ; i < 5 ; i++)
    if (write(2, v[i], strlen(v[i])) < 0) break ;
  _exit(111) ;
}

static int child_setup (void *data)
{
  sprun_config const *cfg = data ;
  if (cfg->pgroup && setpgid(0, 0) < 0) die_in_child("setpgid") ;
  if (cfg->pdeathsig)
  {
    if (prctl(PR_SET_PDEATHSIG, cfg->pdeathsig) < 0) die_in_child("set the parent death signal") ;
    /* the runner may have died before the prctl */
    if (getppid() != parent) raise(cfg->pdeathsig) ;
  }
  return 0 ;
}

pid_t sprun_spawn (char const *const *argv)
{
  parent = getpid() ;
  return sp_spawn(argv[0], argv, (char const *const *)environ, &child_setup, (void *)sprun.cfg) ;
}
