/* ISC license. */

#include <dirent.h>
#include <signal.h>

#include <skalibs/types.h>

#include "sprun.h"

 /*
    The runner's own living children, from /proc. A child's pid cannot
    name anybody else until the runner reaps it, and the runner reaps
    nothing while this runs: signalling what this finds is safe.
    Calls f(pid, data) for each; returns how many there were.
    With all, every living process but the runner, whoever its parent:
    as PID 1, the whole container.
 */

static unsigned int walk (int all, void (*f)(pid_t, void *), void *data)
{
  unsigned int n = 0 ;
  DIR *dir = opendir("/proc") ;
  struct dirent *d ;
  if (!dir) return 0 ;
  while ((d = readdir(dir)))
  {
    pid_t pid, ppid ;
    char state ;
    size_t len = pid0_scan(d->d_name, &pid) ;
    if (!len || d->d_name[len] || pid <= 0 || pid == sprun.self) continue ;
    if (sprun_proc_stat(pid, &state, &ppid) < 0 || (!all && ppid != sprun.self) || state == 'Z' || state == 'X') continue ;
    if (f) (*f)(pid, data) ;
    n++ ;
  }
  closedir(dir) ;
  return n ;
}

unsigned int sprun_children (void (*f)(pid_t, void *), void *data)
{
  return walk(0, f, data) ;
}

unsigned int sprun_alive (void)
{
  return walk(1, 0, 0) ;
}
