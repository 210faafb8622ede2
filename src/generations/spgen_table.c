/* ISC license. */

#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>

#include "spgen.h"

 /* The living generations, the current one among them. A slot is
    freed when its process is reaped. */

spgen spgen_table[SPGEN_MAX] ;

spgen *spgen_find (pid_t pid)
{
  for (unsigned int i = 0 ; i < SPGEN_MAX ; i++)
    if (spgen_table[i].role != SPGEN_FREE && spgen_table[i].pid == pid) return spgen_table + i ;
  return 0 ;
}

spgen *spgen_current (void)
{
  for (unsigned int i = 0 ; i < SPGEN_MAX ; i++)
    if (spgen_table[i].role == SPGEN_CURRENT) return spgen_table + i ;
  return 0 ;
}

 /* how many generations live besides the current one */
unsigned int spgen_others (void)
{
  unsigned int n = 0 ;
  for (unsigned int i = 0 ; i < SPGEN_MAX ; i++)
    if (spgen_table[i].role == SPGEN_CANDIDATE || spgen_table[i].role == SPGEN_RETIRING) n++ ;
  return n ;
}

void spgen_free (spgen *g)
{
  if (g->sock >= 0) close(g->sock) ;
  memset(g, 0, sizeof(*g)) ;
  g->sock = -1 ;
}

 /* "generation 3 (pid 813)" */
size_t spgen_fmt (char *s, spgen const *g)
{
  size_t len = 11 ;
  memcpy(s, "generation ", 11) ;
  len += uint_fmt(s + len, g->n) ;
  memcpy(s + len, " (pid ", 6) ; len += 6 ;
  len += pid_fmt(s + len, g->pid) ;
  s[len++] = ')' ;
  s[len] = 0 ;
  return len ;
}
