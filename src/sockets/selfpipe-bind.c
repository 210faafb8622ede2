/* ISC license. */

#include <sys/socket.h>

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "spsock.h"

#define USAGE "selfpipe-bind [ -b backlog ] [ -t addr:port ]... [ -u path[,mode] ]... prog..."

char const *PROG = "selfpipe-bind" ;

typedef struct spec_s spec ;
struct spec_s
{
  char const *arg ;
  int is_tcp ;
  spsock_tcp t ;
  spsock_unix u ;
} ;

 /* Every word is checked before the first bind: a usage error binds nothing. */
static unsigned int parse (int argc, char const *const *argv, spec *s, unsigned int *backlog, int *ind)
{
  subgetopt l = SUBGETOPT_ZERO ;
  unsigned int n = 0 ;
  for (;;)
  {
    int opt = subgetopt_r(argc, argv, "b:t:u:", &l) ;
    if (opt == -1) break ;
    if ((opt == 't' || opt == 'u') && n >= SPSOCK_MAX) spsock_dieusage("more than 64 sockets", "", "") ;
    switch (opt)
    {
      case 'b' :
      {
        size_t len = uint_scan(l.arg, backlog) ;
        if (!len || l.arg[len] || !*backlog) spsock_dieusage("-b ", l.arg, ": not a number above 0") ;
        break ;
      }
      case 't' : s[n] = (spec){ .arg = l.arg, .is_tcp = 1 } ; spsock_tcp_scan(l.arg, &s[n++].t) ; break ;
      case 'u' : s[n] = (spec){ .arg = l.arg, .is_tcp = 0 } ; spsock_unix_scan(l.arg, &s[n++].u) ; break ;
      default : strerr_dieusage(100, USAGE) ;
    }
  }
  if (l.ind >= argc) strerr_dieusage(100, USAGE) ;
  if (!n) spsock_dieusage("nothing to bind: give -t or -u", "", "") ;
  *ind = l.ind ;
  return n ;
}

 /* fds 3 to 3+n-1 must be free: a descriptor there is someone's (an s6
    notification-fd, a socket from further up the chain), and replacing
    it would break that one without a word. */
static void check_free (unsigned int n)
{
  for (unsigned int i = 0 ; i < n ; i++)
    if (spsock_fd_kind(SPSOCK_FIRSTFD + i) != SPSOCK_CLOSED)
    {
      char a[UINT_FMT], b[UINT_FMT] ;
      a[uint_fmt(a, SPSOCK_FIRSTFD + i)] = 0 ;
      b[uint_fmt(b, SPSOCK_FIRSTFD + n - 1)] = 0 ;
      strerr_dief5x(111, "fd ", a, " is open already and a socket goes there: move that descriptor above fd ", b, "") ;
    }
}

int main (int argc, char const *const *argv)
{
  spec s[SPSOCK_MAX] ;
  unsigned int backlog = SOMAXCONN ;
  int ind ;
  unsigned int n = parse(argc, argv, s, &backlog, &ind) ;
  check_free(n) ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    int fd = s[i].is_tcp ? spsock_tcp_bind(&s[i].t, s[i].arg) : spsock_unix_bind(&s[i].u) ;
    spsock_place(fd, SPSOCK_FIRSTFD + i, backlog, s[i].arg) ;
  }
  spsock_exec(argv + ind, "", 0) ;
}
