/* ISC license. */

#include <string.h>

#include <skalibs/types.h>

#include "sprun.h"

 /* The event, and its text renderer:
    "SIGHUP from pid 812 (s6-supervise) uid 0 by kill -> SIGHUP to pid 813".
    The JSON renderer (sprun_event_json.c) prints the same event. */

void sprun_event_init (sprun_event *ev, sp_info const *info)
{
  memset(ev, 0, sizeof(*ev)) ;
  ev->info = *info ;
}

static size_t cat (char *s, size_t len, char const *t)
{
  size_t n = strlen(t) ;
  memcpy(s + len, t, n) ;
  return len + n ;
}

 /* " by kill", " by sigqueue value 42"; nothing when "from" said it */
static size_t fmt_code (char *s, size_t len, sp_info const *info)
{
  char const *code = sprun_sender_code(info) ;
  if (!code || !strcmp(code, "kernel") || !strcmp(code, "terminal")) return len ;
  len = cat(s, len, " by ") ;
  len = cat(s, len, code) ;
  if (info->code == SI_QUEUE)
  {
    int v = info->value.sival_int ;
    len = cat(s, len, " value ") ;
    if (v < 0) s[len++] = '-' ;
    len += uint_fmt(s + len, v < 0 ? -(unsigned int)v : (unsigned int)v) ;
  }
  return len ;
}

 /* "SIGHUP from pid 812 (s6-supervise) uid 0 by kill", "SIGINT from the terminal" */
static size_t fmt_head (char *s, sprun_event const *ev)
{
  static char const *const from[] =
  {
    "", "", "", " from the kernel", " from the terminal", " from outside the pid namespace", " from unknown sender"
  } ;
  sp_info const *info = &ev->info ;
  size_t len = sp_sig_fmt(s, info->sig) ;
  if (ev->from <= SPRUN_FROM_GONE)
  {
    len = cat(s, len, " from pid ") ;
    len += pid_fmt(s + len, info->pid) ;
    if (ev->from != SPRUN_FROM_NONAME)
    {
      size_t n = len + 2 ;
      len = cat(s, len, ev->from == SPRUN_FROM_GONE ? " (gone" : " (") ;
      if (ev->from == SPRUN_FROM_PROCESS) len = cat(s, len, ev->comm) ;
      /* one line, whatever the name holds */
      for (; n < len ; n++) if ((unsigned char)s[n] < 32 || s[n] == 127) s[n] = '?' ;
      s[len++] = ')' ;
    }
    len = cat(s, len, " uid ") ;
    len += uid_fmt(s + len, info->uid) ;
  }
  else if (ev->from == SPRUN_FROM_OUTSIDE && sprun.self == 1) len = cat(s, len, " from outside the container") ;
  else len = cat(s, len, from[ev->from]) ;
  len = fmt_code(s, len, info) ;
  s[len] = 0 ;
  return len ;
}

 /* "SIGHUP to pid 813", with " (ignored by it)" when the target ignores it */
static void fmt_sent (char *s, sprun_event const *ev)
{
  size_t len = sprun_fmt_target(s, ev->to, ev->target) ;
  if (ev->unheard) len = cat(s, len, " (ignored by it)") ;
  s[len] = 0 ;
}

 /* What the runner did, in the words after the arrow; the level */
static int fmt_tail (char const **v, char *what, sprun_event const *ev)
{
  switch (ev->outcome)
  {
    case SPRUN_EV_FORWARDED : fmt_sent(what, ev) ; v[0] = what ; return SPRUN_INFO ;
    case SPRUN_EV_FAILED :
      fmt_sent(what, ev) ; v[0] = what ; v[1] = " failed: " ; v[2] = strerror(ev->err) ; return SPRUN_WARN ;
    case SPRUN_EV_IGNORED : v[0] = "ignored" ; return SPRUN_INFO ;
    case SPRUN_EV_SELF : v[0] = "not forwarded: caused by the runner" ; return SPRUN_INFO ;
    case SPRUN_EV_TERMINAL : v[0] = "not forwarded: terminal already sent it" ; return SPRUN_INFO ;
    case SPRUN_EV_COALESCED : v[0] = "coalesced: hook " ; v[1] = ev->hook ; v[2] = " running" ; return SPRUN_INFO ;
    case SPRUN_EV_NOSTART :
      v[0] = "held: hook " ; v[1] = ev->hook ; v[2] = " could not start: " ; v[3] = strerror(ev->err) ; return SPRUN_WARN ;
    case SPRUN_EV_TIMEDOUT :
      what[uint_fmt(what, ev->ms)] = 0 ;
      v[0] = "held: hook " ; v[1] = ev->hook ; v[2] = " timed out after " ; v[3] = what ; v[4] = " ms" ; return SPRUN_WARN ;
    case SPRUN_EV_REFUSED :
      sprun_fmt_status(what, ev->wstat) ;
      v[0] = "held: hook " ; v[1] = ev->hook ; v[2] = " " ; v[3] = what ; return SPRUN_INFO ;
    case SPRUN_EV_STOPPING : fmt_sent(what, ev) ; v[0] = "stop: " ; v[1] = what ; return SPRUN_INFO ;
    case SPRUN_EV_STOPPING_AGAIN : v[0] = "stop already under way" ; return SPRUN_INFO ;
    case SPRUN_EV_HELD : v[0] = "held: no master followed yet" ; return SPRUN_INFO ;
    case SPRUN_EV_UPGRADE : fmt_sent(what, ev) ; v[0] = "upgrade: " ; v[1] = what ; return SPRUN_INFO ;
    case SPRUN_EV_UPGRADE_BUSY : v[0] = "upgrade already under way: ignored" ; return SPRUN_WARN ;
    case SPRUN_EV_NOTREADY : v[0] = "held until the service is ready" ; return SPRUN_INFO ;
    case SPRUN_EV_DELAYED :
      what[uint_fmt(what, ev->ms)] = 0 ;
      v[0] = "stop delayed: forwarded in " ; v[1] = what ; v[2] = " ms (-D)" ; return SPRUN_INFO ;
    case SPRUN_EV_DELAY_CUT : v[0] = "ends the stop delay early" ; return SPRUN_INFO ;
    case SPRUN_EV_GONE : v[0] = "not forwarded: target gone" ; return SPRUN_INFO ;
    case SPRUN_EV_ROLLOUT :
      what[uint_fmt(what, ev->ms)] = 0 ;
      v[0] = "rollout: starting generation " ; v[1] = what ; return SPRUN_INFO ;
    case SPRUN_EV_ROLLOUT_BUSY : v[0] = "rollout already under way: ignored" ; return SPRUN_WARN ;
    case SPRUN_EV_ROLLOUT_STOPPING : v[0] = "no rollout: the service is stopping" ; return SPRUN_WARN ;
  }
  return SPRUN_INFO ;
}

 /* Which "event" a delivery's line is, by what became of it */
static enum sprun_logev_e kind (enum sprun_outcome_e o)
{
  switch (o)
  {
    case SPRUN_EV_FORWARDED : case SPRUN_EV_FAILED : return SPRUN_LE_FORWARD ;
    case SPRUN_EV_COALESCED : case SPRUN_EV_NOSTART : case SPRUN_EV_TIMEDOUT : case SPRUN_EV_REFUSED : return SPRUN_LE_GATE ;
    case SPRUN_EV_STOPPING : case SPRUN_EV_STOPPING_AGAIN : case SPRUN_EV_DELAYED : case SPRUN_EV_DELAY_CUT : return SPRUN_LE_STOP ;
    case SPRUN_EV_HELD : case SPRUN_EV_NOTREADY : return SPRUN_LE_HOLD ;
    case SPRUN_EV_UPGRADE : case SPRUN_EV_UPGRADE_BUSY : return SPRUN_LE_UPGRADE ;
    case SPRUN_EV_ROLLOUT : case SPRUN_EV_ROLLOUT_BUSY : case SPRUN_EV_ROLLOUT_STOPPING : return SPRUN_LE_ROLLOUT ;
    default : return SPRUN_LE_SIGNAL ;
  }
}

#define WHAT_MAX (SPRUN_TARGET_MAX + 20 > SPRUN_STATUS_MAX ? SPRUN_TARGET_MAX + 20 : SPRUN_STATUS_MAX)
#define HEAD_MAX (SP_SIGNAME_MAX + 96 + PID_FMT + UID_FMT + 17 * 1 + UINT_FMT)

 /* After the forward: the sender is looked up, and the line rendered
    in the chosen format. */

void sprun_event_log (sprun_event *ev)
{
  char head[HEAD_MAX] ;
  char what[WHAT_MAX] ;
  char msg[1024] ;
  char fields[2048] ;
  char const *v[6] = { "", "", "", "", "", "" } ;
  size_t len ;
  int level = fmt_tail(v, what, ev) ;
  if (!sprun_log_wants(level)) return ;
  sprun_sender(ev) ;
  if (ev->unheard) fmt_tail(v, what, ev) ;
  len = fmt_head(head, ev) ;
  memcpy(msg, head, len) ;
  len = cat(msg, len, " -> ") ;
  /* a hook's path may hold a newline: the line stays one line */
  for (unsigned int i = 0 ; i < 6 ; i++)
    for (char const *t = v[i] ; *t && len < sizeof(msg) ; t++) msg[len++] = *t == '\n' ? ' ' : *t ;
  sprun_log_line(level, kind(ev->outcome), msg, len, fields,
    sprun_log_json() ? sprun_event_json(fields, sizeof(fields), ev) : 0) ;
}
