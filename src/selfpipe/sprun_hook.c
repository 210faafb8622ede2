/* ISC license. */

#include <errno.h>
#include <fcntl.h>
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
    Each hook leads a process group of its own: when it ends, times
    out, or the child goes, the whole group goes, so a hook that forks
    (sh -c 'nginx -t && ...') leaves nothing behind.
 */

typedef struct hook_s hook ;
struct hook_s
{
  pid_t pid ;         /* the running hook, also its process group; 0 if none */
  sprun_event ev ;    /* the delivery it decides on */
  sp_info next ;      /* the newest coalesced delivery, if again */
  tain deadline ;
  unsigned char again ;
  unsigned char timedout ;
} ;

 /* apart from the state every delivery touches: only -c writes here */
static hook hooks[SP_NSIG] SPRUN_COLD ;

static char const *const hookvars[3] = { "SELFPIPE_SIGNAL=", "SELFPIPE_CHILD=", "SELFPIPE_SENDER=" } ;

static int ours (char const *var)
{
  for (unsigned int i = 0 ; i < 3 ; i++)
    if (!strncmp(var, hookvars[i], strlen(hookvars[i]))) return 1 ;
  return 0 ;
}

static pid_t hook_spawn (char const *path, sp_info const *info)
{
  size_t n = 0, m = 0 ;
  char vsig[16 + SP_SIGNAME_MAX + 1] = "SELFPIPE_SIGNAL=" ;
  char vchild[15 + PID_FMT] = "SELFPIPE_CHILD=" ;
  char vsender[16 + PID_FMT] = "SELFPIPE_SENDER=" ;
  char const *argv[2] = { path, 0 } ;
  sp_spawnattr attr = SP_SPAWNATTR_ZERO ;
  while (environ[n]) n++ ;
  {
    char const *envp[n + 4] ;
    vsig[16 + sp_sig_fmt(vsig + 16, info->sig)] = 0 ;
    vchild[15 + pid_fmt(vchild + 15, sprun.child)] = 0 ;
    vsender[16 + (info->pid > 0 ? pid_fmt(vsender + 16, info->pid) : 0)] = 0 ;
    for (size_t i = 0 ; i < n ; i++) if (!ours(environ[i])) envp[m++] = environ[i] ;
    envp[m++] = vsig ; envp[m++] = vchild ; envp[m++] = vsender ; envp[m] = 0 ;
    /* the path as checked at startup, no PATH search; its stdout is our stderr */
    attr.flags = SP_SPAWN_SETPGID | SP_SPAWN_NOPATH ;
    if (fcntl(2, F_GETFD) >= 0) attr.fds[attr.nfds++] = (sp_spawnfd){ .from = 2, .to = 1 } ;
    return sp_spawn(path, argv, envp, &attr) ;
  }
}

static void hook_start (int sig, sp_info const *info)
{
  hook *h = hooks + sig ;
  char const *path = sprun.cfg->hook[sig] ;
  pid_t pid ;
  sprun_event_init(&h->ev, info) ;
  h->ev.hook = path ;
  h->timedout = 0 ;
  pid = hook_spawn(path, info) ;
  if (pid < 0)
  {
    h->ev.outcome = SPRUN_EV_NOSTART ;
    h->ev.err = errno ;
    sprun_event_log(&h->ev) ;
    return ;
  }
  h->pid = pid ;
  /* the sender is named now, not when the hook has decided */
  if (sprun_log_wants(SPRUN_WARN)) sprun_sender(&h->ev) ;
  if (sprun.cfg->hooktimeout)
  {
    tain t ;
    tain_from_millisecs(&t, (int)sprun.cfg->hooktimeout) ;
    tain_add_g(&h->deadline, &t) ;
  }
  if (sprun_log_wants(SPRUN_DEBUG))
  {
    char fmt[PID_FMT] ;
    char name[SP_SIGNAME_MAX + 1] ;
    fmt[pid_fmt(fmt, pid)] = 0 ;
    name[sp_sig_fmt(name, sig)] = 0 ;
    sprun_log(SPRUN_DEBUG, SPRUN_LE_GATE, "hook ", path, " pid ", fmt, " started for ", name) ;
  }
}

void sprun_hook_request (sprun_event *ev)
{
  hook *h = hooks + ev->info.sig ;
  if (h->pid)
  {
    h->next = ev->info ;
    h->again = 1 ;
    ev->outcome = SPRUN_EV_COALESCED ;
    ev->hook = sprun.cfg->hook[ev->info.sig] ;
    sprun_event_log(ev) ;
    return ;
  }
  hook_start(ev->info.sig, &ev->info) ;
}

static hook *find (pid_t pid)
{
  for (int sig = 1 ; sig < SP_NSIG ; sig++)
    if (hooks[sig].pid == pid) return hooks + sig ;
  return 0 ;
}

 /* pid is dead and not yet reaped, so its group id is still its own:
    end what the hook left behind. Returns 1 if pid was a hook. */

int sprun_hook_reaping (pid_t pid)
{
  if (!find(pid)) return 0 ;
  kill(-pid, SIGKILL) ;
  return 1 ;
}

 /* Returns 1 if pid was a hook. */

int sprun_hook_end (pid_t pid, int wstat)
{
  hook *h = find(pid) ;
  int sig ;
  if (!h) return 0 ;
  sig = (int)(h - hooks) ;
  h->pid = 0 ;
  if (sprun_log_wants(SPRUN_DEBUG))
  {
    char fmt[PID_FMT] ;
    char st[SPRUN_STATUS_MAX] ;
    fmt[pid_fmt(fmt, pid)] = 0 ;
    sprun_fmt_status(st, wstat) ;
    sprun_log(SPRUN_DEBUG, SPRUN_LE_GATE, "hook ", h->ev.hook, " pid ", fmt, " ", st) ;
  }
  if (h->timedout)
  {
    h->ev.outcome = SPRUN_EV_TIMEDOUT ;
    h->ev.ms = sprun.cfg->hooktimeout ;
    sprun_event_log(&h->ev) ;
  }
  else if (WIFEXITED(wstat) && !WEXITSTATUS(wstat)) sprun_deliver(&h->ev) ;
  else
  {
    h->ev.outcome = SPRUN_EV_REFUSED ;
    h->ev.wstat = wstat ;
    sprun_event_log(&h->ev) ;
  }
  if (h->again && sprun.child)
  {
    h->again = 0 ;
    hook_start(sig, &h->next) ;
  }
  return 1 ;
}

int sprun_hook_deadline (tain *deadline)
{
  int has = 0 ;
  if (!sprun.cfg->hooktimeout) return 0 ;
  for (int sig = 1 ; sig < SP_NSIG ; sig++)
  {
    hook const *h = hooks + sig ;
    if (h->pid && !h->timedout && (!has || tain_less(&h->deadline, deadline)))
    {
      *deadline = h->deadline ;
      has = 1 ;
    }
  }
  return has ;
}

void sprun_hook_timers (void)
{
  if (!sprun.cfg->hooktimeout) return ;
  for (int sig = 1 ; sig < SP_NSIG ; sig++)
  {
    hook *h = hooks + sig ;
    if (h->pid && !h->timedout && !tain_future(&h->deadline))
    {
      kill(-h->pid, SIGKILL) ;
      h->timedout = 1 ;
    }
  }
}

 /* The child is gone: nobody will use a hook's answer. */

void sprun_hook_killall (void)
{
  for (int sig = 1 ; sig < SP_NSIG ; sig++)
    if (hooks[sig].pid) kill(-hooks[sig].pid, SIGKILL) ;
}
