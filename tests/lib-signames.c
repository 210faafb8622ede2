/* ISC license. sp_sig_scan and sp_sig_fmt. */

#include <ctype.h>

#include "tap.h"
#include "lib-common.h"

 /* The signal s names as a whole word, 0 if it is not one. */
static int word (char const *s)
{
  int sig = -1 ;
  size_t len = sp_sig_scan(s, &sig) ;
  return len && !s[len] ? sig : 0 ;
}

static int fmt_is (int sig, char const *want)
{
  char buf[SP_SIGNAME_MAX + 8] ;
  size_t len ;
  memset(buf, '#', sizeof(buf)) ;
  len = sp_sig_fmt(buf, sig) ;
  if (len > SP_SIGNAME_MAX || buf[SP_SIGNAME_MAX] != '#' || len != strlen(want) || memcmp(buf, want, len))
  {
    fprintf(stderr, "# sp_sig_fmt(%d): %.*s (%zu bytes), want %s\n", sig, (int)(len < sizeof(buf) ? len : sizeof(buf)), buf, len, want) ;
    return 0 ;
  }
  return 1 ;
}

int main (void)
{
  static struct { char const *s ; int sig ; } const good[] =
  {
    { "HUP", SIGHUP }, { "hup", SIGHUP }, { "SIGHUP", SIGHUP }, { "sighup", SIGHUP }, { "SigHup", SIGHUP },
    { "1", SIGHUP }, { "TERM", SIGTERM }, { "sigterm", SIGTERM }, { "15", SIGTERM },
    { "USR1", SIGUSR1 }, { "usr2", SIGUSR2 }, { "SIGKILL", SIGKILL }, { "9", SIGKILL },
    { "CHLD", SIGCHLD }, { "SIGWINCH", SIGWINCH }, { "31", 31 }, { "sigsys", SIGSYS },
  } ;
  static char const *const bad[] =
  {
    "", "0", "00", "32", "33", "65", "100", "99999999999999999999", "4294967297", "-1", "+1", " 1",
    "SIG", "sig", "SIG ", "FOO", "SIGFOO", "SIGSIGHUP", "HUPX", "SIGHUP2", "USR3",
    "RTMIN+", "RTMIN-1", "RTMAX+1", "RTMIN+31", "RTMAX-31", "RTMIN+99999999999", "RTMINX", "RT", "RTMI",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "SIGAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  } ;
  int n, bad_rt = 0 ;

  for (size_t i = 0 ; i < sizeof(good) / sizeof(good[0]) ; i++)
  {
    n = word(good[i].s) ;
    ok(n == good[i].sig, "sp_sig_scan(\"%s\") = %d (want %d)", good[i].s, n, good[i].sig) ;
  }
  ok(word("RTMIN") == SIGRTMIN && word("rtmin") == SIGRTMIN && word("SIGRTMIN") == SIGRTMIN, "RTMIN, rtmin, SIGRTMIN") ;
  ok(word("RTMAX") == SIGRTMAX && word("sigrtmax") == SIGRTMAX && word("SigRtMax") == SIGRTMAX, "RTMAX, sigrtmax, SigRtMax") ;
  for (int k = 0 ; k <= SIGRTMAX - SIGRTMIN ; k++)
  {
    char s[32] ;
    snprintf(s, sizeof(s), "RTMIN+%d", k) ;
    if (word(s) != SIGRTMIN + k) bad_rt++ ;
    snprintf(s, sizeof(s), "sigrtmax-%d", k) ;
    if (word(s) != SIGRTMAX - k) bad_rt++ ;
  }
  ok(!bad_rt, "RTMIN+N and sigrtmax-N for N = 0..%d", SIGRTMAX - SIGRTMIN) ;
  {
    /* the span is the libc's: 30 with glibc, 29 with musl */
    char top[32] ;
    snprintf(top, sizeof(top), "rtmin+%d", SIGRTMAX - SIGRTMIN) ;
    ok(word("RTMIN+3") == SIGRTMIN + 3 && word("SIGRTMAX-1") == SIGRTMAX - 1 && word(top) == SIGRTMAX,
      "RTMIN+3, SIGRTMAX-1, %s (= RTMAX)", top) ;
  }

  for (size_t i = 0 ; i < sizeof(bad) / sizeof(bad[0]) ; i++)
  {
    n = word(bad[i]) ;
    ok(!n, "\"%s\" is not a signal (got %d)", bad[i], n) ;
  }

   /* the length scanned: the caller decides what may follow */
  {
    int sig = 0 ;
    ok(sp_sig_scan("HUP rest", &sig) == 3 && sig == SIGHUP, "\"HUP rest\": 3 bytes, SIGHUP") ;
    ok(sp_sig_scan("15,2", &sig) == 2 && sig == SIGTERM, "\"15,2\": 2 bytes, SIGTERM") ;
    ok(sp_sig_scan("sigterm:x", &sig) == 7 && sig == SIGTERM, "\"sigterm:x\": 7 bytes, SIGTERM") ;
    ok(sp_sig_scan("RTMIN+2=x", &sig) == 7 && sig == SIGRTMIN + 2, "\"RTMIN+2=x\": 7 bytes, SIGRTMIN+2") ;
    sig = 12345 ;
    ok(!sp_sig_scan("nope", &sig) && sig == 12345, "a failed scan leaves *sig alone") ;
  }

  ok(fmt_is(SIGHUP, "SIGHUP") && fmt_is(SIGTERM, "SIGTERM") && fmt_is(SIGKILL, "SIGKILL") && fmt_is(SIGUSR1, "SIGUSR1"),
    "sp_sig_fmt: SIGHUP SIGTERM SIGKILL SIGUSR1") ;
  ok(fmt_is(SIGRTMIN, "SIGRTMIN") && fmt_is(SIGRTMIN + 3, "SIGRTMIN+3") && fmt_is(SIGRTMAX, "SIGRTMAX") && fmt_is(SIGRTMAX - 1, "SIGRTMAX-1"),
    "sp_sig_fmt: SIGRTMIN SIGRTMIN+3 SIGRTMAX SIGRTMAX-1") ;
  ok(fmt_is(0, "SIG0") && fmt_is(32, "SIG32") && fmt_is(33, "SIG33"), "sp_sig_fmt: 0, 32, 33 as numbers") ;

   /* every signal survives fmt then scan, also in lower case and without SIG */
  {
    int bad_trip = 0, bad_shape = 0 ;
    for (int sig = 1 ; sig <= SIGRTMAX ; sig++)
    {
      char buf[SP_SIGNAME_MAX + 8] ;
      char low[SP_SIGNAME_MAX + 8] ;
      char num[16] ;
      size_t len ;
      if (sig >= 32 && sig < SIGRTMIN) continue ;  /* the libc's own */
      memset(buf, '#', sizeof(buf)) ;
      len = sp_sig_fmt(buf, sig) ;
      if (len > SP_SIGNAME_MAX || len < 4 || buf[SP_SIGNAME_MAX] != '#' || memcmp(buf, "SIG", 3)) { bad_shape++ ; continue ; }
      buf[len] = 0 ;
      for (size_t j = 0 ; j <= len ; j++) low[j] = tolower((unsigned char)buf[j]) ;
      snprintf(num, sizeof(num), "%d", sig) ;
      if (word(buf) != sig || word(low) != sig || word(buf + 3) != sig || word(num) != sig)
      {
        fprintf(stderr, "# round trip failed for %d: %s\n", sig, buf) ;
        bad_trip++ ;
      }
    }
    ok(!bad_shape, "sp_sig_fmt: SIG..., at most %d bytes, for 1..%d", SP_SIGNAME_MAX, SIGRTMAX) ;
    ok(!bad_trip, "round trip fmt -> scan for every signal 1..%d but 32..%d (%d failed)", SIGRTMAX, SIGRTMIN - 1, bad_trip) ;
  }
  return tap_done() ;
}
