/* ISC license. sp_init, sp_trap, sp_finish: what they change and what they give back. */

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>

#include "tap.h"
#include "lib-common.h"

static volatile sig_atomic_t hup_calls = 0 ;

static void on_hup (int sig)
{
  (void)sig ;
  hup_calls++ ;
}

static int is_handler (int sig, void (*h)(int))
{
  struct sigaction sa ;
  return !sigaction(sig, 0, &sa) && !(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == h ;
}

static int is_trapped (int sig)
{
  struct sigaction sa ;
  return !sigaction(sig, 0, &sa) && (sa.sa_flags & SA_SIGINFO) && sa.sa_sigaction
    && sa.sa_handler != SIG_IGN && sa.sa_handler != SIG_DFL ;
}

static int is_blocked (int sig)
{
  sigset_t mask ;
  sigprocmask(SIG_SETMASK, 0, &mask) ;
  return sigismember(&mask, sig) == 1 ;
}

static int same_mask (sigset_t const *a)
{
  sigset_t b ;
  sigprocmask(SIG_SETMASK, 0, &b) ;
  for (int sig = 1 ; sig < NSIG ; sig++)
    if (sigismember(a, sig) != sigismember(&b, sig)) return 0 ;
  return 1 ;
}

 /* The other end of the pipe whose one end is fd: same inode in /proc/self/fd. */
static int other_end (int fd)
{
  char path[64], want[64], link[64] ;
  ssize_t r ;
  int found = -1 ;
  DIR *dir ;
  struct dirent *d ;
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fd) ;
  r = readlink(path, want, sizeof(want) - 1) ;
  if (r <= 0) return -1 ;
  want[r] = 0 ;
  dir = opendir("/proc/self/fd") ;
  if (!dir) return -1 ;
  while ((d = readdir(dir)))
  {
    int other = atoi(d->d_name) ;
    if (d->d_name[0] == '.' || other == fd || other == dirfd(dir)) continue ;
    snprintf(path, sizeof(path), "/proc/self/fd/%d", other) ;
    r = readlink(path, link, sizeof(link) - 1) ;
    if (r <= 0) continue ;
    link[r] = 0 ;
    if (!strcmp(link, want)) { found = other ; break ; }
  }
  closedir(dir) ;
  return found ;
}

static int nonblock_cloexec (int fd)
{
  int fl = fcntl(fd, F_GETFL), fd_fl = fcntl(fd, F_GETFD) ;
  return fl >= 0 && fd_fl >= 0 && (fl & O_NONBLOCK) && (fd_fl & FD_CLOEXEC) ;
}

static int count_fds (void)
{
  int n = 0 ;
  DIR *dir = opendir("/proc/self/fd") ;
  struct dirent *d ;
  if (!dir) return -1 ;
  while ((d = readdir(dir))) if (d->d_name[0] != '.') n++ ;
  closedir(dir) ;
  return n ;
}

static int one_record (int sig)
{
  sp_info info ;
  return sp_read(&info) == 1 && info.sig == sig && !info.lost && sp_read(&info) == 0 ;
}

int main (void)
{
  int const sigs[] = { SIGUSR1, SIGUSR2, SIGHUP, SIGTERM, SIGPIPE, 0 } ;
  sigset_t set = sigset_of(sigs) ;
  sigset_t origmask, blocked ;
  struct sigaction hup = { .sa_handler = &on_hup, .sa_flags = SA_RESTART } ;
  int fd, wfd, fds ;
  sp_info info ;

   /* the original state: USR1 ignored, USR2 default, HUP a handler,
      TERM default and blocked, PIPE ignored and blocked, QUIT blocked
      and not trapped */
  sigemptyset(&hup.sa_mask) ; sigaddset(&hup.sa_mask, SIGINT) ;
  signal(SIGUSR1, SIG_IGN) ;
  signal(SIGUSR2, SIG_DFL) ;
  sigaction(SIGHUP, &hup, 0) ;
  signal(SIGTERM, SIG_DFL) ;
  signal(SIGPIPE, SIG_IGN) ;
  signal(SIGINT, SIG_DFL) ;
  sigemptyset(&blocked) ;
  sigaddset(&blocked, SIGTERM) ; sigaddset(&blocked, SIGPIPE) ; sigaddset(&blocked, SIGQUIT) ;
  sigprocmask(SIG_SETMASK, &blocked, &origmask) ;
  origmask = blocked ;
  fds = count_fds() ;

   /* invalid sets change nothing */
  {
    int const bad[][3] = { { SIGUSR1, SIGKILL, 0 }, { SIGSTOP, SIGUSR2, 0 } } ;
    for (int i = 0 ; i < 2 ; i++)
    {
      sigset_t b = sigset_of(bad[i]) ;
      errno = 0 ;
      ok(sp_init(&b) == -1 && errno == EINVAL, "sp_init with %s: -1 EINVAL", i ? "SIGSTOP" : "SIGKILL") ;
    }
  }
  {
     /* sigaddset refuses 32 and 33 (libc-reserved): set the bit by hand */
    sigset_t b ;
    sigemptyset(&b) ;
    sigaddset(&b, SIGUSR1) ;
    ((unsigned long *)&b)[0] |= 1UL << (32 - 1) ;
    if (sigismember(&b, 32) != 1) ok(0, "cannot build a sigset with signal 32") ;
    else
    {
      errno = 0 ;
      ok(sp_init(&b) == -1 && errno == EINVAL, "sp_init with signal 32: -1 EINVAL") ;
    }
  }
  errno = 0 ;
  ok(sp_fd() == -1 && errno == EBADF, "after a failed sp_init: not initialised") ;
  ok(is_handler(SIGUSR1, SIG_IGN) && is_handler(SIGUSR2, SIG_DFL) && same_mask(&origmask) && count_fds() == fds,
    "after a failed sp_init: dispositions, mask and fds unchanged") ;
  errno = 0 ;
  ok(sp_trap(&set) == -1 && errno == EBADF, "sp_trap before sp_init: -1 EBADF") ;

  fd = sp_init(&set) ;
  ok(fd >= 0, "sp_init: %d", fd) ;
  ok(is_trapped(SIGUSR1) && is_trapped(SIGUSR2) && is_trapped(SIGHUP) && is_trapped(SIGTERM) && is_trapped(SIGPIPE),
    "every signal of the set has the SA_SIGINFO handler") ;
  ok(!is_blocked(SIGTERM) && !is_blocked(SIGPIPE) && is_blocked(SIGQUIT) && !is_blocked(SIGINT),
    "trapped signals are unblocked, the rest of the mask is untouched") ;
  errno = 0 ;
  ok(sp_init(&set) == -1 && errno == EBUSY, "sp_init again: -1 EBUSY") ;
  ok(sp_fd() == fd && is_trapped(SIGUSR1), "and the first sp_init still holds") ;
  raise(SIGUSR1) ;
  ok(one_record(SIGUSR1), "a raised SIGUSR1 (ignored before) gives one record") ;

  wfd = other_end(fd) ;
  ok(wfd >= 0 && wfd != fd, "found the write end of the pipe: %d", wfd) ;
  ok(nonblock_cloexec(fd), "read end: O_NONBLOCK and FD_CLOEXEC") ;
  ok(wfd >= 0 && nonblock_cloexec(wfd), "write end: O_NONBLOCK and FD_CLOEXEC") ;
  ok(count_fds() == fds + 2, "sp_init opened two fds, no more") ;

   /* sp_trap: USR1 leaves, INT joins */
  {
    int const s2[] = { SIGUSR2, SIGHUP, SIGTERM, SIGPIPE, SIGINT, 0 } ;
    sigset_t set2 = sigset_of(s2) ;
    ok(sp_trap(&set2) == 0, "sp_trap: USR1 out, INT in") ;
    ok(is_handler(SIGUSR1, SIG_IGN), "USR1 is ignored again") ;
    raise(SIGUSR1) ;
    ok(sp_read(&info) == 0, "a raised SIGUSR1 gives no record") ;
    ok(is_trapped(SIGINT), "INT is trapped") ;
    raise(SIGINT) ;
    ok(one_record(SIGINT), "a raised SIGINT gives one record") ;
  }
  {
    int const s3[] = { SIGUSR2, SIGHUP, SIGPIPE, SIGINT, 0 } ;
    sigset_t set3 = sigset_of(s3) ;
    ok(sp_trap(&set3) == 0 && is_handler(SIGTERM, SIG_DFL) && is_blocked(SIGTERM),
      "sp_trap: TERM out: default and blocked again, as it was before sp_init") ;
    ok(sp_trap(&set) == 0 && is_trapped(SIGTERM) && !is_blocked(SIGTERM) && is_trapped(SIGUSR1) && is_handler(SIGINT, SIG_DFL),
      "sp_trap back to the first set: TERM and USR1 trapped and unblocked, INT default") ;
    raise(SIGTERM) ;
    ok(one_record(SIGTERM), "a raised SIGTERM gives one record") ;
  }
  {
    int const k[] = { SIGUSR1, SIGKILL, 0 } ;
    sigset_t kset = sigset_of(k) ;
    errno = 0 ;
    ok(sp_trap(&kset) == -1 && errno == EINVAL && is_trapped(SIGUSR2), "sp_trap with SIGKILL: -1 EINVAL, nothing changed") ;
  }
  {
     /* a libc-reserved signal in the set: refused by sigaction, the rest is done */
    sigset_t b = set ;
    sigaddset(&b, SIGINT) ;
    ((unsigned long *)&b)[0] |= 1UL << (32 - 1) ;
    errno = 0 ;
    ok(sp_trap(&b) == -1 && errno == EINVAL && is_trapped(SIGINT) && !is_blocked(SIGINT),
      "sp_trap with signal 32: -1 EINVAL, the other changes made (INT trapped)") ;
    ok(sp_trap(&set) == 0 && is_handler(SIGINT, SIG_DFL), "sp_trap: INT out again") ;
  }
  {
    sigset_t none ;
    sigemptyset(&none) ;
    ok(sp_trap(&none) == 0 && is_handler(SIGUSR1, SIG_IGN) && is_handler(SIGHUP, &on_hup) && sp_fd() == fd && sp_read(&info) == 0,
      "sp_trap(empty set): everything back, the pipe stays") ;
    ok(sp_trap(&set) == 0 && is_trapped(SIGHUP), "sp_trap: trapped again") ;
  }

  sigprocmask(SIG_BLOCK, &set, 0) ;  /* sp_finish restores the sp_init-time mask, not this one */
  sp_finish() ;
  ok(is_handler(SIGUSR1, SIG_IGN), "sp_finish: USR1 ignored again") ;
  ok(is_handler(SIGUSR2, SIG_DFL) && is_handler(SIGTERM, SIG_DFL), "sp_finish: USR2 and TERM default again") ;
  ok(is_handler(SIGPIPE, SIG_IGN), "sp_finish: PIPE ignored again") ;
  {
    struct sigaction sa ;
    sigaction(SIGHUP, 0, &sa) ;
    ok(sa.sa_handler == &on_hup && (sa.sa_flags & SA_RESTART) && sigismember(&sa.sa_mask, SIGINT) == 1,
      "sp_finish: HUP has its handler back, with its flags and mask") ;
    raise(SIGHUP) ;
    ok(hup_calls == 1, "and that handler runs") ;
  }
  ok(same_mask(&origmask), "sp_finish: the signal mask is the original one (TERM PIPE QUIT blocked)") ;
  errno = 0 ;
  ok(fcntl(fd, F_GETFD) == -1 && errno == EBADF && fcntl(wfd, F_GETFD) == -1 && count_fds() == fds, "sp_finish closed both ends") ;
  errno = 0 ;
  ok(sp_fd() == -1 && errno == EBADF, "sp_fd after sp_finish: -1 EBADF") ;
  errno = 0 ;
  ok(sp_read(&info) == -1 && errno == EBADF, "sp_read after sp_finish: -1 EBADF") ;
  sp_finish() ;
  ok(is_handler(SIGUSR1, SIG_IGN) && same_mask(&origmask), "a second sp_finish does nothing") ;

   /* pending before sp_init, blocked: delivered as a record by sp_init */
  {
    sigset_t usr2 ;
    sigemptyset(&usr2) ; sigaddset(&usr2, SIGUSR2) ;
    sigprocmask(SIG_BLOCK, &usr2, 0) ;
    raise(SIGUSR2) ;
    fd = sp_init(&set) ;
    ok(fd >= 0 && is_trapped(SIGUSR1), "sp_init works again after sp_finish") ;
    ok(one_record(SIGUSR2), "a SIGUSR2 pending (blocked) before sp_init comes as a record") ;
    sigprocmask(SIG_UNBLOCK, &usr2, 0) ;
    origmask = blocked ;
    sigaddset(&origmask, SIGUSR2) ;   /* the mask sp_init saw this time */
  }
  sp_finish() ;
  ok(is_handler(SIGUSR1, SIG_IGN) && is_handler(SIGHUP, &on_hup) && same_mask(&origmask) && count_fds() == fds,
    "the second sp_finish restores everything again") ;

   /* SIG_IGN is kept apart from the rest of a disposition: an ignored
      signal with flags and a mask gets all three back, and a signal
      ignored at one sp_init and default at the next is default again */
  {
    struct sigaction sa = { .sa_handler = SIG_IGN, .sa_flags = SA_RESTART } ;
    sigemptyset(&sa.sa_mask) ;
    sigaddset(&sa.sa_mask, SIGINT) ;
    sigaction(SIGUSR2, &sa, 0) ;
    fd = sp_init(&set) ;
    ok(fd >= 0 && is_trapped(SIGUSR2), "sp_init traps a USR2 ignored with SA_RESTART and a mask") ;
    sp_finish() ;
    sigaction(SIGUSR2, 0, &sa) ;
    ok(sa.sa_handler == SIG_IGN && !(sa.sa_flags & SA_SIGINFO) && (sa.sa_flags & SA_RESTART) && sigismember(&sa.sa_mask, SIGINT) == 1,
      "sp_finish: USR2 ignored again, with its flags and mask") ;
    signal(SIGUSR1, SIG_DFL) ;
    signal(SIGUSR2, SIG_DFL) ;
    fd = sp_init(&set) ;
    ok(fd >= 0 && is_trapped(SIGUSR1), "sp_init again, USR1 and USR2 default now") ;
    sp_finish() ;
    ok(is_handler(SIGUSR1, SIG_DFL) && is_handler(SIGUSR2, SIG_DFL), "sp_finish: USR1 and USR2 default, not ignored as at the earlier sp_init") ;
  }
  return tap_done() ;
}
