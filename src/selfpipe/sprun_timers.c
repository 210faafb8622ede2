/* ISC license. */

#include <skalibs/tai.h>

#include "sprun.h"

 /* Every module that waits for a time: its next deadline, and what it
    does when that time has come. One list, so that a new timer cannot
    be asked for its deadline and then never run. */

typedef struct sprun_timer_s sprun_timer ;
struct sprun_timer_s
{
  int (*deadline) (tain *) ;
  void (*run) (void) ;
} ;

static int gens_deadline (tain *deadline)
{
  return sprun_gen_ops ? (*sprun_gen_ops->deadline)(deadline) : 0 ;
}

static void gens_timers (void)
{
  if (sprun_gen_ops) (*sprun_gen_ops->timers)() ;
}

static sprun_timer const timer[] =
{
  { &sprun_hook_deadline, &sprun_hook_timers },
  { &sprun_stopdelay_deadline, &sprun_stopdelay_timers },
  { &sprun_stop_deadline, &sprun_stop_timers },
  { &sprun_follow_deadline, &sprun_follow_timers },
  { &sprun_rollout_deadline, &sprun_rollout_timers },
  { &sprun_reload_deadline, &sprun_reload_timers },
  { &sprun_watchdog_deadline, &sprun_watchdog_timers },
  { &gens_deadline, &gens_timers },
} ;

 /* The earliest deadline, 0 if there is none: with nothing pending
    the runner sleeps until a signal comes. */

int sprun_deadline (tain *deadline)
{
  int has = 0 ;
  for (unsigned int i = 0 ; i < sizeof(timer) / sizeof(*timer) ; i++)
  {
    tain t ;
    if ((*timer[i].deadline)(&t) && (!has || tain_less(&t, deadline)))
    {
      *deadline = t ;
      has = 1 ;
    }
  }
  return has ;
}

void sprun_timers (void)
{
  for (unsigned int i = 0 ; i < sizeof(timer) / sizeof(*timer) ; i++) (*timer[i].run)() ;
}
