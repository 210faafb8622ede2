/* ISC license. */

#ifndef SELFPIPE_SELFPIPE_H
#define SELFPIPE_SELFPIPE_H

#include <sys/types.h>
#include <stddef.h>
#include <signal.h>

#include <skalibs/tai.h>

 /* One more than the highest signal number */
#ifdef NSIG
# define SP_NSIG NSIG
#else
# define SP_NSIG 65
#endif

 /*
    libselfpipe: the self-pipe trick, one pipe per process.
    Every delivery of a trapped signal is one fixed-size sp_info record,
    written atomically into a nonblocking close-on-exec pipe by the
    handler, and read back one at a time in delivery order.
 */

typedef struct sp_info_s sp_info, *sp_info_ref ;
struct sp_info_s
{
  int sig ;             /* signal number */
  int code ;            /* si_code: SI_USER, SI_QUEUE, SI_KERNEL, CLD_EXITED... */
  pid_t pid ;           /* sender pid (child pid for SIGCHLD), 0 when unknown */
  uid_t uid ;           /* sender uid, meaningful only when pid is not 0 */
  int status ;          /* si_status for SIGCHLD, 0 otherwise */
  unsigned int lost ;   /* not 0: a loss report, lost deliveries of sig */
  union sigval value ;  /* sigqueue() value */
} ;
#define SP_INFO_ZERO { .sig = 0, .code = 0, .pid = 0, .uid = 0, .status = 0, .lost = 0, .value = { .sival_ptr = 0 } }

 /* Setting up and tearing down */

extern int sp_init (sigset_t const *) ;
extern int sp_trap (sigset_t const *) ;
extern int sp_fd (void) ;
extern void sp_finish (void) ;

 /* Reading signals back */

extern int sp_read (sp_info *) ;
extern int sp_wait (sp_info *, int) ;
extern int sp_wait_deadline (sp_info *, tain const *, tain *) ;
#define sp_wait_deadline_g(info, deadline) sp_wait_deadline(info, (deadline), &STAMP)

 /* Holding (optional): the trapped signals, but the fault ones, are
    blocked in the calling thread, and sp_read, sp_wait and
    sp_wait_deadline take each delivery from the kernel (sigtimedwait)
    with the same record and forward the handler gives it. Let go
    (sp_hold(0)) before polling sp_fd with other fds. */

extern int sp_hold (int) ;

 /*
    Forwarding from the handler (optional). A program that asks for it
    with sp_forward gets a delivery of sig passed on by the handler
    itself, kill() first and the record after, to the one current
    target (sp_forward_target); sp_forwarded then says what the handler
    did with the record sp_read or sp_wait returned last. A program
    that never calls sp_forward gets no forward and no system call more.
 */

#define SP_FORWARD_SENT 0x01   /* only deliveries another process sent: kill, sigqueue, tgkill */
#define SP_FORWARD_CONT 0x02   /* then SIGCONT to the same target, unless the signal sent is CONT or KILL */

extern int sp_forward (int, int, unsigned int) ;
extern void sp_forward_target (pid_t) ;
extern pid_t sp_forward_current (void) ;

#define SP_FWD_NO 0        /* not forwarded by the handler: the program decides */
#define SP_FWD_SENT 1      /* the handler called kill(target, sig): err is its errno, 0 if it succeeded */
#define SP_FWD_NOTARGET 2  /* sp_forward asked for it, there was no target: nothing was sent */

typedef struct sp_fwd_s sp_fwd ;
struct sp_fwd_s
{
  int state ;     /* SP_FWD_NO, SP_FWD_SENT, SP_FWD_NOTARGET */
  int sig ;       /* SP_FWD_SENT: the signal sent; 0 in a loss report */
  pid_t target ;  /* SP_FWD_SENT: kill()'s first argument, a pid or minus a process group */
  int err ;       /* SP_FWD_SENT: 0, or the errno of kill() */
} ;
#define SP_FWD_ZERO { .state = SP_FWD_NO, .sig = 0, .target = 0, .err = 0 }

extern void sp_forwarded (sp_fwd *) ;

 /* Children that get the original signal state back */

extern pid_t sp_fork (void) ;

 /* What sp_spawn does in the child, in this order, before the exec */

#define SP_SPAWN_SETSID 0x01   /* a new session (and process group) */
#define SP_SPAWN_SETPGID 0x02  /* a new process group */
#define SP_SPAWN_NOPATH 0x04   /* exec file as given: no PATH search */
#define SP_SPAWN_FOREGROUND 0x08  /* with SETPGID: the new group gets the terminal on tty */
#define SP_SPAWN_FDMAX 8

typedef struct sp_spawnfd_s sp_spawnfd ;
struct sp_spawnfd_s
{
  int from ;  /* dup2(from, to); from == to: only clear close-on-exec */
  int to ;
} ;

typedef struct sp_spawnattr_s sp_spawnattr ;
struct sp_spawnattr_s
{
  unsigned int flags ;
  int pdeathsig ;                     /* 0: none */
  unsigned int nfds ;
  sp_spawnfd fds[SP_SPAWN_FDMAX] ;    /* kept open in the child */
  char const *failed ;                /* set by sp_spawn: the setup step that failed, 0 if none */
  int tty ;                           /* SP_SPAWN_FOREGROUND: the terminal's fd */
} ;
#define SP_SPAWNATTR_ZERO { .flags = 0, .pdeathsig = 0, .nfds = 0, .failed = 0, .tty = -1 }

extern pid_t sp_spawn (char const *, char const *const *, char const *const *, sp_spawnattr *) ;

 /* Signal names and classes */

#define SP_SIGNAME_MAX 16
extern size_t sp_sig_scan (char const *, int *) ;
extern size_t sp_sig_fmt (char *, int) ;

#define SP_SIG_INVALID 0x001      /* not a signal number */
#define SP_SIG_UNCATCHABLE 0x002  /* KILL, STOP */
#define SP_SIG_RESERVED 0x004     /* libc's own, below SIGRTMIN: never trapped, never named */
#define SP_SIG_FAULT 0x008        /* SEGV BUS FPE ILL TRAP SYS: a CPU fault when si_code > 0 */
#define SP_SIG_STOP 0x010         /* stops the process by default: STOP TSTP TTIN TTOU */
#define SP_SIG_TTY 0x020          /* the terminal sends it to its foreground group */
#define SP_SIG_OWNIO 0x040        /* PIPE XFSZ TTIN TTOU: the kernel's answer to the process's own I/O */
#define SP_SIG_CHILD 0x080        /* CHLD */
#define SP_SIG_RT 0x100           /* SIGRTMIN to SIGRTMAX */

extern unsigned int sp_sig_class (int) ;
extern char const *sp_sig_class_str (unsigned int) ;

#endif
