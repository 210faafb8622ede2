/* ISC license. */

#include <string.h>

#include <skalibs/types.h>

#include "sprun.h"

 /* The text renderer: "SIGHUP from pid 812 uid 0 -> SIGHUP to pid 813" */

void sprun_event_init (sprun_event *ev, sp_info const *info)
{
  memset(ev, 0, sizeof(*ev)) ;
  ev->info = *info ;
}

 /* "SIGHUP from pid 812 uid 0", "SIGWINCH from kernel" */
static size_t fmt_head (char *s, sp_info const *info)
{
  size_t len = sp_sig_fmt(s, info->sig) ;
  char const *from = " from unknown sender" ;
  if (info->pid > 0)
  {
    memcpy(s + len, " from pid ", 10) ; len += 10 ;
    len += pid_fmt(s + len, info->pid) ;
    memcpy(s + len, " uid ", 5) ; len += 5 ;
    len += uid_fmt(s + len, info->uid) ;
    from = "" ;
  }
  else if (info->code == SI_KERNEL || info->code > 0) from = " from kernel" ;
  /* a process the kernel cannot name in our pid namespace: si_pid 0
     with a user's code. A lost delivery's record has no code to go by. */
  else if (!info->lost && (info->code == SI_USER || info->code == SI_QUEUE || info->code == SI_TKILL))
    from = sprun.self == 1 ? " from outside the container" : " from outside the pid namespace" ;
  memcpy(s + len, from, strlen(from)) ; len += strlen(from) ;
  s[len] = 0 ;
  return len ;
}

void sprun_event_log (sprun_event const *ev)
{
  char head[SP_SIGNAME_MAX + 48 + PID_FMT + UID_FMT] ;
  char what[SPRUN_TARGET_MAX > SPRUN_STATUS_MAX ? SPRUN_TARGET_MAX : SPRUN_STATUS_MAX] ;
  char const *v[6] = { "", "", "", "", "", "" } ;
  int level = SPRUN_INFO ;
  switch (ev->outcome)
  {
    case SPRUN_EV_FORWARDED :
      sprun_fmt_target(what, ev->to, ev->target) ; v[0] = what ; break ;
    case SPRUN_EV_FAILED :
      sprun_fmt_target(what, ev->to, ev->target) ; v[0] = what ;
      v[1] = " failed: " ; v[2] = strerror(ev->err) ; level = SPRUN_WARN ; break ;
    case SPRUN_EV_IGNORED : v[0] = "ignored" ; break ;
    case SPRUN_EV_SELF : v[0] = "not forwarded: caused by the runner" ; break ;
    case SPRUN_EV_TERMINAL : v[0] = "not forwarded: terminal already sent it" ; break ;
    case SPRUN_EV_COALESCED :
      v[0] = "coalesced: hook " ; v[1] = ev->hook ; v[2] = " running" ; break ;
    case SPRUN_EV_NOSTART :
      v[0] = "held: hook " ; v[1] = ev->hook ; v[2] = " could not start: " ; v[3] = strerror(ev->err) ;
      level = SPRUN_WARN ; break ;
    case SPRUN_EV_TIMEDOUT :
      what[uint_fmt(what, ev->ms)] = 0 ;
      v[0] = "held: hook " ; v[1] = ev->hook ; v[2] = " timed out after " ; v[3] = what ; v[4] = " ms" ;
      level = SPRUN_WARN ; break ;
    case SPRUN_EV_STOPPING :
      sprun_fmt_target(what, ev->to, ev->target) ; v[0] = "stop: " ; v[1] = what ; break ;
    case SPRUN_EV_STOPPING_AGAIN : v[0] = "stop already under way" ; break ;
    case SPRUN_EV_HELD : v[0] = "held: no master followed yet" ; break ;
    case SPRUN_EV_UPGRADE :
      sprun_fmt_target(what, ev->to, ev->target) ; v[0] = "upgrade: " ; v[1] = what ; break ;
    case SPRUN_EV_UPGRADE_BUSY : v[0] = "upgrade already under way: ignored" ; level = SPRUN_WARN ; break ;
    case SPRUN_EV_NOTREADY : v[0] = "held until the service is ready" ; break ;
    case SPRUN_EV_DELAYED :
      what[uint_fmt(what, ev->ms)] = 0 ;
      v[0] = "stop delayed: forwarded in " ; v[1] = what ; v[2] = " ms (-D)" ; break ;
    case SPRUN_EV_DELAY_CUT : v[0] = "ends the stop delay early" ; break ;
    case SPRUN_EV_GONE : v[0] = "not forwarded: target gone" ; break ;
    case SPRUN_EV_REFUSED :
      sprun_fmt_status(what, ev->wstat) ;
      v[0] = "held: hook " ; v[1] = ev->hook ; v[2] = " " ; v[3] = what ; break ;
  }
  if (!sprun_log_wants(level)) return ;
  fmt_head(head, &ev->info) ;
  sprun_log(level, head, " -> ", v[0], v[1], v[2], v[3], v[4], v[5]) ;
}
