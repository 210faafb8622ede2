/* ISC license. */

#ifndef SPRUN_H
#define SPRUN_H

#include <sys/types.h>
#include <stddef.h>
#include <signal.h>

#include <skalibs/tai.h>

#include <selfpipe/selfpipe.h>

#ifndef NSIG
# define NSIG 65
#endif

#define SPRUN_NAME "selfpipe-run"
#define SPRUN_USAGE SPRUN_NAME " [ -v verbosity ] [ -T ] [ -g ] [ -s ] [ -r ] [ -e code ] [ -k killtimeout ] [ -t stopsigs ] [ -p pdeathsig ] [ -m from:to ]... [ -c sig:hook ]... [ -w hooktimeout ] prog..."

 /* What the options say. Fixed-size storage, indexed by signal number:
    parsing never allocates. Strings point into argv. */

typedef struct sprun_config_s sprun_config ;
struct sprun_config_s
{
  unsigned int verbosity ;
  unsigned int killtimeout ;    /* -k, ms; 0: never */
  unsigned int hooktimeout ;    /* -w, ms; 0: never */
  int exitzero ;                /* -e: this exit code is reported as 0; -1: none */
  int pdeathsig ;               /* -p; 0: none */
  unsigned char timestamp ;     /* -T */
  unsigned char pgroup ;        /* -g */
  unsigned char subreaper ;     /* -s */
  unsigned char reraise ;       /* -r */
  unsigned char stopsig[NSIG] ; /* -t: 1 for a stop signal */
  unsigned char mapped[NSIG] ;  /* 1 if -m named this signal */
  int map[NSIG] ;               /* -m: what is forwarded for each signal; 0: nothing */
  char const *hook[NSIG] ;      /* -c: the hook's path, or 0 */
} ;

extern int sprun_parse (sprun_config *, int, char const *const *, char *, size_t) ;
extern int sprun_catchable (int) ;

 /* Logging: a bounded queue, written to fd 2 only when it polls writable */

#define SPRUN_WARN 0
#define SPRUN_INFO 1
#define SPRUN_DEBUG 2

extern void sprun_log_init (unsigned int, int) ;
extern void sprun_logv (int, char const *const *, unsigned int) ;
#define sprun_log(level, ...) sprun_logv(level, (char const *const[]){ __VA_ARGS__ }, sizeof((char const *const[]){ __VA_ARGS__ }) / sizeof(char const *))
extern int sprun_log_wants (int) ;
extern void sprun_log_endburst (void) ;
extern int sprun_log_pending (void) ;
extern void sprun_log_write (void) ;
extern void sprun_log_flush_nowait (void) ;

 /* The running state */

typedef struct sprun_hook_s sprun_hook ;
struct sprun_hook_s
{
  pid_t pid ;         /* the running hook, 0 if none */
  sp_info info ;      /* the delivery it decides on */
  sp_info next ;      /* the newest coalesced delivery, if again */
  tain deadline ;
  unsigned char again ;
  unsigned char timedout ;
} ;

typedef struct sprun_state_s sprun_state ;
struct sprun_state_s
{
  sprun_config const *cfg ;
  pid_t self ;
  unsigned char jobstop[NSIG] ;  /* TSTP TTIN TTOU: 1 if their default action was in force at startup */
  pid_t child ;        /* 0 once reaped */
  int wstat ;          /* the child's wait status, once reaped */
  unsigned char done ; /* the child has been reaped */
  unsigned char killarmed ;
  int killsig ;        /* the stop signal that armed the kill deadline */
  unsigned int killms ;
  tain killdeadline ;
  sprun_hook hooks[NSIG] ;
} ;

extern sprun_state sprun ;

extern size_t sprun_fmt_event (char *, sp_info const *) ;
#define SPRUN_EVENT_MAX 80
extern size_t sprun_fmt_status (char *, int) ;
#define SPRUN_STATUS_MAX 40
extern size_t sprun_fmt_pidtarget (char *, int, pid_t, int) ;
#define SPRUN_TARGET_MAX 64

extern void sprun_signal (sp_info const *) ;
extern void sprun_deliver (sp_info const *) ;
extern void sprun_stopself (int) ;
extern void sprun_reap (void) ;
extern void sprun_hook_request (sp_info const *) ;
extern int sprun_hook_end (pid_t, int) ;
extern void sprun_hook_timers (void) ;
extern void sprun_hook_killall (void) ;
extern void sprun_timers (void) ;
extern int sprun_deadline (tain *) ;
extern pid_t sprun_spawn (char const *const *) ;

#endif
