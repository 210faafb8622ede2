/* ISC license. */

#include <string.h>

#include "spsock.h"

 /*
    -n name,...: one name per fd, in order, split in s (a
    buffer as long as the argument). A name is printable ASCII
    without a space, an equals sign or a comma (the separators of
    FPM_SOCKETS, and the environment's), 255 bytes at most (systemd's
    limit). A dialect may ask more of them.
 */

static void check (char const *name, char const *all)
{
  size_t len = strlen(name) ;
  if (!len) spsock_dieusage("-n ", all, ": an empty name") ;
  if (len > 255) spsock_dieusage("-n ", all, ": a name longer than 255 bytes") ;
  for (size_t i = 0 ; i < len ; i++)
    if (name[i] <= ' ' || name[i] > '~' || name[i] == '=')
      spsock_dieusage("-n ", all, ": a name with a space, an equals sign or a control character") ;
}

unsigned int spsock_names (char const *all, char *s, char const **names, unsigned int max)
{
  unsigned int n = 0 ;
  memcpy(s, all, strlen(all) + 1) ;
  for (;;)
  {
    char *comma = strchr(s, ',') ;
    if (comma) *comma = 0 ;
    if (n >= max) spsock_dieusage("-n ", all, ": more than 64 names") ;
    check(s, all) ;
    names[n++] = s ;
    if (!comma) return n ;
    s = comma + 1 ;
  }
}
