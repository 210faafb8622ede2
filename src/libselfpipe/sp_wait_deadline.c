/* ISC license. */

#include <errno.h>

#include <skalibs/tai.h>
#include <skalibs/iopause.h>

#include "sp-internal.h"

 /* For iopause-style programs: same as sp_wait, with a skalibs deadline
    and stamp (see tain_now and iopause_stamp). */

 /* Each waits once, held or not: 1 to look again, 0 when the deadline
    came, -1 on error. Held, it waits for the delivery itself, not for
    a record in the pipe. */

static int take (tain const *deadline, tain *stamp)
{
  struct timespec ts ;
  int r ;
  if (deadline)
  {
    tain left ;
    if (!tain_less(stamp, deadline)) return 0 ;
    tain_sub(&left, deadline, stamp) ;
    if (!timespec_from_tain_relative(&ts, &left)) return -1 ;
  }
  r = sp_take(deadline ? &ts : 0) ;
  tain_now(stamp) ;
  if (r < 0) return errno == EAGAIN ? 0 : errno == EINTR ? 1 : -1 ;
  return 1 ;
}

static int poll1 (tain const *deadline, tain *stamp)
{
  iopause_fd x = { .fd = sp_state.p[0], .events = IOPAUSE_READ } ;
  int r = iopause_stamp(&x, 1, deadline, stamp) ;
  return r < 0 ? errno == EINTR ? 1 : -1 : r ;
}

int sp_wait_deadline (sp_info *info, tain const *deadline, tain *stamp)
{
  int r = sp_state.held && !sp_have_records() ? 0 : sp_read(info) ;
  while (!r)
  {
    r = sp_state.held ? take(deadline, stamp) : poll1(deadline, stamp) ;
    if (r <= 0) return r ;
    r = sp_read(info) ;
  }
  return r ;
}
