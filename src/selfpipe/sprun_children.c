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
 */

unsigned int sprun_children (void (*f)(pid_t, void *), void *data)
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
    if (sprun_proc_stat(pid, &state, &ppid) < 0 || ppid != sprun.self || state == 'Z' || state == 'X') continue ;
    if (f) (*f)(pid, data) ;
    n++ ;
  }
  closedir(dir) ;
  return n ;
}
