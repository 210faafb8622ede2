/* ISC license. */

#include <sys/stat.h>
#include <stddef.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>

#include <skalibs/bitarray.h>
#include <skalibs/sgetopt.h>
#include <skalibs/types.h>

#include "sprun.h"

 /*
    Parses the options into cfg. Returns the index of prog in argv, 0
    when -h or -V was given (cfg->info says which), or -1 with a
    one-line message naming the bad word in err. Never exits,
    prints or allocates, whatever argv holds: it is fuzzed.
 */

typedef struct errbuf_s errbuf ;
struct errbuf_s
{
  char *s ;
  size_t max ;
  size_t len ;
} ;

 /* Appends, truncating; control characters become '?' so the message
    stays on one line. */
static void err_cat (errbuf *e, char const *s)
{
  for (; *s && e->len + 1 < e->max ; s++)
    e->s[e->len++] = (unsigned char)*s < 32 || *s == 127 ? '?' : *s ;
  if (e->max) e->s[e->len] = 0 ;
}

static int err3 (errbuf *e, char const *a, char const *b, char const *c)
{
  err_cat(e, a) ; err_cat(e, b) ; err_cat(e, c) ;
  return -1 ;
}

 /* What the runner cannot take as the source of -m, -c or -t, in
    words; 0 if it can. A fault signal is forwarded, but only as
    itself: remapping or gating it would invite loops on a real one. */

char const *sprun_source_refusal (int sig)
{
  unsigned int class = sp_sig_class(sig) ;
  if (class & (SP_SIG_INVALID | SP_SIG_UNCATCHABLE | SP_SIG_RESERVED | SP_SIG_FAULT)) return sp_sig_class_str(class) ;
  if (class & SP_SIG_CHILD) return "is the runner's own" ;
  return 0 ;
}

 /* "-m KILL:TERM: SIGKILL cannot be caught" */
static int refused (errbuf *e, char const *opt, char const *word, int sig, char const *why)
{
  char name[SP_SIGNAME_MAX + 1] ;
  name[sp_sig_fmt(name, sig)] = 0 ;
  err3(e, opt, word, ": ") ;
  return err3(e, name, " ", why) ;
}

 /* a whole signal word, followed by end (0: the end of the string) */
static size_t scan_sig (char const *s, int *sig, char end)
{
  size_t len = sp_sig_scan(s, sig) ;
  return len && s[len] == end ? len : 0 ;
}

static int scan_ms (char const *s, unsigned int *ms)
{
  unsigned int n ;
  size_t len = uint_scan(s, &n) ;
  if (!len || s[len] || n > INT_MAX) return 0 ;
  *ms = n ;
  return 1 ;
}

 /* a notification fd: not stdin, stdout or stderr, which are the
    service's and the log's */
static int scan_fd (char const *s, int *fd)
{
  unsigned int n ;
  size_t len = uint_scan(s, &n) ;
  if (!len || s[len] || n < 3 || n > INT_MAX) return 0 ;
  *fd = (int)n ;
  return 1 ;
}

static int executable_file (char const *path)
{
  struct stat st ;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0 ;
}

 /* the signal a -m source or -c word names, which must be one the runner catches */
static int scan_source (char const *opt, char const *word, char const *s, int *sig, size_t *len, errbuf *e)
{
  *len = scan_sig(s, sig, ':') ;
  if (!*len)
  {
    if (strchr(s, ':')) return err3(e, opt, word, ": unknown signal before the colon") ;
    return err3(e, opt, word, opt[1] == 'm' ? ": not from:to with two signals" : ": not sig:hook with a signal") ;
  }
  {
    char const *why = sprun_source_refusal(*sig) ;
    if (why) return refused(e, opt, word, *sig, why) ;
  }
  return 0 ;
}

static int parse_map (sprun_config *cfg, char const *word, errbuf *e)
{
  int from, to ;
  size_t len ;
  char const *s ;
  if (scan_source("-m ", word, word, &from, &len, e) < 0) return -1 ;
  s = word + len + 1 ;
  if (s[0] == '0' && !s[1]) to = 0 ;
  else if (!scan_sig(s, &to, 0)) return err3(e, "-m ", word, ": unknown signal in the target") ;
  if (cfg->mapped[from]) return err3(e, "-m ", word, ": this signal is already mapped") ;
  cfg->mapped[from] = 1 ;
  cfg->map[from] = to ;
  return 0 ;
}

static int parse_hook (sprun_config *cfg, char const *word, errbuf *e)
{
  int sig ;
  size_t len ;
  char const *path ;
  if (scan_source("-c ", word, word, &sig, &len, e) < 0) return -1 ;
  path = word + len + 1 ;
  if (cfg->hook[sig]) return err3(e, "-c ", word, ": this signal already has a hook") ;
  if (!path[0] || !executable_file(path)) return err3(e, "-c ", word, ": the hook is not an executable file") ;
  cfg->hook[sig] = path ;
  return 0 ;
}

static int parse_stopsigs (sprun_config *cfg, char const *list, errbuf *e)
{
  char const *s = list ;
  memset(cfg->stopsig, 0, sizeof(cfg->stopsig)) ;
  /* -t 0: no stop signal, so no SIGCONT after any forward */
  if (s[0] == '0' && !s[1]) return 0 ;
  for (;;)
  {
    int sig ;
    char const *why ;
    size_t len = sp_sig_scan(s, &sig) ;
    if (!len || (s[len] && s[len] != ',')) return err3(e, "-t ", list, ": not a list of signals") ;
    why = sprun_source_refusal(sig) ;
    if (why) return refused(e, "-t ", list, sig, why) ;
    cfg->stopsig[sig] = 1 ;
    if (!s[len]) return 0 ;
    s += len + 1 ;
  }
}

 /* -S sig/ms,sig/ms,...,sig[/ms]: each stage's signal, and how long it
    is given before the next one; only the last may go without a time.
    SIGKILL can only be last: nothing comes after it. */

static int stage_error (errbuf *e, char const *list, char const *stage, size_t len, char const *why)
{
  char part[64] ;
  if (len >= sizeof(part)) len = sizeof(part) - 1 ;
  memcpy(part, stage, len) ;
  part[len] = 0 ;
  char head[44] ;
  size_t n = strlen(list) ;
  /* a long list is cut, so the reason still fits on the line */
  if (n > 40) { memcpy(head, list, 40) ; memcpy(head + 40, "...", 4) ; }
  else memcpy(head, list, n + 1) ;
  err3(e, "-S ", head, ": ") ;
  if (len) err3(e, "stage \"", part, "\": ") ;
  return err3(e, why, "", "") ;
}

static int parse_schedule (sprun_config *cfg, char const *list, errbuf *e)
{
  sprun_schedule *sch = &cfg->stop ;
  char const *s = list ;
  unsigned long total = 0 ;
  unsigned int prev = 0 ;
  sch->n = 0 ;
  sch->last = 0 ;
  for (;;)
  {
    size_t end = strcspn(s, ",") ;
    int sig ;
    unsigned int ms = 0 ;
    int timed = 0 ;
    size_t len ;
    if (!end) return stage_error(e, list, s, 0, "an empty stage") ;
    if (sch->n == SPRUN_STAGES_MAX) return stage_error(e, list, "", 0, "more than 16 stages") ;
    len = sp_sig_scan(s, &sig) ;
    if (!len || (len < end && s[len] != '/')) return stage_error(e, list, s, end, "not a signal, or a signal/ms") ;
    if (len < end)
    {
      size_t m = uint_scan(s + len + 1, &ms) ;
      if (!m || len + 1 + m != end || ms > INT_MAX) return stage_error(e, list, s, end, "not a number of milliseconds after the slash") ;
      timed = 1 ;
    }
    if (sch->n && sch->stage[sch->n - 1].sig == SIGKILL) return stage_error(e, list, s, end, "SIGKILL must be the last stage") ;
    sch->stage[sch->n++] = (sprun_stage){ .sig = sig, .ms = prev } ;
    total += ms ;
    if (total > INT_MAX) return stage_error(e, list, s, end, "the times add up to more than 2147483647 ms") ;
    if (!s[end])
    {
      sch->last = ms ;
      return 0 ;
    }
    if (!timed) return stage_error(e, list, s, end, "every stage but the last needs /ms") ;
    prev = ms ;
    s += end + 1 ;
  }
}

 /* -P file[,ms]: the pidfile, and how long it may name nobody. The
    runner must be a subreaper to reap the daemon: -P implies -s. A
    comma ends the file name only when a number follows it. */

static int parse_pidfile (sprun_config *cfg, char const *word, errbuf *e)
{
  char const *comma = strrchr(word, ',') ;
  size_t len = strlen(word) ;
  unsigned int ms = 5000 ;
  if (cfg->pidfile[0]) return err3(e, "-P ", word, ": only one pidfile") ;
  if (comma && comma[1] >= '0' && comma[1] <= '9')
  {
    if (!scan_ms(comma + 1, &ms) || !ms) return err3(e, "-P ", word, ": not a positive number of milliseconds after the comma") ;
    len = comma - word ;
  }
  if (!len) return err3(e, "-P ", word, ": an empty file name") ;
  /* not the word itself: it would fill the line */
  if (len >= sizeof(cfg->pidfile)) return err3(e, "-P: ", "the file name is too long (more than 4095 bytes)", "") ;
  memcpy(cfg->pidfile, word, len) ;
  cfg->pidfile[len] = 0 ;
  cfg->pidtimeout = ms ;
  cfg->subreaper = 1 ;
  return 0 ;
}

 /* -U sig[,ms]: the upgrade's trigger, and how long the new master has
    to come and settle (default 30000). */

static int parse_upgrade (sprun_config *cfg, char const *word, errbuf *e)
{
  char const *why ;
  unsigned int ms = 30000 ;
  size_t len = sp_sig_scan(word, &cfg->upgradesig) ;
  if (!len || (word[len] && word[len] != ',')) return err3(e, "-U ", word, ": not sig or sig,ms") ;
  if (word[len] && (!scan_ms(word + len + 1, &ms) || !ms)) return err3(e, "-U ", word, ": not a positive number of milliseconds after the comma") ;
  why = sprun_source_refusal(cfg->upgradesig) ;
  if (why) return refused(e, "-U ", word, cfg->upgradesig, why) ;
  cfg->upgradetimeout = ms ;
  return 0 ;
}

 /* -a sig: a signal the runner routes, or KILL: the runner then dies
    with its parent, as under tini -p SIGKILL */
static int parse_parentsig (sprun_config *cfg, char const *word, errbuf *e)
{
  char const *why ;
  if (!scan_sig(word, &cfg->parentsig, 0)) return err3(e, "-a ", word, ": unknown signal") ;
  why = cfg->parentsig == SIGKILL ? 0 : sprun_source_refusal(cfg->parentsig) ;
  return why ? refused(e, "-a ", word, cfg->parentsig, why) : 0 ;
}

 /* -u, -q, -C: how a -U upgrade goes */
static int upgrade_option (sprun_config *cfg, int c, char const *arg, errbuf *e)
{
  switch (c)
  {
    case 'u' :
      return scan_sig(arg, &cfg->upgradeusr, 0) ? 0 : err3(e, "-u ", arg, ": unknown signal") ;
    case 'q' :
      return scan_sig(arg, &cfg->retiresig, 0) ? 0 : err3(e, "-q ", arg, ": unknown signal") ;
    default :
      if (!arg[0] || !executable_file(arg)) return err3(e, "-C ", arg, ": the check is not an executable file") ;
      cfg->check = arg ;
      return 0 ;
  }
}

 /* -N, -H, -n, -d, -R, -W: readiness and what follows from it */
static int readiness_option (sprun_config *cfg, int c, char const *arg, errbuf *e)
{
  switch (c)
  {
    case 'N' : cfg->notify = 1 ; return 0 ;
    case 'H' : cfg->hold = 1 ; return 0 ;
    case 'n' :
      return scan_fd(arg, &cfg->notifyfd) ? 0 : err3(e, "-n ", arg, ": not a file descriptor of 3 or more") ;
    case 'd' :
      return scan_fd(arg, &cfg->childfd) ? 0 : err3(e, "-d ", arg, ": not a file descriptor of 3 or more") ;
    case 'R' :
      return scan_ms(arg, &cfg->reloadtimeout) && cfg->reloadtimeout ? 0 : err3(e, "-R ", arg, ": not a number of milliseconds above 0") ;
    default :
      return scan_ms(arg, &cfg->watchdog) && cfg->watchdog ? 0 : err3(e, "-W ", arg, ": not a number of milliseconds above 0") ;
  }
}

 /* Options that need a source of readiness: without -N or -d the
    service would never be ready. */
static int readiness_options (sprun_config const *cfg, errbuf *e)
{
  int source = cfg->notify || cfg->childfd >= 0 ;
  if (!source && cfg->notifyfd >= 0) return err3(e, "-n needs -N or -d: nothing would say the service is ready", "", "") ;
  if (!source && cfg->hold) return err3(e, "-H needs -N or -d: nothing would say the service is ready", "", "") ;
  if (!cfg->notify && cfg->watchdog) return err3(e, "-W needs -N: the pings come through the notify socket", "", "") ;
  return 0 ;
}

 /* selfpipe-gen: a rollout needs its trigger; a generation is retired
    with the stop schedule, which must end: without -k or -S, it is
    -k 10000. */
static int gen_options (sprun_config *cfg, errbuf *e)
{
  if (!cfg->upgradesig) return err3(e, "selfpipe-gen needs -U: the signal that starts a rollout", "", "") ;
  if (!cfg->stopopt)
  {
    cfg->stop.n = 2 ;
    cfg->stop.stage[1] = (sprun_stage){ .sig = SIGKILL, .ms = 10000 } ;
  }
  return 0 ;
}

 /* Every option; a colon after those that take an argument. */
static char const optstring[] = "hVv:o:Tgsre:k:S:D:t:p:a:m:c:w:P:U:u:q:NHn:d:R:W:C:A:x:" ;

 /* What subgetopt did not take: --help and --version, or an error */

static int unknown (sprun_config *cfg, subgetopt const *l, char const *const *argv, errbuf *e)
{
  char opt[3] = { '-', 0, 0 } ;
  char const *o = l->problem && l->problem != ':' ? strchr(optstring, l->problem) : 0 ;
  opt[1] = l->problem > 32 && l->problem < 127 ? (char)l->problem : '?' ;
  if (l->problem == '-')
  {
    if (!strcmp(argv[l->ind], "--help")) return (cfg->info = 'h', 0) ;
    if (!strcmp(argv[l->ind], "--version")) return (cfg->info = 'V', 0) ;
    return err3(e, "unknown option ", argv[l->ind], "") ;
  }
  if (o && o[1] == ':') return err3(e, "option ", opt, " needs an argument") ;
  return err3(e, "unknown option ", opt, "") ;
}

 /* selfpipe-gen's own options, and those of selfpipe-run it has not:
    each generation is its own child, not a master found in a pidfile,
    and one -d pipe cannot say which generation wrote to it. */

static int gen_option (sprun_config *cfg, int c, char const *arg, errbuf *e)
{
  switch (c)
  {
    case 'A' :
      return scan_ms(arg, &cfg->alive) && cfg->alive ? 0 : err3(e, "-A ", arg, ": not a number of milliseconds above 0") ;
    case 'x' :
      return scan_ms(arg, &cfg->retries) && cfg->retries <= 100 ? 0 : err3(e, "-x ", arg, ": not a number of retries (0 to 100)") ;
    case 'P' : case 'u' : case 'q' :
      return err3(e, c == 'P' ? "-P" : c == 'u' ? "-u" : "-q", ": not an option of selfpipe-gen: ",
        "each generation is its own child (selfpipe-run -P -U follows a daemon that re-execs itself)") ;
    default :
      return err3(e, "-d: not an option of selfpipe-gen: ", "one pipe cannot say which generation wrote to it (use -N)", "") ;
  }
}

 /* One option and its argument into cfg; -1 with the message in e. */

static int option (sprun_config *cfg, int c, subgetopt const *l, char const *const *argv, errbuf *e)
{
  switch (c)
  {
    case 'v' :
    {
      size_t len = uint_scan(l->arg, &cfg->verbosity) ;
      if (!len || l->arg[len]) return err3(e, "-v ", l->arg, ": not a number") ;
      return 0 ;
    }
    case 'o' :
      if (strcmp(l->arg, "text") && strcmp(l->arg, "json")) return err3(e, "-o ", l->arg, ": not text or json") ;
      cfg->json = l->arg[0] == 'j' ;
      return 0 ;
    case 'h' : case 'V' : cfg->info = (char)c ; return 0 ;
    case 'T' : cfg->timestamp = 1 ; return 0 ;
    case 'g' : cfg->pgroup = 1 ; return 0 ;
    case 's' : cfg->subreaper = 1 ; return 0 ;
    case 'r' : cfg->reraise = 1 ; return 0 ;
    case 'e' :
    {
      unsigned int code ;
      size_t len = uint_scan(l->arg, &code) ;
      if (!len || l->arg[len] || code > 255) return err3(e, "-e ", l->arg, ": not an exit code (0 to 255)") ;
      bitarray_set(cfg->exitzero, code) ;  /* several -e add up, as tini's do */
      return 0 ;
    }
    case 'k' :
    {
      unsigned int ms ;
      if (cfg->stopopt == 'S') return err3(e, "-k ", l->arg, ": -S gives the stop schedule already") ;
      if (!scan_ms(l->arg, &ms)) return err3(e, "-k ", l->arg, ": not a number of milliseconds") ;
      /* the stop signal, then SIGKILL ms later; 0: never */
      cfg->stop.n = ms ? 2 : 1 ;
      cfg->stop.stage[1] = (sprun_stage){ .sig = SIGKILL, .ms = ms } ;
      cfg->stopopt = 'k' ;
      return 0 ;
    }
    case 'S' :
      if (cfg->stopopt == 'k') return err3(e, "-S ", l->arg, ": -k gives the stop schedule already") ;
      cfg->stopopt = 'S' ;
      return parse_schedule(cfg, l->arg, e) ;
    case 'D' :
      return scan_ms(l->arg, &cfg->stopdelay) ? 0 : err3(e, "-D ", l->arg, ": not a number of milliseconds") ;
    case 'w' :
      return scan_ms(l->arg, &cfg->hooktimeout) ? 0 : err3(e, "-w ", l->arg, ": not a number of milliseconds") ;
    case 't' : return parse_stopsigs(cfg, l->arg, e) ;
    case 'p' :
      return scan_sig(l->arg, &cfg->pdeathsig, 0) ? 0 : err3(e, "-p ", l->arg, ": unknown signal") ;
    case 'a' : return parse_parentsig(cfg, l->arg, e) ;
    case 'N' : case 'H' : case 'n' : case 'R' : case 'W' :
      return readiness_option(cfg, c, l->arg, e) ;
    case 'm' : return parse_map(cfg, l->arg, e) ;
    case 'c' : return parse_hook(cfg, l->arg, e) ;
    case 'A' : case 'x' :
      if (!cfg->gen) return err3(e, "unknown option ", c == 'A' ? "-A" : "-x", "") ;
      return gen_option(cfg, c, l->arg, e) ;
    case 'P' : case 'u' : case 'q' : case 'd' :
      if (cfg->gen) return gen_option(cfg, c, l->arg, e) ;
      if (c == 'd') return readiness_option(cfg, c, l->arg, e) ;
      if (c != 'P') return upgrade_option(cfg, c, l->arg, e) ;
      return parse_pidfile(cfg, l->arg, e) ;
    case 'U' : return parse_upgrade(cfg, l->arg, e) ;
    case 'C' : return upgrade_option(cfg, c, l->arg, e) ;
    default : return unknown(cfg, l, argv, e) ;
  }
}

static int parse (sprun_config *cfg, int gen, int argc, char const *const *argv, char *err, size_t errlen)
{
  errbuf e = { .s = err, .max = errlen, .len = 0 } ;
  subgetopt l = SUBGETOPT_ZERO ;
  int n = 0 ;
  if (errlen) err[0] = 0 ;
  memset(cfg, 0, offsetof(sprun_config, hook)) ;
  for (int sig = 0 ; sig < SP_NSIG ; sig++) if (cfg->hook[sig]) cfg->hook[sig] = 0 ;
  if (cfg->pidfile[0]) cfg->pidfile[0] = 0 ;
  cfg->verbosity = 1 ;
  cfg->hooktimeout = 10000 ;
  cfg->stopsig[SIGTERM] = 1 ;
  cfg->stop.n = 1 ;
  cfg->notifyfd = -1 ;
  cfg->childfd = -1 ;
  cfg->reloadtimeout = 30000 ;
  cfg->upgradeusr = SIGUSR2 ;
  cfg->retiresig = SIGQUIT ;
  for (int sig = 0 ; sig < SP_NSIG ; sig++) cfg->map[sig] = sig ;
  cfg->gen = gen ;
  cfg->alive = 1000 ;
  cfg->retries = 2 ;

  /* argv may be shorter than argc says: stop at the first null */
  if (argc < 0 || !argv) argc = 0 ;
  while (n < argc && argv[n]) n++ ;
  argc = n ;

  for (;;)
  {
    int c = subgetopt_r(argc, argv, optstring, &l) ;
    if (c == -1) break ;
    if (option(cfg, c, &l, argv, &e) < 0) return -1 ;
    /* -h and -V need nothing more, not even prog */
    if (cfg->info) return 0 ;
  }
  if (gen) { if (gen_options(cfg, &e) < 0) return -1 ; }
  else if (cfg->upgradesig && !cfg->pidfile[0]) return err3(&e, "-U needs -P: the new master is found in the pidfile", "", "") ;
  if (!cfg->upgradesig && (cfg->upgradeusr != SIGUSR2 || cfg->retiresig != SIGQUIT))
    return err3(&e, cfg->upgradeusr != SIGUSR2 ? "-u" : "-q", " needs -U: it names a signal of the upgrade", "") ;
  if (!cfg->upgradesig && cfg->check) return err3(&e, "-C needs -U: it checks the new master of an upgrade", "", "") ;
  if (readiness_options(cfg, &e) < 0) return -1 ;
  if (!memchr(cfg->stopsig, 1, sizeof(cfg->stopsig)) && (cfg->stop.n > 1 || cfg->stopopt == 'S' || cfg->stopdelay))
    return err3(&e, "-t 0 leaves -k, -S and -D nothing to start them: no stop signal", "", "") ;
  if (l.ind >= argc) return err3(&e, gen ? SPGEN_USAGE : SPRUN_USAGE, "", "") ;
  return l.ind ;
}

int sprun_parse (sprun_config *cfg, int argc, char const *const *argv, char *err, size_t errlen)
{
  return parse(cfg, 0, argc, argv, err, errlen) ;
}

int sprun_parse_gen (sprun_config *cfg, int argc, char const *const *argv, char *err, size_t errlen)
{
  return parse(cfg, 1, argc, argv, err, errlen) ;
}
