/* ISC license. */

#ifndef SELFPIPE_SELFPIPE_H
#define SELFPIPE_SELFPIPE_H

#include <sys/types.h>
#include <stddef.h>
#include <signal.h>

#include <skalibs/tai.h>

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

typedef int sp_childsetup_func (void *) ;
typedef sp_childsetup_func *sp_childsetup_func_ref ;

extern pid_t sp_fork (void) ;
extern pid_t sp_spawn (char const *, char const *const *, char const *const *, sp_childsetup_func_ref, void *) ;

 /* Signal names */

#define SP_SIGNAME_MAX 16
extern size_t sp_sig_scan (char const *, int *) ;
extern size_t sp_sig_fmt (char *, int) ;

#endif
