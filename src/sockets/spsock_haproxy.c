/* ISC license. */

#include <string.h>

#include "spsock.h"

 /*
    NAME=3 for each name of -n: haproxy's configuration reads them as
    "bind fd@${NAME}". Any program that takes a fd number from a
    variable of its choosing is served the same way.
 */

static int word_char (char c, int first)
{
  char l = c | 0x20 ;
  return c == '_' || (l >= 'a' && l <= 'z') || (!first && c >= '0' && c <= '9') ;
}

static int is_var (char const *s)
{
  for (size_t i = 0 ; s[i] ; i++) if (!word_char(s[i], !i)) return 0 ;
  return 1 ;
}

void spsock_haproxy (spsock_fds *f, stralloc *sa)
{
  for (unsigned int i = 0 ; i < f->n ; i++)
  {
    if (!is_var(f->names[i])) spsock_dieusage("-n ", f->names[i], ": not a variable name (letters, digits, _)") ;
    spsock_setenv_uint(sa, f->names[i], SPSOCK_FIRSTFD + i) ;
  }
}
