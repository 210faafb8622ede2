/* ISC license. */

#include <skalibs/tai.h>

#include "sprun.h"

 /* The earliest deadline, 0 if there is none: with nothing pending
    the runner sleeps until a signal comes. */

int sprun_deadline (tain *deadline)
{
  tain h ;
  int has = sprun_stop_deadline(deadline) ;
  if (sprun_stopdelay_deadline(&h) && (!has || tain_less(&h, deadline)))
  {
    *deadline = h ;
    has = 1 ;
  }
  if (sprun_hook_deadline(&h) && (!has || tain_less(&h, deadline)))
  {
    *deadline = h ;
    has = 1 ;
  }
  if (sprun_follow_deadline(&h) && (!has || tain_less(&h, deadline)))
  {
    *deadline = h ;
    has = 1 ;
  }
  if (sprun_rollout_deadline(&h) && (!has || tain_less(&h, deadline)))
  {
    *deadline = h ;
    has = 1 ;
  }
  if (sprun_ready_deadline(&h) && (!has || tain_less(&h, deadline)))
  {
    *deadline = h ;
    has = 1 ;
  }
  return has ;
}

void sprun_timers (void)
{
  sprun_hook_timers() ;
  sprun_stopdelay_timers() ;
  sprun_stop_timers() ;
  sprun_follow_timers() ;
  sprun_rollout_timers() ;
  sprun_ready_timers() ;
}
