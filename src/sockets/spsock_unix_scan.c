/* ISC license. */

#include <string.h>

#include <skalibs/types.h>

#include "spsock.h"

 /*
    path[,mode]: the mode is what follows the last comma, in octal, at
    most 0777. A path that has a comma of its own is therefore given
    with a mode.
 */

void spsock_unix_scan (char const *s, spsock_unix *u)
{
  char const *comma = strrchr(s, ',') ;
  size_t len = comma ? (size_t)(comma - s) : strlen(s) ;
  u->mode = -1 ;
  if (comma)
  {
    unsigned int mode ;
    size_t m = uint_oscan(comma + 1, &mode) ;
    if (!m || comma[1 + m] || mode > 0777) spsock_dieusage("-u ", s, ": the mode is not an octal number up to 0777") ;
    u->mode = (int)mode ;
  }
  if (!len) spsock_dieusage("-u ", s, ": no path") ;
  if (len >= sizeof(u->path)) spsock_dieusage("-u ", s, ": the path is longer than a unix socket's 107 bytes") ;
  memcpy(u->path, s, len) ;
  u->path[len] = 0 ;
}
