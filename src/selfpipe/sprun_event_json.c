/* ISC license. */

#include <string.h>

#include "sprun.h"

 /*
    The JSON renderer of a delivery: the same event as the text line,
    as fields (doc/selfpipe-run.html lists them). Returns the length of
    the members it wrote into s, each after a comma, to follow "event".
 */

 /* what the runner did, and how it went; 0: not said */
static void action (enum sprun_outcome_e o, char const **act, char const **result)
{
  static struct { char const *act, *result ; } const words[] =
  {
    [SPRUN_EV_FORWARDED] = { "forward", "ok" },
    [SPRUN_EV_FAILED] = { "forward", "failed" },
    [SPRUN_EV_IGNORED] = { "ignore", 0 },
    [SPRUN_EV_SELF] = { "drop", "caused by the runner" },
    [SPRUN_EV_TERMINAL] = { "drop", "sent by the terminal already" },
    [SPRUN_EV_COALESCED] = { "coalesce", 0 },
    [SPRUN_EV_NOSTART] = { "hold", "failed" },
    [SPRUN_EV_TIMEDOUT] = { "hold", "timeout" },
    [SPRUN_EV_REFUSED] = { "hold", "refused" },
    [SPRUN_EV_STOPPING] = { "stop", "ok" },
    [SPRUN_EV_STOPPING_AGAIN] = { "ignore", "stop under way" },
    [SPRUN_EV_HELD] = { "hold", "no master" },
    [SPRUN_EV_UPGRADE] = { "upgrade", "ok" },
    [SPRUN_EV_UPGRADE_BUSY] = { "ignore", "upgrade under way" },
    [SPRUN_EV_NOTREADY] = { "hold", "not ready" },
    [SPRUN_EV_DELAYED] = { "delay", 0 },
    [SPRUN_EV_DELAY_CUT] = { "release", "second stop signal" },
    [SPRUN_EV_GONE] = { "drop", "target gone" },
    [SPRUN_EV_ROLLOUT] = { "rollout", "ok" },
    [SPRUN_EV_ROLLOUT_BUSY] = { "ignore", "rollout under way" },
    [SPRUN_EV_ROLLOUT_STOPPING] = { "ignore", "stopping" }
  } ;
  *act = words[o].act ;
  *result = words[o].result ;
}

static size_t sig_fields (char *s, size_t n, size_t max, char const *key, char const *numkey, int sig)
{
  char name[SP_SIGNAME_MAX + 1] ;
  name[sp_sig_fmt(name, sig)] = 0 ;
  n = sprun_json_strfield(s, n, max, key, name) ;
  return sprun_json_intfield(s, n, max, numkey, sig) ;
}

static size_t sender_fields (char *s, size_t n, size_t max, sprun_event const *ev)
{
  sp_info const *info = &ev->info ;
  char const *code = sprun_sender_code(info) ;
  if (code) n = sprun_json_strfield(s, n, max, "code", code) ;
  if (info->code == SI_QUEUE) n = sprun_json_intfield(s, n, max, "value", info->value.sival_int) ;
  n = sprun_json_strfield(s, n, max, "from", sprun_sender_from(ev->from)) ;
  if (info->lost) n = sprun_json_intfield(s, n, max, "lost", info->lost) ;
  if (ev->from > SPRUN_FROM_GONE) return n ;
  n = sprun_json_intfield(s, n, max, "sender_pid", info->pid) ;
  n = sprun_json_intfield(s, n, max, "sender_uid", info->uid) ;
  if (ev->from == SPRUN_FROM_PROCESS)
  {
    n = sprun_json_key(s, n, max, "sender_comm") ;
    n = sprun_json_str(s, n, max, ev->comm, strlen(ev->comm)) ;
  }
  return n ;
}

static size_t outcome_fields (char *s, size_t n, size_t max, sprun_event const *ev)
{
  char const *act, *result ;
  action(ev->outcome, &act, &result) ;
  n = sprun_json_strfield(s, n, max, "action", act) ;
  if (ev->to)
  {
    n = sig_fields(s, n, max, "to", "to_signo", ev->to) ;
    if (ev->target) n = sprun_json_intfield(s, n, max, ev->target < 0 ? "target_pgid" : "target_pid", ev->target < 0 ? -(long long)ev->target : ev->target) ;
    if (ev->unheard) n = sprun_json_litfield(s, n, max, "ignored_by_target", "true") ;
  }
  if (result) n = sprun_json_strfield(s, n, max, "result", result) ;
  if (ev->err)
  {
    n = sprun_json_strfield(s, n, max, "error", strerror(ev->err)) ;
    n = sprun_json_intfield(s, n, max, "errno", ev->err) ;
  }
  return n ;
}

static size_t hook_fields (char *s, size_t n, size_t max, sprun_event const *ev)
{
  if (ev->hook)
  {
    n = sprun_json_key(s, n, max, "hook") ;
    n = sprun_json_str(s, n, max, ev->hook, strlen(ev->hook)) ;
  }
  if (ev->outcome == SPRUN_EV_REFUSED)
  {
    char st[SPRUN_STATUS_MAX] ;
    sprun_fmt_status(st, ev->wstat) ;
    n = sprun_json_strfield(s, n, max, "hook_status", st) ;
  }
  if (ev->outcome == SPRUN_EV_TIMEDOUT) n = sprun_json_intfield(s, n, max, "timeout_ms", ev->ms) ;
  if (ev->outcome == SPRUN_EV_DELAYED) n = sprun_json_intfield(s, n, max, "delay_ms", ev->ms) ;
  return n ;
}

size_t sprun_event_json (char *s, size_t max, sprun_event const *ev)
{
  size_t n = sig_fields(s, 0, max, "signal", "signo", ev->info.sig) ;
  n = sender_fields(s, n, max, ev) ;
  n = outcome_fields(s, n, max, ev) ;
  return hook_fields(s, n, max, ev) ;
}
