/* ISC license. */

 /*
    Library micro-benchmark: how much does libselfpipe cost compared to
    the other ways a process can learn about its own signals?

    Two measurements per contender, interleaved: every round runs every
    contender once (in a rotated order), and the reported figure is the
    median over the rounds, so a burst of load from other users of the
    machine hits one round of everybody rather than all rounds of one.

    roundtrip: kill(self, SIGUSR1), poll() the fd until it is readable,
      read the signal back. One signal pending at a time.
    burst: sigqueue() BURST real-time signals to self, then drain them
      all (poll, read until empty). Cost per signal, and signals per
      second.

    Output: one line per contender and measurement, then the ratios to
    the one-byte self-pipe, and whether the library meets its targets:
    within 10% of the one-byte self-pipe, batched reads no slower than
    one record per read.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <skalibs/selfpipe.h>
#include <selfpipe/selfpipe.h>

#include "bench.h"

#define BURST 1000
#define NMAX 8
#define RMAX 1001

static pid_t self ;
static int rtsig ;
static int cur_fd = -1 ;

static void die (char const *what)
{
  fprintf(stderr, "libbench: fatal: %s: %s\n", what, strerror(errno)) ;
  exit(111) ;
}

static void wait_readable (int fd)
{
  struct pollfd p = { .fd = fd, .events = POLLIN, .revents = 0 } ;
  while (poll(&p, 1, -1) < 0)
    if (errno != EINTR) die("poll") ;
}

static void block (int sig, int how)
{
  sigset_t set ;
  sigemptyset(&set) ;
  sigaddset(&set, sig) ;
  sigprocmask(how, &set, 0) ;
}

 /* The floor of the design: the handler writes one byte, the signal
    number, and nothing else; the reader reads as many bytes as it can. */

static int onebyte_p[2] = { -1, -1 } ;

static void onebyte_handler (int sig)
{
  int e = errno ;
  unsigned char c = (unsigned char)sig ;
  if (write(onebyte_p[1], &c, 1) < 0) {}
  errno = e ;
}

static void onebyte_setup (int sig)
{
  struct sigaction sa ;
  if (onebyte_p[0] < 0)
  {
    if (pipe2(onebyte_p, O_NONBLOCK | O_CLOEXEC) < 0) die("pipe2") ;
    /* same pipe size as libselfpipe, so a burst fits in both */
    if (fcntl(onebyte_p[1], F_SETPIPE_SZ, 1 << 20) < 0) {}
  }
  memset(&sa, 0, sizeof(sa)) ;
  sa.sa_handler = &onebyte_handler ;
  sa.sa_flags = SA_RESTART ;
  sigfillset(&sa.sa_mask) ;
  if (sigaction(sig, &sa, 0) < 0) die("sigaction") ;
  cur_fd = onebyte_p[0] ;
}

static void onebyte_siginfo_handler (int sig, siginfo_t *si, void *ctx)
{
  (void)si ;
  (void)ctx ;
  onebyte_handler(sig) ;
}

 /* The same with SA_SIGINFO: the kernel then copies a siginfo_t into
    the signal frame, which any design that reports the sender pays. */
static void onebyte_siginfo_setup (int sig)
{
  struct sigaction sa ;
  onebyte_setup(sig) ;
  memset(&sa, 0, sizeof(sa)) ;
  sa.sa_sigaction = &onebyte_siginfo_handler ;
  sa.sa_flags = SA_RESTART | SA_SIGINFO ;
  sigfillset(&sa.sa_mask) ;
  if (sigaction(sig, &sa, 0) < 0) die("sigaction") ;
}

static void onebyte_teardown (int sig)
{
  signal(sig, SIG_DFL) ;
}

static int onebyte_get (void)
{
  unsigned char c ;
  wait_readable(onebyte_p[0]) ;
  if (read(onebyte_p[0], &c, 1) != 1) die("read") ;
  return c ;
}

static unsigned int onebyte_drain (void)
{
  unsigned char buf[4096] ;
  ssize_t r ;
  wait_readable(onebyte_p[0]) ;
  r = read(onebyte_p[0], buf, sizeof(buf)) ;
  if (r < 0) die("read") ;
  return (unsigned int)r ;
}

 /* libselfpipe, as documented: poll the fd, sp_read until 0. */

static void sp_setup (int sig)
{
  sigset_t set ;
  sigemptyset(&set) ;
  sigaddset(&set, sig) ;
  cur_fd = sp_init(&set) ;
  if (cur_fd < 0) die("sp_init") ;
}

static void sp_teardown (int sig)
{
  (void)sig ;
  sp_finish() ;
}

static int sp_get (void)
{
  sp_info info ;
  int r ;
  wait_readable(cur_fd) ;
  r = sp_read(&info) ;
  if (r != 1) die("sp_read") ;
  return info.sig ;
}

static unsigned int sp_drain (void)
{
  sp_info info ;
  unsigned int n = 0 ;
  int r ;
  wait_readable(cur_fd) ;
  while ((r = sp_read(&info)) == 1) n++ ;
  if (r < 0) die("sp_read") ;
  return n ;
}

 /* libselfpipe's handler and records, but the reader does one read()
    per record instead of sp_read's batches. */

static int sp1_get (void)
{
  sp_info info ;
  wait_readable(cur_fd) ;
  if (read(cur_fd, &info, sizeof(info)) != (ssize_t)sizeof(info)) die("read") ;
  return info.sig ;
}

static unsigned int sp1_drain (void)
{
  sp_info info ;
  unsigned int n = 0 ;
  wait_readable(cur_fd) ;
  while (read(cur_fd, &info, sizeof(info)) == (ssize_t)sizeof(info)) n++ ;
  if (errno != EAGAIN) die("read") ;
  return n ;
}

 /* Raw signalfd: the signal stays blocked, the kernel queues it, the
    reader gets up to 32 siginfos per read. */

static void sfd_setup (int sig)
{
  sigset_t set ;
  sigemptyset(&set) ;
  sigaddset(&set, sig) ;
  sigprocmask(SIG_BLOCK, &set, 0) ;
  cur_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC) ;
  if (cur_fd < 0) die("signalfd") ;
}

static void sfd_teardown (int sig)
{
  close(cur_fd) ;
  cur_fd = -1 ;
  block(sig, SIG_UNBLOCK) ;
}

static int sfd_get (void)
{
  struct signalfd_siginfo ssi ;
  wait_readable(cur_fd) ;
  if (read(cur_fd, &ssi, sizeof(ssi)) != (ssize_t)sizeof(ssi)) die("read") ;
  return (int)ssi.ssi_signo ;
}

static unsigned int sfd_drain (void)
{
  struct signalfd_siginfo ssi[32] ;
  ssize_t r ;
  wait_readable(cur_fd) ;
  r = read(cur_fd, ssi, sizeof(ssi)) ;
  if (r < 0) die("read") ;
  return (unsigned int)((size_t)r / sizeof(struct signalfd_siginfo)) ;
}

 /* sigwaitinfo: no fd at all, one system call per signal. */

static sigset_t swi_set ;

static void swi_setup (int sig)
{
  sigemptyset(&swi_set) ;
  sigaddset(&swi_set, sig) ;
  sigprocmask(SIG_BLOCK, &swi_set, 0) ;
}

static void swi_teardown (int sig)
{
  block(sig, SIG_UNBLOCK) ;
}

static int swi_get (void)
{
  siginfo_t si ;
  int r ;
  while ((r = sigwaitinfo(&swi_set, &si)) < 0)
    if (errno != EINTR) die("sigwaitinfo") ;
  return r ;
}

static unsigned int swi_drain (void)
{
  return swi_get() > 0 ;
}

 /* skalibs' selfpipe (a signalfd underneath on Linux), with its own
    read loop: selfpipe_read returns one signal per call, 0 when none. */

static void skp_setup (int sig)
{
  cur_fd = selfpipe_init() ;
  if (cur_fd < 0) die("selfpipe_init") ;
  if (selfpipe_trap(sig) < 0) die("selfpipe_trap") ;
}

static void skp_teardown (int sig)
{
  (void)sig ;
  selfpipe_finish() ;
  cur_fd = -1 ;
}

static int skp_get (void)
{
  int r ;
  wait_readable(cur_fd) ;
  r = selfpipe_read() ;
  if (r <= 0) die("selfpipe_read") ;
  return r ;
}

static unsigned int skp_drain (void)
{
  unsigned int n = 0 ;
  int r ;
  wait_readable(cur_fd) ;
  while ((r = selfpipe_read()) > 0) n++ ;
  if (r < 0) die("selfpipe_read") ;
  return n ;
}

typedef struct contender_s contender ;
struct contender_s
{
  char const *name ;
  void (*setup) (int) ;
  void (*teardown) (int) ;
  int (*get) (void) ;
  unsigned int (*drain) (void) ;
} ;

static contender const contenders[] =
{
  { "onebyte-pipe", &onebyte_setup, &onebyte_teardown, &onebyte_get, &onebyte_drain },
  { "onebyte-siginfo", &onebyte_siginfo_setup, &onebyte_teardown, &onebyte_get, &onebyte_drain },
  { "libselfpipe", &sp_setup, &sp_teardown, &sp_get, &sp_drain },
  { "libselfpipe-1perread", &sp_setup, &sp_teardown, &sp1_get, &sp1_drain },
  { "signalfd", &sfd_setup, &sfd_teardown, &sfd_get, &sfd_drain },
  { "sigwaitinfo", &swi_setup, &swi_teardown, &swi_get, &swi_drain },
  { "skalibs-selfpipe", &skp_setup, &skp_teardown, &skp_get, &skp_drain },
} ;
#define NC (sizeof(contenders) / sizeof(contender))
#define SP 2   /* libselfpipe */
#define SP1 3  /* libselfpipe-1perread */

 /* ns per round trip */
static double roundtrip (contender const *c, unsigned int n)
{
  uint64_t t0 ;
  c->setup(SIGUSR1) ;
  for (unsigned int i = 0 ; i < 64 ; i++)  /* warm up */
  {
    kill(self, SIGUSR1) ;
    if (c->get() != SIGUSR1) { errno = EPROTO ; die(c->name) ; }
  }
  t0 = now_ns() ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    kill(self, SIGUSR1) ;
    if (c->get() != SIGUSR1) { errno = EPROTO ; die(c->name) ; }
  }
  t0 = now_ns() - t0 ;
  c->teardown(SIGUSR1) ;
  return (double)t0 / n ;
}

 /* ns per signal, sending included */
static double burst (contender const *c, unsigned int bursts)
{
  uint64_t t = 0 ;
  c->setup(rtsig) ;
  for (unsigned int b = 0 ; b <= bursts ; b++)  /* burst 0 is a warm-up */
  {
    uint64_t t0 = now_ns() ;
    unsigned int got = 0 ;
    for (int i = 0 ; i < BURST ; i++)
      if (sigqueue(self, rtsig, (union sigval){ .sival_int = i }) < 0) die("sigqueue") ;
    while (got < BURST) got += c->drain() ;
    if (got != BURST) { errno = EPROTO ; die(c->name) ; }
    if (b) t += now_ns() - t0 ;
  }
  c->teardown(rtsig) ;
  return (double)t / ((double)bursts * BURST) ;
}

static unsigned int envnum (char const *name, unsigned int dflt, unsigned int max)
{
  char const *s = getenv(name) ;
  unsigned long n ;
  if (!s || !*s) return dflt ;
  n = strtoul(s, 0, 10) ;
  return n ? n > max ? max : (unsigned int)n : dflt ;
}

int main (void)
{
  static double rt[NMAX][RMAX], bu[NMAX][RMAX] ;
  double rtm[NMAX], bum[NMAX] ;
  unsigned int rounds = envnum("SP_BENCH_ROUNDS", 201, RMAX) ;
  unsigned int n = envnum("SP_BENCH_N", 2000, 10000000) ;
  char const *cpu = getenv("SP_BENCH_CPU") ;
  cpu_set_t set ;
  unsigned int bursts = n / BURST ? n / BURST : 1 ;
  size_t c ;

  /* one CPU: no migration in the middle of a round (SP_BENCH_CPU=none
     to leave it to the scheduler, =N for CPU N, default the last one) */
  if (!cpu || strcmp(cpu, "none"))
  {
    int c = -1 ;
    if (cpu && *cpu) c = atoi(cpu) ;
    else if (sched_getaffinity(0, sizeof(set), &set) == 0)
      for (int i = 0 ; i < CPU_SETSIZE ; i++) if (CPU_ISSET(i, &set)) c = i ;
    if (c >= 0)
    {
      CPU_ZERO(&set) ;
      CPU_SET(c, &set) ;
      if (sched_setaffinity(0, sizeof(set), &set) < 0) die("sched_setaffinity") ;
    }
  }
  self = getpid() ;
  rtsig = SIGRTMIN + 1 ;
  setvbuf(stdout, 0, _IOLBF, 0) ;
  printf("# libbench: %u rounds, interleaved; round trip: %u signals per round; burst: %u x %d queued SIGRTMIN+1 per round\n",
    rounds, n, bursts, BURST) ;
  for (unsigned int r = 0 ; r < rounds ; r++)
    for (size_t k = 0 ; k < NC ; k++)
    {
      c = (k + r) % NC ;  /* rotate, so no contender always runs first */
      rt[c][r] = roundtrip(contenders + c, n) ;
      bu[c][r] = burst(contenders + c, bursts) ;
    }
  for (c = 0 ; c < NC ; c++)
  {
    rtm[c] = quantile(rt[c], rounds, 0.5) ;
    bum[c] = quantile(bu[c], rounds, 0.5) ;
  }
  printf("%-22s %12s %8s %14s %12s %8s\n", "contender", "roundtrip ns", "ratio", "burst ns/sig", "Msig/s", "ratio") ;
  for (c = 0 ; c < NC ; c++)
    printf("%-22s %12.0f %8.2f %14.1f %12.2f %8.2f\n", contenders[c].name,
      rtm[c], rtm[c] / rtm[0], bum[c], 1000.0 / bum[c], bum[c] / bum[0]) ;
  printf("# ratio: cost per signal divided by onebyte-pipe's (1.00 = same, 2.00 = twice as slow)\n") ;
  printf("target libselfpipe/onebyte-pipe roundtrip %.3f (<= 1.10): %s\n",
    rtm[SP] / rtm[0], rtm[SP] / rtm[0] <= 1.10 ? "met" : "NOT MET") ;
  printf("target libselfpipe/onebyte-pipe burst %.3f (<= 1.10): %s\n",
    bum[SP] / bum[0], bum[SP] / bum[0] <= 1.10 ? "met" : "NOT MET") ;
  printf("target batched/1perread burst %.3f (<= 1.00): %s\n",
    bum[SP] / bum[SP1], bum[SP] <= bum[SP1] ? "met" : "NOT MET") ;
  printf("libselfpipe/onebyte-siginfo roundtrip %.3f, burst %.3f (the record, without the siginfo frame)\n",
    rtm[SP] / rtm[1], bum[SP] / bum[1]) ;
  printf("libselfpipe burst/roundtrip per signal %.3f (one pending vs a burst of %d)\n",
    bum[SP] / rtm[SP], BURST) ;
  return 0 ;
}
