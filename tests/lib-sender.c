/* ISC license. Sender pid and uid of signals sent by other processes. */

#include <errno.h>

#include "tap.h"
#include "lib-common.h"

#define OTHER_UID 65534

 /* A child that sends sig to us with kill() (or sigqueue() value 42), as uid when uid is not -1. */
static pid_t sender (int sig, int queue, uid_t uid)
{
  pid_t parent = getpid() ;
  pid_t pid = sp_fork() ;
  if (pid) return pid ;
  if (uid != (uid_t)-1 && setresuid(uid, uid, uid) < 0) _exit(111) ;
  if (queue ? sigqueue(parent, sig, (union sigval){ .sival_int = 42 }) : kill(parent, sig)) _exit(112) ;
  _exit(0) ;
}

 /* Waits for the child and for a record of sig (for SIGCHLD: about that child). */
static int get (pid_t pid, int sig, sp_info *info, int *wstat)
{
  *wstat = reap(pid) ;
  return wait_record(sig, sig == SIGCHLD ? pid : 0, info) ;
}

int main (void)
{
  int const sigs[] = { SIGUSR1, SIGUSR2, SIGCHLD, SIGRTMIN + 2, 0 } ;
  sigset_t set = sigset_of(sigs) ;
  sp_info info ;
  pid_t pid ;
  int wstat ;

  if (sp_init(&set) < 0) { perror("sp_init") ; return 111 ; }

  pid = sender(SIGUSR1, 0, -1) ;
  ok(get(pid, SIGUSR1, &info, &wstat) == 1 && WIFEXITED(wstat) && !WEXITSTATUS(wstat), "kill from a child arrives") ;
  ok(info.pid == pid, "its pid is the child's (%d, want %d)", (int)info.pid, (int)pid) ;
  ok(info.uid == getuid(), "its uid is ours (%d)", (int)info.uid) ;
  ok(info.code == SI_USER && !info.lost && !info.status, "code SI_USER, lost 0, status 0") ;

  pid = sender(SIGRTMIN + 2, 1, -1) ;
  ok(get(pid, SIGRTMIN + 2, &info, &wstat) == 1 && info.pid == pid && info.uid == getuid()
    && info.code == SI_QUEUE && info.value.sival_int == 42, "sigqueue from a child: pid, uid, SI_QUEUE, value 42") ;

   /* An unprivileged child may signal us only if our real or saved uid
      is its uid: keep real and effective uid 0, make the saved one its. */
  if (getuid() || setresuid(-1, -1, OTHER_UID) < 0)
  {
    ok(0, "setresuid: must run as root to test a foreign uid (uid %d, errno %d)", (int)getuid(), errno) ;
  }
  else
  {
    pid = sender(SIGUSR2, 0, OTHER_UID) ;
    int r = get(pid, SIGUSR2, &info, &wstat) ;
    ok(r == 1 && WIFEXITED(wstat) && !WEXITSTATUS(wstat), "kill from a child running as uid %d arrives (child exit %d)", OTHER_UID, WIFEXITED(wstat) ? WEXITSTATUS(wstat) : -1) ;
    ok(r == 1 && info.pid == pid && info.uid == OTHER_UID, "pid %d uid %d (want %d %d)", (int)info.pid, (int)info.uid, (int)pid, OTHER_UID) ;
    pid = sender(SIGRTMIN + 2, 1, OTHER_UID) ;
    r = get(pid, SIGRTMIN + 2, &info, &wstat) ;
    ok(r == 1 && info.pid == pid && info.uid == OTHER_UID && info.value.sival_int == 42, "sigqueue as uid %d: pid, uid and value", OTHER_UID) ;
    setresuid(-1, -1, 0) ;
  }

   /* the SIGCHLD of the last child carried its pid, uid and status */
  {
    pid = sp_fork() ;
    if (!pid) { if (setresuid(OTHER_UID, OTHER_UID, OTHER_UID) < 0) _exit(111) ; _exit(5) ; }
    ok(get(pid, SIGCHLD, &info, &wstat) == 1 && info.pid == pid && info.uid == OTHER_UID && info.status == 5 && info.code == CLD_EXITED,
      "SIGCHLD from a child exiting 5 as uid %d: pid, uid, status (%d %d %d)", OTHER_UID, (int)info.pid, (int)info.uid, info.status) ;
  }

  sp_finish() ;
  return tap_done() ;
}
