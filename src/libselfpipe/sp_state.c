/* ISC license. */

#include "sp-internal.h"

 /* The handler reads the target and the table with plain loads: they
    must not hide a lock. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic int must be lock-free") ;
_Static_assert(sizeof(pid_t) == sizeof(int), "a pid must fit an atomic int") ;
_Static_assert(sizeof(sp_info) <= PIPE_BUF, "a record must be written atomically") ;

sp_state_t sp_state = { .p = { -1, -1 } } ;
sp_orig sp_origs[SP_NSIG] SP_COLD ;
uint64_t sp_origign ;
 /* written on an overflow only; sp_init clears what is not 0 */
atomic_uint sp_lost[SP_NSIG] SP_COLD ;
atomic_int sp_lost_any ;
atomic_int sp_wfd = -1 ;
atomic_uint sp_inflight ;
atomic_int sp_forking ;
atomic_int sp_spawned ;
atomic_uint sp_fwd_table[SP_NSIG] ;
atomic_int sp_fwd_target ;
atomic_uint sp_lostfwd[SP_NSIG] SP_COLD ;
atomic_uint sp_queued ;
unsigned int sp_capacity ;
sp_fwd sp_last = SP_FWD_ZERO ;
