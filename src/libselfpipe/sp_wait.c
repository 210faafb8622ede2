/* ISC license. */

#include <errno.h>
#include <poll.h>
#include <time.h>

#include "sp-internal.h"

 /* The deadline is on the monotonic clock: a signal waking us up early
    only shortens what is left, and clock jumps do not count. */

int sp_wait (sp_info *info, int timeout_ms)
{
  struct timespec deadline, now, left ;
  struct pollfd x = { .events = POLLIN } ;
  int r = timeout_ms && sp_state.held && !sp_have_records() ? 0 : sp_read(info) ;
  if (r || !timeout_ms) return r ;
  x.fd = sp_state.p[0] ;
  if (timeout_ms > 0)
  {
    clock_gettime(CLOCK_MONOTONIC, &deadline) ;
    deadline.tv_sec += timeout_ms / 1000 ;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000 ;
    if (deadline.tv_nsec >= 1000000000) { deadline.tv_sec++ ; deadline.tv_nsec -= 1000000000 ; }
  }
  for (;;)
  {
    if (timeout_ms > 0)
    {
      clock_gettime(CLOCK_MONOTONIC, &now) ;
      left.tv_sec = deadline.tv_sec - now.tv_sec ;
      left.tv_nsec = deadline.tv_nsec - now.tv_nsec ;
      if (left.tv_nsec < 0) { left.tv_sec-- ; left.tv_nsec += 1000000000 ; }
      if (left.tv_sec < 0) return 0 ;
    }
    if (sp_state.held)
    {
      /* held: wait for the delivery itself, not for a record */
      r = sp_take(timeout_ms > 0 ? &left : 0) ;
      if (r < 0 && errno == EAGAIN) return 0 ;
    }
    else r = ppoll(&x, 1, timeout_ms > 0 ? &left : 0, 0) ;
    if (r < 0 && errno != EINTR) return -1 ;
    r = sp_read(info) ;
    if (r) return r ;
  }
}
