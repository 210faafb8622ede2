/* ISC license. */

#include <string.h>

#include <skalibs/types.h>
#include <skalibs/sig.h>

#include <selfpipe/selfpipe.h>

 /* SIGHUP, SIGRTMIN+3, SIGRTMAX-1; SIG followed by the number for
    anything else. Not NUL-terminated, at most SP_SIGNAME_MAX bytes. */

size_t sp_sig_fmt (char *s, int sig)
{
  size_t len = 3 ;
  memcpy(s, "SIG", 3) ;
  if (sig >= SIGRTMIN && sig <= SIGRTMAX)
  {
    int fromtop = sig - SIGRTMIN > (SIGRTMAX - SIGRTMIN) / 2 ;
    unsigned int n = fromtop ? (unsigned int)(SIGRTMAX - sig) : (unsigned int)(sig - SIGRTMIN) ;
    memcpy(s + len, fromtop ? "RTMAX" : "RTMIN", 5) ; len += 5 ;
    if (n)
    {
      s[len++] = fromtop ? '-' : '+' ;
      len += uint_fmt(s + len, n) ;
    }
    return len ;
  }
  {
    char const *name = sig > 0 ? sig_name(sig) : "???" ;
    if (name[0] == '?')
    {
      /* negated as unsigned: -INT_MIN does not fit in an int */
      unsigned int u = (unsigned int)sig ;
      if (sig < 0) { s[len++] = '-' ; u = -u ; }
      return len + uint_fmt(s + len, u) ;
    }
    size_t n = strlen(name) ;
    if (n > SP_SIGNAME_MAX - 3) n = SP_SIGNAME_MAX - 3 ;
    memcpy(s + len, name, n) ;
    return len + n ;
  }
}
