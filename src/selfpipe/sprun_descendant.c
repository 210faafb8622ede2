/* ISC license. */

#include "sprun.h"

 /*
    Whether pid is a living process of the runner's own tree: its chain
    of parents, read from /proc, reaches the runner. Anything else (pid 1,
    the runner itself, a stranger, a zombie, a pid that is gone) is not.
    The chain is bounded: a loop in /proc (a pid reused while walking)
    cannot hold the runner.
 */

#define SPRUN_DEPTH_MAX 4096

int sprun_descendant (pid_t pid)
{
  return pid != sprun.self && sprun_descends(pid, sprun.self) ;
}

 /* pid is root, or of root's tree; both living */
int sprun_descends (pid_t pid, pid_t root)
{
  unsigned int depth = 0 ;
  char state ;
  pid_t p ;
  if (pid <= 1) return 0 ;
  if (sprun_proc_stat(pid, &state, &p) < 0 || state == 'Z' || state == 'X') return 0 ;
  if (pid == root) return 1 ;
  while (depth++ < SPRUN_DEPTH_MAX)
  {
    if (p == root) return 1 ;
    if (p <= 1) return 0 ;
    if (sprun_proc_stat(p, 0, &p) < 0) return 0 ;
  }
  return 0 ;
}
