/* ISC license. */

#ifndef SELFPIPE_INTERNAL_H
#define SELFPIPE_INTERNAL_H

#include <limits.h>
#include <stdint.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#include <selfpipe/selfpipe.h>

 /* A buffer that is not written until it is used: kept away from the
    state that every delivery touches (see SPRUN_COLD in sprun.h). */
#ifdef SP_HAVE_LBSS
#define SP_COLD __attribute__((section(".lbss")))
#else
#define SP_COLD
#endif

 /* A disposition, as small as it can be kept: a struct sigaction is
    152 bytes with glibc, mostly a sigset_t of 1024 signals, and there
    is one per signal. The mask holds signals 1 to 64. */

typedef struct sp_orig_s sp_orig ;
struct sp_orig_s
{
  union
  {
    void (*handler) (int) ;
    void (*action) (int, siginfo_t *, void *) ;
  } u ;
  uint64_t mask ;
  int flags ;
} ;

extern void sp_orig_get (int, struct sigaction *) ;
extern void sp_orig_put (int, struct sigaction const *) ;

 /* One self-pipe per process: dispositions are process-wide anyway. */

typedef struct sp_state_s sp_state_t, *sp_state_t_ref ;
struct sp_state_s
{
  int p[2] ;                      /* p[0] read end, p[1] written by the handler */
  pid_t owner ;                   /* the process that called sp_init */
  sigset_t trapped ;
  sigset_t origmask ;             /* the mask when sp_init was called */
  sigset_t holdset ;              /* what sp_hold blocked, while held */
  int held ;
  int forkself ;                  /* sp_fork's fork: the child sets its own mask */
} ;

extern sp_state_t sp_state ;
 /* The dispositions before trapping. A bit of sp_origign stands for
    SIG_IGN, so a plain SIG_DFL or SIG_IGN (no flags, empty mask), what
    almost every program starts with, is an all-zero entry. sp_orig_put writes only what changes,
    so the table stays untouched zero pages in a program that trapped
    only those. */
extern sp_orig sp_origs[SP_NSIG] ;
extern uint64_t sp_origign ;
static inline int sp_orig_ignored (int sig)
{
  return (int)(sp_origign >> (sig - 1) & 1) ;
}
extern atomic_uint sp_lost[SP_NSIG] ;
extern atomic_int sp_lost_any ;
extern atomic_int sp_wfd ;         /* the write end as handlers see it, -1 when closing */
extern atomic_uint sp_inflight ;   /* handlers running now, in any thread */
extern atomic_int sp_forking ;     /* fork() under way here, or we are its child */
extern atomic_int sp_spawned ;     /* the pid of sp_spawn's vfork child, while it has not exec'd */

 /* What goes through the pipe is one sp_info per delivery, and what
    the handler did with it travels in two fields that a record in the
    pipe never uses otherwise: lost (only loss reports, which sp_read
    makes, have it) holds the state, the signal sent and kill()'s
    errno; status (only SIGCHLD's, which is never forwarded) holds the
    target. sp_read gives both back as 0 and the rest to sp_forwarded. */

#define SP_REC_FWD(state, sig, err) ((unsigned int)(state) | (unsigned int)(sig) << 8 | ((unsigned int)(err) & 0xffffu) << 16)

 /* Forwarding from the handler: per signal, the signal to send (low
    byte, 0 for none) and the SP_FORWARD_* flags above it; one target. */

#define SP_FWD_ENTRY(to, flags) ((unsigned int)(to) | (flags) << 8)
extern atomic_uint sp_fwd_table[SP_NSIG] ;
extern atomic_int sp_fwd_target ;
extern atomic_uint sp_lostfwd[SP_NSIG] ;  /* forwarded, but the record did not fit */
extern atomic_uint sp_queued ;     /* records in the pipe, at least */
extern unsigned int sp_capacity ;  /* records the pipe holds */
extern sp_fwd sp_last ;            /* what the handler did with the record sp_read returned last */

extern void sp_handler (int, siginfo_t *, void *) ;
extern void sp_handler_forward (int, siginfo_t const *, sp_fwd *) ;
extern void sp_handler_fill (sp_info *, int, siginfo_t const *) ;

 /* The records sp_read hands out, one at a time: a batch read from the
    pipe, or the deliveries sp_take took while the signals are held. */
#define SP_BATCH 128
extern sp_info sp_rbuf[SP_BATCH] ;
extern unsigned int sp_rhead, sp_rtail ;
extern int sp_take (struct timespec const *) ;

 /* Records to hand out without waiting: buffered, in the pipe, or a
    loss to report. Held, a waiter with none goes straight to sp_take,
    which finds a pending delivery at once. */
static inline int sp_have_records (void)
{
  return sp_rhead != sp_rtail
    || atomic_load_explicit(&sp_queued, memory_order_relaxed)
    || atomic_load_explicit(&sp_lost_any, memory_order_relaxed) ;
}
extern int sp_trap_one (int) ;
extern void sp_untrap_one (int) ;
extern void sp_reset_read_buffer (void) ;
extern void sp_forward_forget (void) ;
extern int sp_atfork_register (void) ;
extern int sp_set_has_class (sigset_t const *, unsigned int) ;
extern void sp_exec (char const *, char const *const *, char const *const *, int) ;

#endif
