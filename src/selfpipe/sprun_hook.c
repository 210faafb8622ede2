/* ISC license. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "sprun.h"

extern char **environ ;

 /*
    -c hooks. A hook runs asynchronously; its signal is forwarded only
    if it exits 0. Deliveries of the same signal while it runs are
    coalesced into one re-run once it ends, so the newest state is
    what gets checked. Other signals never wait behind it.
 */

typedef struct hookexec_s hookexec ;
struct hookexec_s
{
  char const *path ;
  char sig[SP_SIGNAME_MAX + 1] ;
  char child[PID_FMT] ;
  char sender[PID_FMT] ;
} ;

 /* In the child: the environment, stdout to the runner's stderr, and
    an exec of the path as given (checked at startup), no PATH search. */

static int hook_setup (void *data)
{
  hookexec const *h = data ;
  char const *argv[2] = { h->path, 0 } ;
  if (setenv("SELFPIPE_SIGNAL", h->sig, 1) < 0
   || setenv("SELFPIPE_CHILD", h->child, 1) < 0
   || setenv("SELFPIPE_SENDER", h->sender, 1) < 0) return -1 ;
  if (dup2(2, 1) < 0 && errno != EBADF) return -1 ;
  execve(h->path, (char *const *)argv, environ) ;
  return -1 ;
}

static void hook_start (int sig, sp_info const *info)
{
  sprun_hook *h = sprun.hooks + sig ;
  hookexec x = { .path = sprun.cfg->hook[sig] } ;
  char const *argv[2] = { x.path, 0 } ;
  pid_t pid ;
  x.sig[sp_sig_fmt(x.sig, sig)] = 0 ;
  x.child[pid_fmt(x.child, sprun.child)] = 0 ;
  if (info->pid > 0) x.sender[pid_fmt(x.sender, info->pid)] = 0 ;
  else x.sender[0] = 0 ;
  h->info = *info ;
  h->timedout = 0 ;
  pid = sp_spawn(x.path, argv, (char const *const *)environ, &hook_setup, &x) ;
  if (pid < 0)
  {
    int e = errno ;
    char ev[SPRUN_EVENT_MAX] ;
    sprun_fmt_event(ev, info) ;
    sprun_log(SPRUN_WARN, ev, " -> held: hook ", x.path, " could not start: ", strerror(e)) ;
    return ;
  }
  h->pid = pid ;
  if (sprun.cfg->hooktimeout)
  {
    tain t ;
    tain_from_millisecs(&t, (int)sprun.cfg->hooktimeout) ;
    tain_add_g(&h->deadline, &t) ;
  }
  if (sprun_log_wants(SPRUN_DEBUG))
  {
    char fmt[PID_FMT] ;
    fmt[pid_fmt(fmt, pid)] = 0 ;
    sprun_log(SPRUN_DEBUG, "hook ", x.path, " pid ", fmt, " started for ", x.sig) ;
  }
}

void sprun_hook_request (sp_info const *info)
{
  sprun_hook *h = sprun.hooks + info->sig ;
  if (h->pid)
  {
    char ev[SPRUN_EVENT_MAX] ;
    h->next = *info ;
    h->again = 1 ;
    sprun_fmt_event(ev, info) ;
    sprun_log(SPRUN_INFO, ev, " -> coalesced: hook ", sprun.cfg->hook[info->sig], " running") ;
    return ;
  }
  hook_start(info->sig, info) ;
}

 /* Returns 1 if pid was a hook. */

int sprun_hook_end (pid_t pid, int wstat)
{
  char ev[SPRUN_EVENT_MAX] ;
  char st[SPRUN_STATUS_MAX] ;
  sprun_hook *h = 0 ;
  int sig ;
  for (sig = 1 ; sig < NSIG ; sig++)
    if (sprun.hooks[sig].pid == pid) { h = sprun.hooks + sig ; break ; }
  if (!h) return 0 ;
  h->pid = 0 ;
  sprun_fmt_status(st, wstat) ;
  if (sprun_log_wants(SPRUN_DEBUG))
  {
    char fmt[PID_FMT] ;
    fmt[pid_fmt(fmt, pid)] = 0 ;
    sprun_log(SPRUN_DEBUG, "hook ", sprun.cfg->hook[sig], " pid ", fmt, " ", st) ;
  }
  if (h->timedout)
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, sprun.cfg->hooktimeout)] = 0 ;
    sprun_fmt_event(ev, &h->info) ;
    sprun_log(SPRUN_WARN, ev, " -> held: hook ", sprun.cfg->hook[sig], " timed out after ", fmt, " ms") ;
  }
  else if (WIFEXITED(wstat) && !WEXITSTATUS(wstat)) sprun_deliver(&h->info) ;
  else
  {
    sprun_fmt_event(ev, &h->info) ;
    sprun_log(SPRUN_INFO, ev, " -> held: hook ", sprun.cfg->hook[sig], " ", st) ;
  }
  if (h->again && sprun.child)
  {
    h->again = 0 ;
    hook_start(sig, &h->next) ;
  }
  return 1 ;
}

void sprun_hook_timers (void)
{
  if (!sprun.cfg->hooktimeout) return ;
  for (int sig = 1 ; sig < NSIG ; sig++)
  {
    sprun_hook *h = sprun.hooks + sig ;
    if (h->pid && !h->timedout && !tain_future(&h->deadline))
    {
      kill(h->pid, SIGKILL) ;
      h->timedout = 1 ;
    }
  }
}

 /* The child is gone: nobody will use a hook's answer. */

void sprun_hook_killall (void)
{
  for (int sig = 1 ; sig < NSIG ; sig++)
    if (sprun.hooks[sig].pid) kill(sprun.hooks[sig].pid, SIGKILL) ;
}
