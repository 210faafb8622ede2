/* ISC license. */

#ifndef SPGEN_H
#define SPGEN_H

#include <sys/types.h>

#include <skalibs/gccattributes.h>
#include <skalibs/tai.h>

#include "../selfpipe/sprun.h"

 /*
    selfpipe-gen: selfpipe-run's code (src/selfpipe), with generations.
    The current generation is sprun.child, the target of every signal;
    the others are a candidate being started by a rollout, and those
    being retired (or rolled back) with the stop schedule.
 */

#define SPGEN_NAME "selfpipe-gen"
#define SPGEN_MAX 4

enum spgen_role_e { SPGEN_FREE, SPGEN_CURRENT, SPGEN_CANDIDATE, SPGEN_RETIRING } ;

typedef struct spgen_s spgen ;
struct spgen_s
{
  unsigned int n ;        /* 1, 2, ...: never given twice */
  pid_t pid ;
  unsigned char role ;    /* enum spgen_role_e */
  unsigned char dead ;    /* seen dead, not reaped yet: never signalled again */
  unsigned char ready ;   /* READY=1 from its own pid */
  int sock ;              /* its notify socket (-N); -1 */
  tain start ;            /* its spawn */
   /* its stop schedule (spgen_stop.c), once it is stopping */
  unsigned char stopping ;
  unsigned char armed ;
  unsigned char over ;
  unsigned int next ;
  int first ;
  unsigned int elapsed ;
  tain deadline ;
} ;

extern spgen spgen_table[SPGEN_MAX] ;
extern spgen *spgen_find (pid_t) ;
extern spgen *spgen_current (void) ;
extern unsigned int spgen_others (void) ;
extern void spgen_free (spgen *) ;
extern size_t spgen_fmt (char *, spgen const *) ;
#define SPGEN_FMT (40 + UINT_FMT + PID_FMT)

extern char const *const *spgen_argv ;
extern spgen *spgen_spawn (void) ;
extern unsigned int spgen_next (void) ;
extern void spgen_first (void) ;

extern int spgen_retire_sig (void) ;
extern void spgen_stop_start (spgen *, int) ;
extern int spgen_stop_deadline (tain *) ;
extern void spgen_stop_timers (void) ;

extern unsigned int spgen_notify_fds (iopause_fd *) ;
extern void spgen_notify_io (iopause_fd const *, unsigned int) ;

extern void spgen_rollout_trigger (sprun_event *) ;
extern void spgen_rollout_ready (spgen *) ;
extern int spgen_rollout_end (spgen *, int) ;
extern void spgen_rollout_stop (char const *, int) ;
extern int spgen_rollout_deadline (tain *) ;
extern void spgen_rollout_timers (void) ;

extern sprun_gens const spgen_ops ;
extern void spgen_help (int) gccattr_noreturn ;

#endif
