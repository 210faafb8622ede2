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
