/* ISC license. */

#include <errno.h>

#include "sp-internal.h"

int sp_fd (void)
{
  if (sp_state.p[0] < 0) errno = EBADF ;
  return sp_state.p[0] ;
}
