/* ISC license. */

#include <signal.h>
#include <unistd.h>
#include <sys/prctl.h>

#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "sprun.h"

 /*
    -a: the runner asks the kernel for a signal when its own parent dies
    (PR_SET_PDEATHSIG on itself, what tini's -p does), and that delivery
    goes the usual way, as a signal from the parent would: forwarded,
    remapped, gated, or the start of a stop. -p is the other direction:
    the child's signal when the runner dies. Set once the signals are
    trapped, so the first one is caught; a parent that died before the
    prctl took hold sent nothing, so the runner sends it to itself.
    (The kernel's parent is the thread that forked the runner.)
 */

static pid_t parent ;

void sprun_parentsig_init (void)
{
  int sig = sprun.cfg->parentsig ;
  if (!sig) return ;
  parent = getppid() ;
  if (prctl(PR_SET_PDEATHSIG, sig) < 0) strerr_diefu1sys(111, "set the parent death signal of -a") ;
  if (getppid() != parent) kill(getpid(), sig) ;
}

 /* Says where a delivery of the -a signal came from, once the parent
    is gone: the kernel sends it in the dying parent's name. */
void sprun_parentsig_check (sp_info const *info)
{
  char fmt[PID_FMT] ;
  char name[SP_SIGNAME_MAX + 1] ;
  if (!parent || info->sig != sprun.cfg->parentsig || getppid() == parent) return ;
  if (info->pid != parent && info->pid != sprun.self) return ;
  fmt[pid_fmt(fmt, parent)] = 0 ;
  name[sp_sig_fmt(name, info->sig)] = 0 ;
  parent = 0 ;
  sprun_log(SPRUN_INFO, SPRUN_LE_SIGNAL, "parent pid ", fmt, " died: ", name, " is its death signal (-a)") ;
}
