/* ISC license. Signals handled in other threads still arrive, whole. */

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "tap.h"
#include "lib-common.h"

#define NTHREADS 4

static volatile sig_atomic_t done = 0 ;
static int per_thread ;

 /* Sleeps with every trapped signal unblocked until told to stop. */
static void *idler (void *arg)
{
  (void)arg ;
  while (!done) sleep_ms(5) ;
  return 0 ;
}

 /* Queues per_thread RTMIN+1 to itself, values id*100000 + i, then
    stays alive until told to stop: a thread-directed signal still
    pending when its thread exits would be lost (valgrind delivers late). */
static int queue_to_self (int sig, int value)
{
  /* what glibc's pthread_sigqueue does, which musl does not have */
  siginfo_t si ;
  memset(&si, 0, sizeof(si)) ;
  si.si_signo = sig ;
  si.si_code = SI_QUEUE ;
  si.si_pid = getpid() ;
  si.si_uid = getuid() ;
  si.si_value.sival_int = value ;
  return syscall(SYS_rt_tgsigqueueinfo, getpid(), syscall(SYS_gettid), sig, &si) ;
}

static void *queuer (void *arg)
{
  int id = (int)(long)arg ;
  for (int i = 0 ; i < per_thread ; i++)
    while (queue_to_self(SIGRTMIN + 1, id * 100000 + i) < 0)
      sleep_ms(1) ;
  while (!done) sleep_ms(5) ;
  return 0 ;
}

int main (void)
{
  int const sigs[] = { SIGUSR1, SIGUSR2, SIGRTMIN + 1, 0 } ;
  sigset_t set = sigset_of(sigs) ;
  sigset_t usr2 ;
  pthread_t th ;
  sp_info info ;

  per_thread = under_valgrind() ? 200 : 1000 ;
  if (sp_init(&set) < 0) { perror("sp_init") ; return 111 ; }
  if (pthread_create(&th, 0, &idler, 0)) { perror("pthread_create") ; return 111 ; }

  ok(!pthread_kill(th, SIGUSR1), "pthread_kill(other thread, SIGUSR1)") ;
  ok(wait_record(SIGUSR1, 0, &info) == 1 && info.code == SI_TKILL && info.pid == getpid(),
    "its record arrives, code SI_TKILL, our pid") ;

   /* blocked in the main thread: the kernel delivers it to the other one */
  sigemptyset(&usr2) ; sigaddset(&usr2, SIGUSR2) ;
  pthread_sigmask(SIG_BLOCK, &usr2, 0) ;
  {
    pid_t parent = getpid() ;
    pid_t pid = sp_fork() ;
    if (!pid) _exit(kill(parent, SIGUSR2) < 0) ;
    ok(wait_record(SIGUSR2, 0, &info) == 1 && info.code == SI_USER && info.pid == pid,
      "a process-directed SIGUSR2 from another process, blocked in the main thread, arrives with the sender's pid") ;
    reap(pid) ;
  }
  {
    sigset_t pending ;
    sigpending(&pending) ;
    ok(sigismember(&pending, SIGUSR2) == 0, "and it is not left pending for the main thread") ;
  }
  pthread_sigmask(SIG_UNBLOCK, &usr2, 0) ;
  done = 1 ;
  pthread_join(th, 0) ;

   /* several threads writing records at the same time */
  {
    static sp_info tab[NTHREADS * 1000 + 10] ;
    pthread_t q[NTHREADS] ;
    int next[NTHREADS] = { 0 } ;
    int n, good = 1, total = 0 ;
    long long deadline = now_ms() + scaled_ms(20000) ;
    done = 0 ;
    for (long i = 0 ; i < NTHREADS ; i++)
      if (pthread_create(q + i, 0, &queuer, (void *)i)) { perror("pthread_create") ; return 111 ; }
    for (n = 0 ; n < NTHREADS * per_thread && now_ms() < deadline ; )
    {
      int r = sp_wait(tab + n, 1000) ;
      if (r < 0) break ;
      n += r ;
    }
    sleep_ms(100) ;
    n += drain(tab + n, 10) ;  /* no extra record either */
    done = 1 ;
    for (int i = 0 ; i < NTHREADS ; i++) pthread_join(q[i], 0) ;
    for (int i = 0 ; i < n ; i++)
    {
      int id = tab[i].value.sival_int / 100000 ;
      if (tab[i].sig != SIGRTMIN + 1 || tab[i].code != SI_QUEUE || tab[i].pid != getpid() || tab[i].lost
       || id < 0 || id >= NTHREADS || tab[i].value.sival_int % 100000 != next[id])
      {
        if (good) fprintf(stderr, "# record %d: sig %d code %d value %d lost %u\n", i, tab[i].sig, tab[i].code, tab[i].value.sival_int, tab[i].lost) ;
        good = 0 ;
        continue ;
      }
      next[id]++ ;
      total++ ;
    }
    ok(n == NTHREADS * per_thread && total == n, "%d threads x %d rt_tgsigqueueinfo: %d records (want %d)", NTHREADS, per_thread, n, NTHREADS * per_thread) ;
    ok(good, "every record whole, each thread's values in order") ;
  }

  sp_finish() ;
  return tap_done() ;
}
