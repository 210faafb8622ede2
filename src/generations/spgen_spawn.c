/* ISC license. */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>

#include "spgen.h"

extern char **environ ;

 /*
    A generation: prog with NOTIFY_SOCKET naming its own socket (-N),
    so that whatever comes on it is that generation's, and
    SELFPIPE_GENERATION=n. The fds selfpipe-gen inherited (the
    listening sockets) are inherited as they are.
 */

char const *const *spgen_argv ;
static unsigned int count = 0 ;

unsigned int spgen_next (void)
{
  return count + 1 ;
}

static int ours (char const *s)
{
  return !strncmp(s, "NOTIFY_SOCKET=", 14) || !strncmp(s, "SELFPIPE_GENERATION=", 20) ;
}

static spgen *slot (void)
{
  for (unsigned int i = 0 ; i < SPGEN_MAX ; i++)
    if (spgen_table[i].role == SPGEN_FREE) return spgen_table + i ;
  return 0 ;
}

 /* 0 with errno, and what failed in *failed (or 0: the spawn itself) */
static spgen *start (char const **failed)
{
  size_t n = 0, m = 0 ;
  char vsock[14 + 64] = "NOTIFY_SOCKET=" ;
  char vgen[20 + UINT_FMT] = "SELFPIPE_GENERATION=" ;
  spgen *g = slot() ;
  *failed = 0 ;
  if (!g) { *failed = "find a free slot: too many generations alive" ; return (errno = EBUSY, (spgen *)0) ; }
  memset(g, 0, sizeof(*g)) ;
  g->sock = -1 ;
  if (sprun.cfg->notify)
  {
    g->sock = sprun_notify_open(vsock + 14, sizeof(vsock) - 14) ;
    if (g->sock < 0) { *failed = "open its notify socket" ; g->role = SPGEN_FREE ; return 0 ; }
  }
  while (environ[n]) n++ ;
  {
    char const *envp[n + 3] ;
    pid_t pid ;
    for (size_t i = 0 ; i < n ; i++) if (!ours(environ[i])) envp[m++] = environ[i] ;
    if (g->sock >= 0) envp[m++] = vsock ;
    vgen[20 + uint_fmt(vgen + 20, count + 1)] = 0 ;
    envp[m++] = vgen ;
    envp[m] = 0 ;
    pid = sprun_spawn_env(spgen_argv, envp, failed) ;
    if (pid < 0)
    {
      int e = errno ;
      spgen_free(g) ;
      errno = e ;
      return 0 ;
    }
    g->pid = pid ;
  }
  g->n = ++count ;
  g->start = STAMP ;
  return g ;
}

 /* A rollout's candidate; 0 if it could not start (logged). */
spgen *spgen_spawn (void)
{
  char fmt[SPGEN_FMT] ;
  char const *failed ;
  spgen *g = start(&failed) ;
  if (!g)
  {
    char num[UINT_FMT] ;
    num[uint_fmt(num, count + 1)] = 0 ;
    sprun_log(SPRUN_WARN, SPRUN_LE_ROLLOUT, "rollout: generation ", num, " could not start: unable to ",
      failed ? failed : "spawn ", failed ? "" : spgen_argv[0], ": ", strerror(errno)) ;
    return 0 ;
  }
  g->role = SPGEN_CANDIDATE ;
  spgen_fmt(fmt, g) ;
  sprun_log(SPRUN_INFO, SPRUN_LE_SPAWN, fmt, " started: ", spgen_argv[0]) ;
  return g ;
}

 /* Generation 1: it cannot start, selfpipe-gen dies as selfpipe-run does. */
void spgen_first (void)
{
  char fmt[SPGEN_FMT] ;
  char const *failed ;
  spgen *g = start(&failed) ;
  if (!g)
  {
    if (failed) sprun_diefu(111, failed) ;
    sprun_diefu(sprun_spawn_exitcode(errno), "spawn ", spgen_argv[0]) ;
  }
  g->role = SPGEN_CURRENT ;
  sprun.child = g->pid ;
  sprun_target_set(g->pid, sprun.cfg->pgroup) ;
  spgen_fmt(fmt, g) ;
  sprun_log(SPRUN_INFO, SPRUN_LE_SPAWN, fmt, " started: ", spgen_argv[0]) ;
}
