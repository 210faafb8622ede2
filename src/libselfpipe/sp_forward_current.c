/* ISC license. */

#include "sp-internal.h"

 /* the target the handler forwards to now, as sp_forward_target set it */

pid_t sp_forward_current (void)
{
  return atomic_load(&sp_fwd_target) ;
}
