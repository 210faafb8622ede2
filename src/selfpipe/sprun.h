/* ISC license. */

#ifndef SPRUN_H
#define SPRUN_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>

#include <skalibs/gccattributes.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>

#include <selfpipe/selfpipe.h>

 /* Storage that only some options, or only bad times, write to. Where
    configure found that the toolchain keeps a .lbss section out of the
    file and places it after .bss, it goes there: it then never shares
    a page with the state that every runner touches, and a runner that
    does not use it never dirties it. */
#ifdef SP_HAVE_LBSS
#define SPRUN_COLD __attribute__((section(".lbss")))
#else
#define SPRUN_COLD
#endif

#define SPRUN_NAME "selfpipe-run"
#define SPGEN_USAGE "selfpipe-gen [ -v verbosity ] [ -o format ] [ -T ] [ -g ] [ -s ] [ -r ] [ -e code ]... [ -k killtimeout ] [ -S schedule ] [ -D stopdelay ] [ -t stopsigs ] [ -p pdeathsig ] [ -a parentsig ] [ -m from:to ]... [ -c sig:hook ]... [ -w hooktimeout ] -U rolloutsig[,ms] [ -N ] [ -C check ] [ -A alive ] [ -x retries ] [ -n notif ] [ -H ] [ -R reloadtimeout ] [ -W watchdog ] prog..."
#define SPRUN_USAGE SPRUN_NAME " [ -v verbosity ] [ -o format ] [ -T ] [ -g ] [ -s ] [ -r ] [ -e code ]... [ -k killtimeout ] [ -S schedule ] [ -D stopdelay ] [ -t stopsigs ] [ -p pdeathsig ] [ -a parentsig ] [ -m from:to ]... [ -c sig:hook ]... [ -w hooktimeout ] [ -P pidfile ] [ -U upgradesig ] [ -u usr2sig ] [ -q quitsig ] [ -C check ] [ -N ] [ -n notif ] [ -d childnotif ] [ -H ] [ -R reloadtimeout ] [ -W watchdog ] prog..."

 /* A stop schedule: each stage sends sig, ms after the stage before.
    A stage 0 of sig 0 is the stop signal itself, forwarded through the
    usual rules (-k); otherwise (-S) the schedule sends every stage.
    last: how long the last stage is given, 0 for ever. */

#define SPRUN_STAGES_MAX 16

typedef struct sprun_stage_s sprun_stage ;
struct sprun_stage_s
{
  int sig ;
  unsigned int ms ;
} ;

typedef struct sprun_schedule_s sprun_schedule ;
struct sprun_schedule_s
{
  unsigned int n ;
  unsigned int last ;
  sprun_stage stage[SPRUN_STAGES_MAX] ;
} ;

 /* What the options say. Fixed-size storage, indexed by signal number:
    parsing never allocates. Strings point into argv. */

typedef struct sprun_config_s sprun_config ;
struct sprun_config_s
{
  unsigned int verbosity ;
  unsigned int hooktimeout ;       /* -w, ms; 0: never */
  unsigned int stopdelay ;         /* -D, ms; 0: none */
  unsigned char exitzero[32] ;     /* -e, a bit per exit code: reported as 0 */
  int pdeathsig ;                  /* -p; 0: none */
  int parentsig ;                  /* -a: the runner's own parent death signal; 0: none */
  unsigned char timestamp ;        /* -T */
  unsigned char json ;             /* -o json: one JSON object a log line */
  unsigned char pgroup ;           /* -g */
  unsigned char subreaper ;        /* -s */
  unsigned char reraise ;          /* -r */
  sprun_schedule stop ;            /* -k, -S: what follows a stop signal */
  char stopopt ;                   /* 'k' or 'S' once one was given */
  unsigned char stopsig[SP_NSIG] ; /* -t: 1 for a stop signal */
  unsigned char mapped[SP_NSIG] ;  /* 1 if -m named this signal */
  int map[SP_NSIG] ;               /* -m: what is forwarded for each signal; 0: nothing */
  unsigned int pidtimeout ;        /* -P file,ms: how long it may name nobody */
  int upgradesig ;                 /* -U: the trigger of an upgrade; 0: none */
  unsigned int upgradetimeout ;    /* -U sig,ms */
  int upgradeusr ;                 /* -u: what starts an upgrade in the master; SIGUSR2 */
  int retiresig ;                  /* -q: what retires a master (the old, or a rolled-back new one); SIGQUIT */
  char const *check ;              /* -C: the new master's check, or 0 */
  char info ;                      /* 'h' or 'V': print that, run nothing */
  unsigned char notify ;           /* -N: the sd_notify socket */
  unsigned char hold ;             /* -H: hold signals until ready */
  int notifyfd ;                   /* -n: the supervisor's notification fd; -1: none */
  int childfd ;                    /* -d: the child's notification fd; -1: none */
  unsigned int reloadtimeout ;     /* -R, ms */
  unsigned int watchdog ;          /* -W, ms; 0: none */
  unsigned char gen ;              /* parsed for selfpipe-gen */
  unsigned int alive ;             /* selfpipe-gen -A: ms a generation must live to be ready, without -N or -C */
  unsigned int retries ;           /* selfpipe-gen -x: attempts after a failed one, per trigger */
  /* Last: what only some options write. sprun_parse clears what is
     not 0 already, so in a static config, zero from the start, these
     stay untouched zero pages unless -c or -P writes them. */
  char const *hook[SP_NSIG] ;      /* -c: the hook's path, or 0 */
  char pidfile[4096] ;             /* -P: the daemon's pidfile; empty: none (a copy: the word may end in ,ms) */
} ;

extern int sprun_parse (sprun_config *, int, char const *const *, char *, size_t) ;
extern int sprun_parse_gen (sprun_config *, int, char const *const *, char *, size_t) ;
extern char const *sprun_source_refusal (int) ;
extern void sprun_help (int) gccattr_noreturn ;
extern char const sprun_version[] ;

 /* Logging: a bounded queue, written to fd 2 only when it polls writable.
    Every line names its event (its "event" field in JSON); the names
    are in sprun_log.c's table, in this order. */

#define SPRUN_WARN 0
#define SPRUN_INFO 1
#define SPRUN_DEBUG 2

enum sprun_logev_e
{
  SPRUN_LE_SIGNAL,    /* a delivery not forwarded, deliveries lost */
  SPRUN_LE_FORWARD,   /* a delivery forwarded, or the kill that failed */
  SPRUN_LE_GATE,      /* -c: the hook decided, started, ended */
  SPRUN_LE_HOLD,      /* held until ready (-H) or until a master is followed (-P) */
  SPRUN_LE_STOP,      /* the stop signal, its delay, the SIGCONT after it */
  SPRUN_LE_KILL,      /* the stop schedule's later stages, the PID 1 sweep */
  SPRUN_LE_SPAWN,     /* the child started */
  SPRUN_LE_EXIT,      /* a child or an orphan reaped */
  SPRUN_LE_JOB,       /* job control: the child or the runner stopped, continued */
  SPRUN_LE_FOLLOW,    /* -P */
  SPRUN_LE_UPGRADE,   /* -U */
  SPRUN_LE_NOTIFY,    /* the notify socket's messages */
  SPRUN_LE_READY,     /* readiness */
  SPRUN_LE_RELOAD,    /* reload confirmation */
  SPRUN_LE_WATCHDOG,  /* -W */
  SPRUN_LE_ROLLOUT,   /* selfpipe-gen: generations started, ready, retired, rolled back */
  SPRUN_LE_LOG,       /* the log's own losses */
  SPRUN_LE_FATAL      /* the runner's last words */
} ;

extern void sprun_log_init (unsigned int, int, int) ;
extern void sprun_logv (int, enum sprun_logev_e, char const *const *, unsigned int) ;
#define sprun_log(level, ev, ...) sprun_logv(level, ev, (char const *const[]){ __VA_ARGS__ }, sizeof((char const *const[]){ __VA_ARGS__ }) / sizeof(char const *))
extern void sprun_log_line (int, enum sprun_logev_e, char const *, size_t, char const *, size_t) ;
extern int sprun_log_wants (int) ;
extern int sprun_log_json (void) ;
extern void sprun_log_endburst (void) ;
extern int sprun_log_pending (void) ;
extern void sprun_log_write (void) ;
extern void sprun_log_flush_nowait (void) ;
extern void sprun_die (int, int, char const *const *, unsigned int) gccattr_noreturn ;
#define sprun_diefu(code, ...) sprun_die(code, errno, (char const *const[]){ "unable to ", __VA_ARGS__ }, 1 + sizeof((char const *const[]){ __VA_ARGS__ }) / sizeof(char const *))
#define sprun_dief(code, ...) sprun_die(code, 0, (char const *const[]){ __VA_ARGS__ }, sizeof((char const *const[]){ __VA_ARGS__ }) / sizeof(char const *))

 /* JSON for the log: strings escaped into valid JSON whatever their
    bytes (sprun_json.c). Each appends to s, never past max, and
    returns the new length. */

extern size_t sprun_json_str (char *, size_t, size_t, char const *, size_t) ;
extern size_t sprun_json_key (char *, size_t, size_t, char const *) ;
extern size_t sprun_json_strfield (char *, size_t, size_t, char const *, char const *) ;
extern size_t sprun_json_intfield (char *, size_t, size_t, char const *, long long) ;
extern size_t sprun_json_litfield (char *, size_t, size_t, char const *, char const *) ;
extern size_t sprun_json_time (char *) ;
#define SPRUN_JSON_TIME_MAX 40

 /* One delivery on its way: filled once from the record, every module
    adds what it did, one renderer prints it. */

enum sprun_outcome_e
{
  SPRUN_EV_FORWARDED,   /* to, target */
  SPRUN_EV_FAILED,      /* to, target, err */
  SPRUN_EV_IGNORED,     /* -m sig:0 */
  SPRUN_EV_SELF,        /* caused by the runner */
  SPRUN_EV_TERMINAL,    /* the terminal sent it to the child already */
  SPRUN_EV_COALESCED,   /* hook */
  SPRUN_EV_NOSTART,     /* hook, err */
  SPRUN_EV_TIMEDOUT,    /* hook, ms */
  SPRUN_EV_REFUSED,     /* hook, wstat */
  SPRUN_EV_STOPPING,    /* to, target: the schedule's first stage */
  SPRUN_EV_STOPPING_AGAIN,  /* the schedule runs already */
  SPRUN_EV_HELD,        /* -P: between two masters, routed when the next one is followed */
  SPRUN_EV_UPGRADE,     /* -U: to, target */
  SPRUN_EV_UPGRADE_BUSY, /* -U: one is under way already */
  SPRUN_EV_NOTREADY,        /* -H: until the service is ready */
  SPRUN_EV_DELAYED,         /* ms: held by the stop delay (-D) */
  SPRUN_EV_DELAY_CUT,       /* a second stop signal: the held one goes now */
  SPRUN_EV_GONE,            /* no target: the child is dead (or between two) */
  SPRUN_EV_ROLLOUT,         /* selfpipe-gen: ms is the generation started */
  SPRUN_EV_ROLLOUT_BUSY,    /* selfpipe-gen: one is under way already */
  SPRUN_EV_ROLLOUT_STOPPING /* selfpipe-gen: the service is stopping */
} ;

typedef struct sprun_event_s sprun_event ;
struct sprun_event_s
{
  sp_info info ;
  enum sprun_outcome_e outcome ;
  int to ;              /* the signal sent */
  pid_t target ;        /* to whom: a pid, or minus a process group */
  int err ;             /* errno of what failed */
  char const *hook ;    /* the hook that decided */
  int wstat ;           /* the hook's wait status */
  unsigned int ms ;     /* the hook's time-out, or the stop delay */
  sp_fwd fwd ;          /* what the library's handler did with it */
  unsigned char looked ; /* the sender and the target were looked up in /proc */
  unsigned char from ;  /* enum sprun_from_e */
  unsigned char unheard ; /* the target ignores the signal sent */
  char comm[17] ;       /* the sender's command name, raw bytes */
} ;

 /* Who sent a delivery, as far as the kernel says (sprun_sender.c) */

enum sprun_from_e
{
  SPRUN_FROM_PROCESS,   /* a pid of our namespace, its name read */
  SPRUN_FROM_NONAME,    /* a pid whose name /proc would not give */
  SPRUN_FROM_GONE,      /* a pid that was gone when the record was handled */
  SPRUN_FROM_KERNEL,
  SPRUN_FROM_TERMINAL,  /* the kernel, for the terminal: ^C, a resize, a hangup */
  SPRUN_FROM_OUTSIDE,   /* a process the kernel cannot name in our pid namespace */
  SPRUN_FROM_UNKNOWN    /* a lost delivery: no record of its sender */
} ;

extern void sprun_sender (sprun_event *) ;
extern char const *sprun_sender_code (sp_info const *) ;
extern char const *sprun_sender_from (unsigned int) ;

extern void sprun_event_init (sprun_event *, sp_info const *) ;
extern void sprun_event_log (sprun_event *) ;
extern size_t sprun_event_json (char *, size_t, sprun_event const *) ;

 /* The target: whom the service's signals go to. The only caller of
    kill() on the service; safe in a signal handler. */

extern void sprun_target_set (pid_t, int) ;
extern void sprun_fast (int) ;
extern void sprun_target_clear (void) ;
extern pid_t sprun_target (void) ;
extern int sprun_target_kill (int, pid_t *) ;
extern int sprun_target_kill_other (pid_t, int) ;
extern size_t sprun_fmt_target (char *, int, pid_t) ;
#define SPRUN_TARGET_MAX 64

 /* Stopping: the schedule that follows a stop signal */

extern int sprun_stop_begin (sprun_event *) ;
extern void sprun_stop_cont (int) ;
extern void sprun_stop_cont_log (int, pid_t) ;
extern int sprun_stop_deadline (tain *) ;
extern void sprun_stop_timers (void) ;
extern int sprun_stop_end (void) ;

 /* Following a daemon that forks (-P): sprun_follow.c, sprun_pidfile.c */

extern int sprun_pidfile_read (char const *, pid_t *, char const **) ;
extern int sprun_follow_ended (pid_t, int) ;
extern int sprun_follow_hold (sp_info const *) ;
extern int sprun_follow_deadline (tain *) ;
extern void sprun_follow_timers (void) ;
extern void sprun_follow_orphans (int) ;
extern int sprun_follow_following (void) ;
extern int sprun_follow_master (void) ;

 /* -C: the check of a new master, sprun_check.c */

extern int sprun_check_start (pid_t, pid_t) ;
extern int sprun_check_running (void) ;
extern int sprun_check_result (void) ;
extern void sprun_check_cancel (void) ;
extern int sprun_check_reaping (pid_t) ;
extern int sprun_check_end (pid_t, int) ;

 /* -U: one-signal upgrades, sprun_rollout.c */

extern void sprun_rollout_trigger (sprun_event *) ;
extern int sprun_rollout_deadline (tain *) ;
extern void sprun_rollout_timers (void) ;
extern void sprun_rollout_stop (int) ;
extern int sprun_rollout_ready (pid_t) ;
extern unsigned int sprun_stop_grace (void) ;

 /* The stop delay (-D): the first stop signal waits */

extern int sprun_stopdelay_take (sprun_event *) ;
extern int sprun_stopdelay_deadline (tain *) ;
extern void sprun_stopdelay_timers (void) ;

 /* As PID 1, at exit: what is left of the container gets the schedule */

extern void sprun_sweep (void) ;

 /* The running state */

typedef struct sprun_state_s sprun_state ;
struct sprun_state_s
{
  sprun_config const *cfg ;
  pid_t self ;
  unsigned char jobstop[SP_NSIG] ;  /* 1 if a job-control stop's default action was in force at startup */
  pid_t child ;        /* 0 once reaped */
  int wstat ;          /* the child's wait status, once reaped */
  unsigned char done ; /* the child has been reaped */
} ;

extern sprun_state sprun ;

 /* What selfpipe-gen adds to the shared code: the generations that are
    not the current one (sprun.child is the current one). selfpipe-run
    has none: sprun.gens is 0. */

typedef struct sprun_gens_s sprun_gens ;
struct sprun_gens_s
{
  void (*trigger) (sprun_event *) ;         /* the -U signal came */
  int (*reaping) (pid_t) ;                  /* dead, not reaped: 1 if it is a generation */
  int (*end) (pid_t, int) ;                 /* reaped: 1 if it was a generation */
  void (*stop) (int) ;                      /* the service stops: this signal first */
  int (*deadline) (tain *) ;
  void (*timers) (void) ;
  unsigned int (*fds) (iopause_fd *) ;      /* at most SPRUN_GEN_FDS */
  void (*io) (iopause_fd const *, unsigned int) ;
  int (*finished) (void) ;                  /* the current one is reaped: 1 when nothing else lives */
} ;
#define SPRUN_GEN_FDS 4
extern sprun_gens const *sprun_gen_ops ;

 /* Readiness (sprun_ready.c) and the sd_notify socket (sprun_notify.c) */

typedef struct sprun_notice_s sprun_notice ;
struct sprun_notice_s
{
  pid_t pid ;            /* the sender, from the kernel's credentials */
  int main ;             /* it was the main process when it sent this */
  unsigned char ready, reloading, stopping, watchdog, trigger ;
  pid_t mainpid ;        /* MAINPID=, 0 if none */
  int err ;              /* ERRNO=, -1 if none */
  uint64_t extend ;      /* EXTEND_TIMEOUT_USEC=, 0 if none */
} ;

extern void sprun_ready_init (void) ;
extern void sprun_ready_spawnattr (sp_spawnattr *) ;
extern void sprun_ready_spawned (void) ;
extern int sprun_ready_hold (sprun_event *) ;
extern void sprun_ready_notice (sprun_notice const *) ;
extern void sprun_ready_dead (pid_t) ;
extern void sprun_ready_followed (pid_t) ;
#define SPRUN_READY_FDS 3
extern unsigned int sprun_ready_fds (iopause_fd *) ;
extern void sprun_ready_io (iopause_fd const *, unsigned int) ;
extern void sprun_reload_sent (int) ;
extern void sprun_reload_reloading (void) ;
extern int sprun_reload_ready (void) ;
extern void sprun_reload_failed (char const *, char const *) ;
extern void sprun_reload_extend (uint64_t) ;
extern int sprun_reload_deadline (tain *) ;
extern void sprun_reload_timers (void) ;
extern void sprun_watchdog_init (void) ;
extern void sprun_watchdog_ping (int) ;
extern void sprun_watchdog_stop (void) ;
extern int sprun_watchdog_deadline (tain *) ;
extern void sprun_watchdog_timers (void) ;
extern void sprun_notify_init (void) ;
extern int sprun_notify_open (char *, size_t) ;
extern int sprun_notify_recv (int, sprun_notice *, pid_t) ;
extern void sprun_ready_become (char const *, char const *, char const *) ;
extern int sprun_ready_is (void) ;
extern int sprun_notify_fd (void) ;
extern void sprun_notify_read (void) ;
extern void sprun_notify_parse (sprun_notice *, char const *, size_t) ;
extern void sprun_route (sprun_event *) ;

extern int sprun_proc_stat (pid_t, char *, pid_t *) ;
extern unsigned int sprun_children (void (*)(pid_t, void *), void *) ;
extern unsigned int sprun_alive (void) ;
extern int sprun_descendant (pid_t) ;
extern int sprun_descends (pid_t, pid_t) ;
extern size_t sprun_proc_comm (pid_t, char *, size_t) ;
extern ssize_t sprun_proc_name (pid_t, char *, size_t) ;
extern uint64_t sprun_proc_sigign (pid_t, int) ;

extern size_t sprun_fmt_status (char *, int) ;
#define SPRUN_STATUS_MAX 40

extern void sprun_trap (void) ;
extern void sprun_parentsig_init (void) ;
extern void sprun_parentsig_check (sp_info const *) ;
extern void sprun_tty_spawnattr (sp_spawnattr *) ;
extern void sprun_tty_spawned (pid_t) ;
extern void sprun_tty_stopped (int) ;
extern void sprun_tty_ended (void) ;
extern void sprun_spawn (char const *const *) ;
extern pid_t sprun_spawn_env (char const *const *, char const *const *, char const **) ;
extern int sprun_spawn_exitcode (int) ;
extern void sprun_loop (void) gccattr_noreturn ;
extern int sprun_stop_started (void) ;
extern void sprun_signal (sp_info const *) ;
extern void sprun_signal_fwd (sp_info const *, sp_fwd const *) ;
extern void sprun_signal_late (sp_info const *, sp_fwd const *) ;
extern void sprun_deliver (sprun_event *) ;
extern void sprun_stopself_init (void) ;
extern void sprun_stopself (int) ;
extern void sprun_reap (void) ;

 /* The test build (SPRUN_TEST_HOOKS, made in tests/ only, never
    installed) can hold the runner between knowing of a death and the
    reap; in the product this is nothing. */
#ifdef SPRUN_TEST_HOOKS
extern void sprun_test_reap_pause (pid_t) ;
#else
# define sprun_test_reap_pause(pid) ((void)(pid))
#endif
extern void sprun_hook_request (sprun_event *) ;
extern int sprun_hook_reaping (pid_t) ;
extern int sprun_hook_end (pid_t, int) ;
extern int sprun_hook_deadline (tain *) ;
extern void sprun_hook_timers (void) ;
extern void sprun_hook_killall (void) ;
extern void sprun_timers (void) ;
extern int sprun_deadline (tain *) ;
extern void sprun_exit (void) gccattr_noreturn ;

#endif
