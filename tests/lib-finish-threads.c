/* ISC license. sp_finish while a handler is running in another thread. */

/*
   A handler that has started in another thread when sp_finish() runs
   must not write its record anywhere but into the self-pipe: once
   sp_finish() has returned, the pipe's descriptor numbers may belong
   to files the program opens. To make the window wide and the test
   deterministic, this program interposes write(): when the handler
   writes from the other thread, it first waits until the main thread
   has called sp_finish() and opened two files.
*/

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "tap.h"
#include "lib-common.h"

static atomic_int slow_fd = -1 ;       /* the write end of the self-pipe, once known */
static atomic_int in_handler = 0 ;     /* 1: the handler is inside write(), waiting */
static atomic_int finished = 0 ;       /* 1: sp_finish() has returned, files opened */
static atomic_int done = 0 ;

 /* Every write() of this program comes here; libselfpipe's handler too. */
ssize_t write (int fd, void const *buf, size_t len)
{
  if (fd == atomic_load(&slow_fd) && syscall(SYS_gettid) != getpid())
  {
    atomic_store(&in_handler, 1) ;
    WAIT_UNTIL(atomic_load(&finished), 3000) ;
  }
  return syscall(SYS_write, fd, buf, len) ;
}

static void *receiver (void *arg)
{
  sigset_t usr1 ;
  (void)arg ;
  sigemptyset(&usr1) ; sigaddset(&usr1, SIGUSR1) ;
  pthread_sigmask(SIG_UNBLOCK, &usr1, 0) ;
  while (!atomic_load(&done)) sleep_ms(5) ;
  return 0 ;
}

int main (void)
{
  int const sigs[] = { SIGUSR1, 0 } ;
  sigset_t set = sigset_of(sigs) ;
  char tmpl[2][32] = { "/tmp/lib-finish.XXXXXX", "/tmp/lib-finish.XXXXXX" } ;
  int f[2], rfd, wfd = -1 ;
  pthread_t th ;

  rfd = sp_init(&set) ;
  if (rfd < 0) { perror("sp_init") ; return 111 ; }
  for (int fd = 0 ; fd < 64 ; fd++)
  {
    struct stat a, b ;
    if (fd != rfd && !fstat(fd, &a) && !fstat(rfd, &b) && a.st_ino == b.st_ino && a.st_dev == b.st_dev) wfd = fd ;
  }
  ok(wfd >= 0, "found the write end of the pipe: %d", wfd) ;

   /* the main thread blocks SIGUSR1: only the other thread runs the handler */
  pthread_sigmask(SIG_BLOCK, &set, 0) ;
  if (pthread_create(&th, 0, &receiver, 0)) { perror("pthread_create") ; return 111 ; }
  atomic_store(&slow_fd, wfd) ;
  pthread_kill(th, SIGUSR1) ;
  WAIT_UNTIL(atomic_load(&in_handler), 10000) ;
  ok(atomic_load(&in_handler), "the handler is running in the other thread") ;

  sp_finish() ;
   /* the lowest free numbers: those the pipe had */
  f[0] = mkstemp(tmpl[0]) ;
  f[1] = mkstemp(tmpl[1]) ;
  ok(f[0] >= 0 && f[1] >= 0, "opened two files after sp_finish: fds %d %d", f[0], f[1]) ;
  atomic_store(&finished, 1) ;
  atomic_store(&done, 1) ;
  pthread_join(th, 0) ;
  {
    struct stat st[2] ;
    int clean = !fstat(f[0], st) && !fstat(f[1], st + 1) && !st[0].st_size && !st[1].st_size ;
    ok(clean, "no record written into a file opened after sp_finish (sizes %lld %lld, fds %d %d, pipe was %d %d)",
      (long long)st[0].st_size, (long long)st[1].st_size, f[0], f[1], rfd, wfd) ;
  }
  unlink(tmpl[0]) ; unlink(tmpl[1]) ;
  return tap_done() ;
}
