/* ISC license. */

 /*
    libFuzzer target for sp_sig_scan and sp_sig_fmt.
    The input is one signal word. Whatever it is:
     - a scan never reads past the NUL nor accepts a signal out of range;
     - the word is self-delimiting: its accepted prefix alone scans the same;
     - case does not matter;
     - every accepted signal formats into at most SP_SIGNAME_MAX bytes and
       the name scans back to the same signal (the round trip).
    The first 4 bytes are also formatted as an arbitrary int: sp_sig_fmt
    must stay within SP_SIGNAME_MAX bytes for any int.
    The buffers are malloc'ed to their exact size so ASan sees any overrun.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>

#include <selfpipe/selfpipe.h>

#define check(cond) do { if (!(cond)) abort() ; } while (0)

static int valid_sig (int sig)
{
  return sig >= 1 && sig <= SIGRTMAX && (sig <= 31 || sig >= SIGRTMIN) ;
}

static void roundtrip (int sig)
{
  char *name = malloc(SP_SIGNAME_MAX) ;
  char *word ;
  size_t n, m ;
  int back = 0 ;
  check(name) ;
  n = sp_sig_fmt(name, sig) ;
  check(n > 3 && n <= SP_SIGNAME_MAX) ;
  check(!memcmp(name, "SIG", 3)) ;
  word = malloc(n + 1) ;
  check(word) ;
  memcpy(word, name, n) ;
  word[n] = 0 ;
  m = sp_sig_scan(word, &back) ;
  check(m == n) ;
  check(back == sig) ;
  free(word) ;
  free(name) ;
}

static void anyint (int sig)
{
  char *name = malloc(SP_SIGNAME_MAX) ;
  size_t n ;
  check(name) ;
  n = sp_sig_fmt(name, sig) ;
  check(n > 3 && n <= SP_SIGNAME_MAX) ;
  free(name) ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char *s = malloc(size + 1) ;
  char *t ;
  size_t len, i ;
  int sig = -12345 ;
  check(s) ;
  memcpy(s, data, size) ;
  s[size] = 0 ;
  len = sp_sig_scan(s, &sig) ;
  check(len <= strlen(s)) ;
  if (len)
  {
    int sig2 = -12345 ;
    check(valid_sig(sig)) ;
    t = malloc(len + 1) ;
    check(t) ;
    memcpy(t, s, len) ;
    t[len] = 0 ;
    check(sp_sig_scan(t, &sig2) == len && sig2 == sig) ;
    free(t) ;
    roundtrip(sig) ;
  }
  else check(sig == -12345) ;
  for (i = 0 ; i < size ; i++)
    if (s[i] >= 'a' && s[i] <= 'z') s[i] -= 'a' - 'A' ;
  {
    int sig3 = -12345 ;
    size_t len3 = sp_sig_scan(s, &sig3) ;
    check(len3 == len) ;
    if (len) check(sig3 == sig) ;
  }
  if (size >= sizeof(int))
  {
    int any ;
    memcpy(&any, data, sizeof(int)) ;
    anyint(any) ;
  }
  free(s) ;
  return 0 ;
}
