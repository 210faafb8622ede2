/* ISC license. */

#include "sp-internal.h"

sp_state_t sp_state = { .p = { -1, -1 } } ;
atomic_uint sp_lost[SP_NSIG] ;
atomic_int sp_lost_any ;
atomic_int sp_wfd = -1 ;
atomic_uint sp_inflight ;
atomic_int sp_forking ;
