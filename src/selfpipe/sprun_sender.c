/* ISC license. */

#include <signal.h>
#include <stdint.h>
#include <string.h>

#include <skalibs/tai.h>

#include "sprun.h"

 /*
    Who sent a delivery, as well as the kernel lets us know: the pid
    and uid it gives, and the command name /proc gives for that pid
    when the record is handled, after the forward. A sender that has
    exited by then is said to be gone, not guessed at. si_pid 0 is the
    kernel, the terminal (the kernel on its behalf), or a process of
    another pid namespace (a container engine): the code tells which.
    Reading /proc/PID/comm is one bounded read that never blocks; a
    burst from one sender reads it once a turn of the loop. So does the
    target's SigIgn: a signal it ignores is said to be.
 */

static struct
{
  pid_t pid ;
  tain when ;
  unsigned char from ;
  char comm[17] ;
} cache = { .pid = 0 } ;

static struct
{
  pid_t pid ;
  tain when ;
  uint64_t mask ;
  int all ;  /* the mask has signals 32 to 64 too */
} ign = { .pid = 0 } ;

/* the same turn of the loop: STAMP has not moved (a tain has padding:
   its fields are compared, not its bytes) */
static int now (tain const *t)
{
  return !tain_less(t, &STAMP) && !tain_less(&STAMP, t) ;
}

static int ignores (pid_t pid, int sig)
{
  if (sig <= 0 || sig > 64) return 0 ;
  if (pid != ign.pid || !now(&ign.when) || (sig > 31 && !ign.all))
  {
    ign.all = sig > 31 ;
    ign.mask = sprun_proc_sigign(pid, ign.all) ;
    ign.pid = pid ;
    ign.when = STAMP ;
  }
  return (ign.mask >> (sig - 1)) & 1 ;
}

static void name (sprun_event *ev)
{
  pid_t pid = ev->info.pid ;
  if (pid != cache.pid || !now(&cache.when))
  {
    ssize_t r = sprun_proc_name(pid, cache.comm, sizeof(cache.comm)) ;
    cache.from = r < 0 ? SPRUN_FROM_GONE : r ? SPRUN_FROM_PROCESS : SPRUN_FROM_NONAME ;
    cache.pid = pid ;
    cache.when = STAMP ;
  }
  ev->from = cache.from ;
  memcpy(ev->comm, cache.comm, sizeof(ev->comm)) ;
}

static int by_user (int code)
{
  return code == SI_USER || code == SI_QUEUE || code == SI_TKILL || code == SI_MESGQ ;
}

 /* Fills ev->from and ev->comm once, the first time it is called (a
    delivery a hook decides is named when the hook starts); and, each
    time, what the target makes of the signal it was sent. */

void sprun_sender (sprun_event *ev)
{
  sp_info const *info = &ev->info ;
  if (ev->to && ev->target && !ev->err)
    ev->unheard = ignores(ev->target < 0 ? -ev->target : ev->target, ev->to) ;
  if (ev->looked) return ;
  ev->looked = 1 ;
  if (info->pid > 0) name(ev) ;
  else if (info->lost) ev->from = SPRUN_FROM_UNKNOWN ;
  else if (by_user(info->code)) ev->from = SPRUN_FROM_OUTSIDE ;
  else if (info->code == SI_KERNEL && sp_sig_class(info->sig) & SP_SIG_TTY) ev->from = SPRUN_FROM_TERMINAL ;
  else ev->from = SPRUN_FROM_KERNEL ;
}

 /* si_code in a word; 0 for a lost delivery, which has none */
char const *sprun_sender_code (sp_info const *info)
{
  if (info->lost && !info->pid) return 0 ;
  switch (info->code)
  {
    case SI_USER : return "kill" ;
    case SI_QUEUE : return "sigqueue" ;
    case SI_TKILL : return "tkill" ;
    case SI_KERNEL : if (sp_sig_class(info->sig) & SP_SIG_TTY) return "terminal" ;
      /* fallthrough */
    default : return "kernel" ;
  }
}

 /* the "from" field's word */
char const *sprun_sender_from (unsigned int from)
{
  static char const *const words[] = { "process", "process", "gone", "kernel", "terminal", "outside", "unknown" } ;
  return from < sizeof(words) / sizeof(*words) ? words[from] : "unknown" ;
}
