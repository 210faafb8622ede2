/* ISC license. */

#include <string.h>
#include <strings.h>

#include <skalibs/types.h>
#include <skalibs/sig.h>

#include <selfpipe/selfpipe.h>

 /*
    One signal word: a number, a name with or without SIG in any case,
    or RTMIN, RTMIN+N, RTMAX, RTMAX-N. Every number is range-checked.
    Returns the length scanned, 0 if the word is not a valid signal.
 */

static size_t scan_rt (char const *s, int *sig)
{
  int top ;
  size_t len = 5 ;
  unsigned int n = 0 ;
  if (!strncasecmp(s, "RTMIN", 5)) top = 0 ;
  else if (!strncasecmp(s, "RTMAX", 5)) top = 1 ;
  else return 0 ;
  if (s[len] == (top ? '-' : '+'))
  {
    size_t m = uint_scan(s + len + 1, &n) ;
    if (!m) return 0 ;
    len += 1 + m ;
  }
  if (n > (unsigned int)(SIGRTMAX - SIGRTMIN)) return 0 ;
  *sig = top ? SIGRTMAX - (int)n : SIGRTMIN + (int)n ;
  return len ;
}

size_t sp_sig_scan (char const *s, int *sig)
{
  char name[SP_SIGNAME_MAX + 1] ;
  size_t len = 0, skip = 0 ;
  unsigned int n ;
  if (s[0] >= '0' && s[0] <= '9')
  {
    len = uint_scan(s, &n) ;
    if (!len || n > (unsigned int)SIGRTMAX
     || sp_sig_class((int)n) & (SP_SIG_INVALID | SP_SIG_RESERVED)) return 0 ;
    *sig = (int)n ;
    return len ;
  }
  if (!strncasecmp(s, "SIG", 3)) skip = 3 ;
  len = scan_rt(s + skip, sig) ;
  if (len) return skip + len ;
  while (len < SP_SIGNAME_MAX
      && ((s[skip+len] >= 'A' && s[skip+len] <= 'Z') || (s[skip+len] >= 'a' && s[skip+len] <= 'z') || (s[skip+len] >= '0' && s[skip+len] <= '9')))
  {
    name[len] = s[skip+len] ;
    len++ ;
  }
  if (!len || len == SP_SIGNAME_MAX) return 0 ;
  name[len] = 0 ;
  {
    int r = sig_number(name) ;
    if (r <= 0) return 0 ;
    *sig = r ;
  }
  return skip + len ;
}
