/* ISC license. */

#include <errno.h>

#include <skalibs/iopause.h>

#include "sp-internal.h"

 /* For iopause-style programs: same as sp_wait, with a skalibs deadline
    and stamp (see tain_now and iopause_stamp). */

int sp_wait_deadline (sp_info *info, tain const *deadline, tain *stamp)
{
  int r = sp_read(info) ;
  while (!r)
  {
    iopause_fd x = { .fd = sp_state.p[0], .events = IOPAUSE_READ } ;
    r = iopause_stamp(&x, 1, deadline, stamp) ;
    if (r < 0)
    {
      if (errno != EINTR) return -1 ;
    }
    else if (!r) return 0 ;
    r = sp_read(info) ;
  }
  return r ;
}
