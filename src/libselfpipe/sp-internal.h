/* ISC license. */

#ifndef SELFPIPE_INTERNAL_H
#define SELFPIPE_INTERNAL_H

#include <signal.h>
#include <stdatomic.h>

#include <selfpipe/selfpipe.h>

 /* One self-pipe per process: dispositions are process-wide anyway. */

typedef struct sp_state_s sp_state_t, *sp_state_t_ref ;
struct sp_state_s
{
  int p[2] ;                      /* p[0] read end, p[1] written by the handler */
  pid_t owner ;                   /* the process that called sp_init */
  sigset_t trapped ;
  sigset_t origmask ;             /* the mask when sp_init was called */
  struct sigaction orig[SP_NSIG] ;   /* dispositions before trapping */
} ;

extern sp_state_t sp_state ;
extern atomic_uint sp_lost[SP_NSIG] ;
extern atomic_int sp_lost_any ;
extern atomic_int sp_wfd ;         /* the write end as handlers see it, -1 when closing */
extern atomic_uint sp_inflight ;   /* handlers running now, in any thread */
extern atomic_int sp_forking ;     /* fork() under way here, or we are its child */

extern void sp_handler (int, siginfo_t *, void *) ;
extern int sp_trap_one (int) ;
extern void sp_untrap_one (int) ;
extern void sp_reset_read_buffer (void) ;
extern int sp_atfork_register (void) ;
extern int sp_set_has_class (sigset_t const *, unsigned int) ;
extern void sp_exec (char const *, char const *const *, char const *const *, int) ;

#endif
