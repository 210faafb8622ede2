/* ISC license. */

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "sprun.h"

 /*
    -D ms: the first stop signal is held ms before it goes its usual
    way (forward, -k, -S, a hook), so that whatever routes traffic to
    the service (a Kubernetes endpoint, a load balancer) has stopped
    before the service starts closing. The stop schedule starts when
    the signal is let go, so its KILL comes after the delay, not
    during it. A second stop signal means "now": the held one goes at
    once. The delay is used once; later stop signals are not held.
 */

static struct
{
  unsigned char holding ;
  unsigned char used ;
  sp_info held ;
  tain deadline ;
} delay ;

 /* sprun_signal routes the held record again, and this time it passes */
static void release (void)
{
  delay.holding = 0 ;
  delay.used = 1 ;
  sprun_signal(&delay.held) ;
}

 /* Returns 1 if the delivery was taken: held, or it ended the delay. */

int sprun_stopdelay_take (sprun_event *ev)
{
  unsigned int ms = sprun.cfg->stopdelay ;
  if (!ms || delay.used) return 0 ;
  if (delay.holding)
  {
    ev->outcome = SPRUN_EV_DELAY_CUT ;
    sprun_event_log(ev) ;
    release() ;
    return 1 ;
  }
  {
    tain d ;
    tain_from_millisecs(&d, (int)ms) ;
    tain_add_g(&delay.deadline, &d) ;
  }
  delay.held = ev->info ;
  delay.holding = 1 ;
  ev->outcome = SPRUN_EV_DELAYED ;
  ev->ms = ms ;
  sprun_event_log(ev) ;
  return 1 ;
}

int sprun_stopdelay_deadline (tain *deadline)
{
  if (!delay.holding) return 0 ;
  *deadline = delay.deadline ;
  return 1 ;
}

void sprun_stopdelay_timers (void)
{
  char fmt[UINT_FMT] ;
  if (!delay.holding || tain_future(&delay.deadline)) return ;
  fmt[uint_fmt(fmt, sprun.cfg->stopdelay)] = 0 ;
  sprun_log(SPRUN_INFO, SPRUN_LE_STOP, "stop delay of ", fmt, " ms over") ;
  release() ;
}
