/* ISC license. */

 /*
    libFuzzer target for sprun_parse, selfpipe-run's whole option parser,
    and sprun_parse_gen, selfpipe-gen's. The input is a command line: the
    first byte picks the size of the error buffer (0 to 127) and, by its
    high bit, the parser, the rest is split on spaces into argv words
    after "selfpipe-run". Each word, argv and the error buffer are
    malloc'ed to their exact size, so ASan sees any read or write past
    them. Whatever the input, sprun_parse must:
     - return -1 with a one-line, NUL-terminated message that fits the
       buffer (not empty when there is room for one), or the index of prog
       (1 <= index < argc);
     - leave a config that only names signals in range: stop signals,
       mapped sources and hooks only on catchable signals, map targets
       in 0..SIGRTMAX, hooks pointing into argv; a -P file name
       NUL-terminated, with -s and a timeout; -U only with -P;
     - give the same answer and the same config when run again (no
       hidden state), and not exit, crash or leak (LeakSanitizer).
 */

#include <stdint.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <signal.h>

#include "sprun.h"

#define check(cond) do { if (!(cond)) abort() ; } while (0)
#define MAXWORDS 64

static int points_into (char const *p, char **words, int n)
{
  for (int i = 0 ; i < n ; i++)
    if (p >= words[i] && p <= words[i] + strlen(words[i])) return 1 ;
  return 0 ;
}

static void check_config (sprun_config const *cfg, char **words, int n)
{
  for (int sig = 0 ; sig < NSIG ; sig++)
  {
    if (cfg->stopsig[sig]) check(!sprun_source_refusal(sig)) ;
    if (cfg->mapped[sig]) check(!sprun_source_refusal(sig)) ;
    check(cfg->map[sig] >= 0 && cfg->map[sig] <= SIGRTMAX) ;
    if (!cfg->mapped[sig]) check(cfg->map[sig] == sig) ;
    if (cfg->hook[sig]) check(!sprun_source_refusal(sig) && points_into(cfg->hook[sig], words, n)) ;
  }
  check(cfg->pdeathsig >= 0 && cfg->pdeathsig <= SIGRTMAX) ;
  check(memchr(cfg->pidfile, 0, sizeof(cfg->pidfile))) ;
  if (cfg->pidfile[0]) check(cfg->subreaper && cfg->pidtimeout > 0) ;
  if (cfg->upgradesig) check((cfg->gen || cfg->pidfile[0]) && !sprun_source_refusal(cfg->upgradesig) && cfg->upgradetimeout > 0) ;
  /* selfpipe-gen: a trigger, no pidfile, no -d */
  if (cfg->gen) check(cfg->upgradesig && !cfg->pidfile[0] && cfg->childfd < 0 && cfg->alive > 0 && cfg->retries <= 100 && cfg->stop.n >= 1) ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char *words[MAXWORDS + 1] ;
  char const **argv ;
  char *err, *err2 ;
  sprun_config *cfg, *cfg2 ;
  size_t errlen, i = 1 ;
  int gen ;
  int argc = 1, r, r2 ;
  if (!size) return 0 ;
  errlen = data[0] & 127 ;
  /* the high bit: selfpipe-gen's parser */
  gen = data[0] >> 7 ;
  words[0] = strdup("selfpipe-run") ;
  check(words[0]) ;
  while (i < size && argc < MAXWORDS)
  {
    size_t j = i ;
    while (j < size && data[j] != ' ') j++ ;
    words[argc] = malloc(j - i + 1) ;
    check(words[argc]) ;
    memcpy(words[argc], data + i, j - i) ;
    words[argc][j - i] = 0 ;
    argc++ ;
    i = j + 1 ;
  }
  argv = malloc((argc + 1) * sizeof(char const *)) ;
  check(argv) ;
  for (int k = 0 ; k < argc ; k++) argv[k] = words[k] ;
  argv[argc] = 0 ;
  err = malloc(errlen ? errlen : 1) ;
  err2 = malloc(errlen ? errlen : 1) ;
  cfg = malloc(sizeof(sprun_config)) ;
  cfg2 = malloc(sizeof(sprun_config)) ;
  check(err && err2 && cfg && cfg2) ;

  r = (gen ? sprun_parse_gen : sprun_parse)(cfg, argc, argv, err, errlen) ;
  if (r < 0)
  {
    check(r == -1) ;
    if (errlen)
    {
      size_t len = strnlen(err, errlen) ;
      check(len < errlen) ;
      check(len || errlen == 1) ;
      for (size_t k = 0 ; k < len ; k++) check((unsigned char)err[k] >= 32 && err[k] != 127) ;
    }
  }
  else if (!r) check(cfg->info == 'h' || cfg->info == 'V') ;  /* -h, -V: nothing to run */
  else
  {
    check(r < argc && !cfg->info) ;
    check_config(cfg, words, argc) ;
  }

  r2 = (gen ? sprun_parse_gen : sprun_parse)(cfg2, argc, argv, err2, errlen) ;
  check(r2 == r) ;
  /* parse defines every byte up to the pidfile's end, not the rest of
     its buffer (left untouched, so that its pages stay clean) */
  if (r >= 0) check(!memcmp(cfg, cfg2, offsetof(sprun_config, pidfile)) && !strcmp(cfg->pidfile, cfg2->pidfile)) ;
  else if (errlen) check(!strcmp(err, err2)) ;

  free(cfg2) ; free(cfg) ; free(err2) ; free(err) ; free(argv) ;
  for (int k = 0 ; k < argc ; k++) free(words[k]) ;
  return 0 ;
}
