/* ISC license. */

 /*
    Runner benchmark. Usage:
      runbench [ -n pings ] [ -s spawns ] [ -i idlesecs ] [ -b baseline ]
               [ -B burst ] [ -o dir ] [ -S subject ]... echo-child contender...
    A contender is one word: name|prog|arg|arg... ('|' separates the
    words of the command line that goes before the service; "direct"
    with no prog runs the service with no runner). Every contender is
    measured in the same run, interleaved:
    - spawn: wall time of "contender /bin/true", fork to reaping.
    - idle: context switches of the runner while nothing happens.
    - forward: SIGUSR1 sent to the runner, until echo-child (the
      runner's child) has it: the child reads the clock as soon as its
      sigwaitinfo returns and sends that time back through a pipe.
      What a runner does after its kill() (its log line) is not in it,
      unless it delays the child.
    - round trip: the same ping, until runbench has read that answer:
      it also counts whatever the runner still does, on the CPU they
      share, before runbench gets it back.
      Before each ping, runbench gives the CPU away (sched_yield) for
      100 us, so that what the last contender left to do is done then,
      in nobody's measured window.
    - burst: once per epoch, burst SIGUSR1s sent to the runner as fast
      as kill() goes; how many distinct deliveries reach the service
      (standard signals coalesce while pending: the less time one
      stays pending in the runner, the more get through).
    - rss: VmRSS of the runner while its child runs.
    With -o dir, dir/NAME.q holds the forward's quantiles (permille,
    microseconds) of each contender, for the chart.
    - size: st_size of prog.
    The runner's stderr is a pipe that runbench drains (outside the
    timed windows), as a logger would.
 */

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define CMAX 16
#define AMAX 32

typedef struct contender_s contender ;
struct contender_s
{
  char *name ;
  char *argv[AMAX + 3] ;
  unsigned int argc ;
  int broken ;
  char why[128] ;
  pid_t pid ;        /* what gets signalled: the runner, or the service itself */
  pid_t service ;
  int echo ;         /* read end of the answer pipe */
  int err ;          /* read end of the runner's stderr */
  double *lat ;      /* round trips */
  double *fwd ;      /* forwards: until the service had the signal */
  unsigned int nlat ;
  double *spawn ;
  double *cpu ;      /* user + system time of the spawn, children included */
  unsigned int nspawn ;
  double burst[3 * 64] ;  /* three bursts an epoch, at most 64 epochs */
  unsigned int nburst ;
  double lat_med, lat_p99, fwd_med, fwd_p99, spawn_med, spawn_over, cpu_med, cpu_over, wakeups, burst_med ;
  long rss, anon, size ;
  int dynamic ;      /* 1: has an ELF interpreter, 0: static, -1: unknown */
} ;

static contender cs[CMAX] ;
static unsigned int nc = 0 ;
static char const *echo_child ;
static int devnull ;
static int pinned = -1, sender = -1 ;  /* the CPU everybody runs on; where a burst is sent from */

static void die (char const *what)
{
  fprintf(stderr, "runbench: fatal: %s: %s\n", what, strerror(errno)) ;
  exit(111) ;
}

static void breaks (contender *c, char const *why)
{
  if (!c->broken) snprintf(c->why, sizeof(c->why), "%s", why) ;
  c->broken = 1 ;
}

static void parse (contender *c, char *s)
{
  char *p ;
  c->name = s ;
  c->argc = 0 ;
  p = strchr(s, '|') ;
  while (p)
  {
    *p++ = 0 ;
    if (c->argc >= AMAX) { errno = E2BIG ; die("contender") ; }
    c->argv[c->argc++] = p ;
    p = strchr(p, '|') ;
  }
  if (c->argc && !*c->argv[0]) c->argc = 0 ;  /* "direct|" */
}

static int is_dynamic (char const *path)
{
  Elf64_Ehdr eh ;
  Elf64_Phdr ph ;
  int r = -1 ;
  int fd = open(path, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) return -1 ;
  if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh)
   || memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64) goto end ;
  r = 0 ;
  for (unsigned int i = 0 ; i < eh.e_phnum ; i++)
  {
    if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (Elf64_Off)i * eh.e_phentsize)) != (ssize_t)sizeof(ph)) { r = -1 ; break ; }
    if (ph.p_type == PT_INTERP) { r = 1 ; break ; }
  }
 end:
  close(fd) ;
  return r ;
}

static void drain (int fd)
{
  char buf[4096] ;
  if (fd < 0) return ;
  while (read(fd, buf, sizeof(buf)) > 0) ;
}

 /* fork and exec the contender's command line with tail appended */
static pid_t start (contender *c, char const *const *tail, int errw, int keep)
{
  char const *argv[AMAX + 8] ;
  unsigned int n = 0 ;
  pid_t pid ;
  for (unsigned int i = 0 ; i < c->argc ; i++) argv[n++] = c->argv[i] ;
  while (*tail) argv[n++] = *tail++ ;
  argv[n] = 0 ;
  pid = fork() ;
  if (pid < 0) die("fork") ;
  if (!pid)
  {
    dup2(devnull, 0) ;
    dup2(devnull, 1) ;
    dup2(errw >= 0 ? errw : devnull, 2) ;
    if (keep >= 0) fcntl(keep, F_SETFD, 0) ;
    execv(argv[0], (char *const *)argv) ;
    _exit(127) ;
  }
  return pid ;
}

static void phase_spawn (unsigned int spawns)
{
  char const *tail[] = { "/bin/true", 0 } ;
  for (unsigned int i = 0 ; i < nc ; i++)
  {
    cs[i].spawn = calloc(spawns, sizeof(double)) ;
    cs[i].cpu = calloc(spawns, sizeof(double)) ;
  }
  for (unsigned int r = 0 ; r < spawns ; r++)
    for (unsigned int k = 0 ; k < nc ; k++)
    {
      contender *c = cs + (k + r) % nc ;
      uint64_t t0 ;
      pid_t pid ;
      int wstat ;
      struct rusage ru ;
      if (c->broken) continue ;
      t0 = now_ns() ;
      pid = start(c, tail, -1, -1) ;
      if (wait4(pid, &wstat, 0, &ru) < 0) die("wait4") ;
      t0 = now_ns() - t0 ;
      if (wstat) { breaks(c, "X /bin/true did not exit 0") ; continue ; }
      c->cpu[c->nspawn] = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec ;
      c->spawn[c->nspawn++] = (double)t0 / 1000.0 ;
    }
}

static int wait_readable (int fd, int ms)
{
  struct pollfd p = { .fd = fd, .events = POLLIN, .revents = 0 } ;
  int r ;
  while ((r = poll(&p, 1, ms)) < 0)
    if (errno != EINTR) die("poll") ;
  return r ;
}

static void launch (contender *c)
{
  int e[2], p[2] ;
  char fdstr[16] ;
  char const *tail[] = { echo_child, fdstr, 0 } ;
  if (pipe2(p, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC | O_NONBLOCK) < 0) die("pipe2") ;
  snprintf(fdstr, sizeof(fdstr), "%d", p[1]) ;
  c->pid = start(c, tail, e[1], p[1]) ;
  close(p[1]) ;
  close(e[1]) ;
  c->echo = p[0] ;
  c->err = e[0] ;
  if (wait_readable(c->echo, 5000) <= 0
   || read(c->echo, &c->service, sizeof(pid_t)) != (ssize_t)sizeof(pid_t))
  {
    breaks(c, "the service did not start") ;
    return ;
  }
  if (!c->argc) c->pid = c->service ;
}

static long proc_field (pid_t pid, char const *field)
{
  char path[64], line[256] ;
  size_t len = strlen(field) ;
  long v = -1 ;
  FILE *f ;
  snprintf(path, sizeof(path), "/proc/%d/status", (int)pid) ;
  f = fopen(path, "r") ;
  if (!f) return -1 ;
  while (fgets(line, sizeof(line), f))
    if (!strncmp(line, field, len) && line[len] == ':')
    {
      v = strtol(line + len + 1, 0, 10) ;
      break ;
    }
  fclose(f) ;
  return v ;
}

static long switches (pid_t pid)
{
  return proc_field(pid, "voluntary_ctxt_switches") + proc_field(pid, "nonvoluntary_ctxt_switches") ;
}

static void phase_idle (unsigned int secs)
{
  long before[CMAX] ;
  for (unsigned int i = 0 ; i < nc ; i++) before[i] = cs[i].broken ? 0 : switches(cs[i].pid) ;
  sleep(secs) ;
  for (unsigned int i = 0 ; i < nc ; i++)
    if (!cs[i].broken) cs[i].wakeups = (double)(switches(cs[i].pid) - before[i]) / secs ;
}

static void settle (void)
{
  uint64_t end = now_ns() + 100000 ;
  while (now_ns() < end) sched_yield() ;
}

static void ping (contender *c, int record)
{
  uint64_t t0, got ;
  drain(c->err) ;
  settle() ;
  t0 = now_ns() ;
  if (kill(c->pid, SIGUSR1) < 0) { breaks(c, "kill failed") ; return ; }
  if (wait_readable(c->echo, 5000) <= 0 || read(c->echo, &got, sizeof(got)) != (ssize_t)sizeof(got))
  {
    breaks(c, "no answer within 5 s") ;
    return ;
  }
  if (record)
  {
    c->lat[c->nlat] = (double)(now_ns() - t0) / 1000.0 ;
    c->fwd[c->nlat++] = got > t0 ? (double)(got - t0) / 1000.0 : 0 ;
  }
}

static void phase_latency (unsigned int pings)
{
  for (unsigned int r = 0 ; r < 50 + pings ; r++)
    for (unsigned int k = 0 ; k < nc ; k++)
    {
      contender *c = cs + (k + r) % nc ;
      if (!c->broken) ping(c, r >= 50) ;
    }
}

 /* What the service got of a burst: its bytes, until 100 ms of silence. */
static void on_cpu (int cpu)
{
  cpu_set_t set ;
  if (cpu < 0) return ;
  CPU_ZERO(&set) ;
  CPU_SET(cpu, &set) ;
  if (sched_setaffinity(0, sizeof(set), &set) < 0) die("sched_setaffinity") ;
}

 /* A burst comes from a supervisor that runs beside the runner, not
    from one that shares its CPU: sent from the same CPU, every kill()
    of the burst happens before the runner runs at all, and every
    runner passes on one delivery. So the sender moves to another CPU
    for the burst (when there is one), the runner and its child stay. */
static void burst (contender *c, unsigned int n)
{
  char buf[4096] ;
  unsigned int got = 0 ;
  uint64_t deadline ;
  ssize_t r ;
  drain(c->err) ;
  on_cpu(sender) ;
  for (unsigned int i = 0 ; i < n ; i++)
    if (kill(c->pid, SIGUSR1) < 0) { on_cpu(pinned) ; breaks(c, "kill failed") ; return ; }
  on_cpu(pinned) ;
  deadline = now_ns() + 5000000000u ;
  while (now_ns() < deadline && wait_readable(c->echo, 100) > 0)
  {
    r = read(c->echo, buf, sizeof(buf)) ;
    if (r <= 0) break ;
    got += (unsigned int)r / sizeof(uint64_t) ;  /* one answer per delivery, never split: see echo-child */
    drain(c->err) ;
  }
  if (c->nburst < sizeof(c->burst) / sizeof(c->burst[0])) c->burst[c->nburst++] = got ;
}

static void phase_burst (unsigned int n, unsigned int e)
{
  for (unsigned int k = 0 ; k < nc ; k++)
  {
    contender *c = cs + (k + e) % nc ;
    if (!c->broken) burst(c, n) ;
  }
}

 /* dir/NAME.q: "permille latency-us" lines, 1 to 999, for the chart */
static void write_quantiles (char const *dir, contender *c)
{
  char path[4096] ;
  FILE *f ;
  if (c->broken || !c->nlat) return ;
  snprintf(path, sizeof(path), "%s/%s.q", dir, c->name) ;
  f = fopen(path, "w") ;
  if (!f) die(path) ;
  for (unsigned int q = 1 ; q < 1000 ; q++) fprintf(f, "%u %.2f\n", q, quantile(c->fwd, c->nlat, q / 1000.0)) ;
  fclose(f) ;
}

static void stop (contender *c)
{
  int wstat ;
  if (c->pid <= 0) return ;
  kill(c->pid, SIGTERM) ;
  for (int i = 0 ; i < 200 ; i++)
  {
    if (waitpid(c->pid, &wstat, WNOHANG) == c->pid) goto reaped ;
    drain(c->err) ;
    usleep(10000) ;
  }
  breaks(c, "did not exit 2 s after SIGTERM") ;
  kill(c->pid, SIGKILL) ;
  waitpid(c->pid, &wstat, 0) ;
 reaped:
  if (c->service > 0 && c->service != c->pid) kill(c->service, SIGKILL) ;
  close(c->echo) ;
  close(c->err) ;
  c->pid = c->service = 0 ;
}

static contender *find (char const *name)
{
  for (unsigned int i = 0 ; i < nc ; i++)
    if (!strcmp(cs[i].name, name)) return cs + i ;
  return 0 ;
}

static double ratio (double a, double b)
{
  return b > 0 ? a / b : 0 ;
}

static void print_ratios (contender const *s, contender const *p)
{
  printf("%-16s / %-14s %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f\n", s->name, p->name,
    ratio(s->fwd_med, p->fwd_med), ratio(s->fwd_p99, p->fwd_p99), ratio(s->lat_med, p->lat_med), ratio(s->lat_p99, p->lat_p99),
    ratio(s->spawn_over, p->spawn_over), ratio((double)s->rss, (double)p->rss),
    ratio((double)s->size, (double)p->size), ratio(s->burst_med, p->burst_med)) ;
}

 /* cmp: 0 v < limit, 1 v <= limit, 2 v >= limit */
static void target (contender const *s, char const *what, double v, double limit, int cmp)
{
  static char const *const op[3] = { "<", "<=", ">=" } ;
  int met = cmp == 2 ? v >= limit : cmp ? v <= limit : v < limit ;
  printf("target %s %s %.3f %s %.3f: %s\n", s->name, what, v, op[cmp], limit, met ? "met" : "NOT MET") ;
}

int main (int argc, char **argv)
{
  unsigned int pings = 2000, spawns = 200, idle = 2, epochs = 5, nburst = 2000 ;
  char const *outdir = 0 ;
  int cpu = -1 ;
  char const *baseline = "minfwd" ;
  char const *subjects[CMAX] ;
  unsigned int nsub = 0 ;
  contender *direct, *base ;
  int opt ;

  while ((opt = getopt(argc, argv, "n:s:i:e:c:b:B:o:S:")) != -1)
    switch (opt)
    {
      case 'n' : pings = strtoul(optarg, 0, 10) ; break ;
      case 's' : spawns = strtoul(optarg, 0, 10) ; break ;
      case 'i' : idle = strtoul(optarg, 0, 10) ; break ;
      case 'e' : epochs = strtoul(optarg, 0, 10) ; break ;
      case 'c' : cpu = !strcmp(optarg, "none") ? -1 : !strcmp(optarg, "auto") ? -2 : atoi(optarg) ; break ;
      case 'b' : baseline = optarg ; break ;
      case 'B' : nburst = strtoul(optarg, 0, 10) ; break ;
      case 'o' : outdir = optarg ; break ;
      case 'S' : if (nsub < CMAX) subjects[nsub++] = optarg ; break ;
      default : return 100 ;
    }
  if (argc - optind < 2 || !pings || !spawns || !idle || !epochs || epochs > pings || epochs > 64) return 100 ;
  if (cpu == -2)
  {
    cpu_set_t set ;
    if (sched_getaffinity(0, sizeof(set), &set) < 0) die("sched_getaffinity") ;
    for (int i = 0 ; i < CPU_SETSIZE ; i++) if (CPU_ISSET(i, &set)) cpu = i ;
  }
  if (cpu >= 0)
  {
    /* everybody on one CPU: the round trip is then the sum of the work
       of harness, runner and child, with no placement luck in it */
    cpu_set_t set ;
    if (sched_getaffinity(0, sizeof(set), &set) < 0) die("sched_getaffinity") ;
    for (int i = 0 ; i < CPU_SETSIZE ; i++) if (i != cpu && CPU_ISSET(i, &set)) { sender = i ; break ; }
    pinned = cpu ;
    on_cpu(cpu) ;
  }
  echo_child = argv[optind++] ;
  for (; optind < argc && nc < CMAX ; optind++) parse(cs + nc++, argv[optind]) ;
  devnull = open("/dev/null", O_RDWR | O_CLOEXEC) ;
  if (devnull < 0) die("open /dev/null") ;
  signal(SIGPIPE, SIG_IGN) ;
  setvbuf(stdout, 0, _IOLBF, 0) ;

  for (unsigned int i = 0 ; i < nc ; i++)
  {
    struct stat st ;
    cs[i].size = -1 ;
    if (cs[i].argc)
    {
      if (stat(cs[i].argv[0], &st) < 0) breaks(cs + i, "not found") ;
      else cs[i].size = (long)st.st_size ;
      cs[i].dynamic = is_dynamic(cs[i].argv[0]) ;
    }
  }
  printf("# runbench: %u contenders; spawn: %u runs each; idle: %u s; latency: %u pings each in %u epochs; all interleaved; %s\n",
    nc, spawns, idle, pings / epochs * epochs, epochs, cpu >= 0 ? "all on one CPU" : "not pinned") ;
  if (cpu >= 0) printf("# pinned to CPU %d; bursts sent from CPU %d\n", cpu, sender >= 0 ? sender : cpu) ;
  phase_spawn(spawns) ;
  for (unsigned int i = 0 ; i < nc ; i++)
  {
    cs[i].lat = calloc(pings, sizeof(double)) ;
    cs[i].fwd = calloc(pings, sizeof(double)) ;
    if (!cs[i].lat || !cs[i].fwd) die("calloc") ;
  }
  /* Where the scheduler first puts a runner and its child sticks for
     their lifetime and changes the round trip: start them afresh in
     every epoch, so no contender keeps a lucky or unlucky placement. */
  for (unsigned int e = 0 ; e < epochs ; e++)
  {
    for (unsigned int i = 0 ; i < nc ; i++) if (!cs[i].broken) launch(cs + i) ;
    /* the service answers as soon as it runs, which can be before its
       runner has gone to sleep: let everybody settle first */
    if (!e) { usleep(300000) ; phase_idle(idle) ; }
    phase_latency(pings / epochs) ;
    /* how many get through varies a lot from one burst to the next:
       three per epoch, so that the median has fifteen to choose from */
    if (nburst) for (unsigned int b = 0 ; b < 3 ; b++) phase_burst(nburst, 3 * e + b) ;
    for (unsigned int i = 0 ; i < nc ; i++)
      if (!cs[i].broken)
      {
        cs[i].rss = cs[i].argc ? proc_field(cs[i].pid, "VmRSS") : -1 ;
        cs[i].anon = cs[i].argc ? proc_field(cs[i].pid, "RssAnon") : -1 ;
        if (!cs[i].argc) cs[i].wakeups = 0 ;
      }
    for (unsigned int i = 0 ; i < nc ; i++) stop(cs + i) ;
  }

  direct = find("direct") ;
  for (unsigned int i = 0 ; i < nc ; i++)
  {
    contender *c = cs + i ;
    c->lat_med = quantile(c->lat, c->nlat, 0.5) ;
    c->lat_p99 = quantile(c->lat, c->nlat, 0.99) ;
    c->fwd_med = quantile(c->fwd, c->nlat, 0.5) ;
    c->fwd_p99 = quantile(c->fwd, c->nlat, 0.99) ;
    c->spawn_med = quantile(c->spawn, c->nspawn, 0.5) ;
    c->cpu_med = quantile(c->cpu, c->nspawn, 0.5) ;
    c->burst_med = quantile(c->burst, c->nburst, 0.5) ;
    if (outdir) write_quantiles(outdir, c) ;
  }
  for (unsigned int i = 0 ; i < nc ; i++)
  {
    cs[i].spawn_over = direct ? cs[i].spawn_med - direct->spawn_med : 0 ;
    cs[i].cpu_over = direct ? cs[i].cpu_med - direct->cpu_med : 0 ;
  }

  printf("%-16s %7s %7s %7s %7s %6s %7s %7s %6s %6s %5s %8s %7s %5s\n", "contender", "fwd-med", "fwd-p99", "rt-med", "rt-p99", "burst", "spawn", "spawn+", "cpu+", "rss", "anon", "size", "wakeups", "link") ;
  printf("%-16s %7s %7s %7s %7s %6u %7s %7s %6s %6s %5s %8s %7s\n", "", "us", "us", "us", "us", nburst, "us", "us", "us", "kB", "kB", "bytes", "per s") ;
  for (unsigned int i = 0 ; i < nc ; i++)
  {
    contender *c = cs + i ;
    if (c->broken) { printf("%-16s BROKEN: %s\n", c->name, c->why) ; continue ; }
    if (c->argc)
      printf("%-16s %7.1f %7.1f %7.1f %7.1f %6.0f %7.0f %7.0f %6.0f %6ld %5ld %8ld %7.1f %5s\n", c->name, c->fwd_med, c->fwd_p99, c->lat_med, c->lat_p99,
        c->burst_med, c->spawn_med, c->spawn_over, c->cpu_over, c->rss, c->anon, c->size, c->wakeups,
        c->dynamic > 0 ? "dyn" : c->dynamic ? "?" : "static") ;
    else
      printf("%-16s %7.1f %7.1f %7.1f %7.1f %6.0f %7.0f %7s %6s %6s %5s %8s %7s\n", c->name, c->fwd_med, c->fwd_p99, c->lat_med, c->lat_p99,
        c->burst_med, c->spawn_med, "-", "-", "-", "-", "-", "-") ;
  }
  base = find(baseline) ;
  if (base && !base->broken)
  {
    printf("\n# ratios: row / column (1.00 = same, below 1 = row is better)\n") ;
    printf("%-33s %9s %9s %9s %9s %9s %9s %9s %9s\n", "", "fwd-med", "fwd-p99", "rt-med", "rt-p99", "spawn+", "rss", "size", "burst") ;
    for (unsigned int i = 0 ; i < nc ; i++)
      if (cs + i != base && cs[i].argc && !cs[i].broken) print_ratios(cs + i, base) ;
  }
  for (unsigned int j = 0 ; j < nsub ; j++)
  {
    contender *s = find(subjects[j]) ;
    double best_spawn = -1, best_rss = -1, best_lat = -1, same_spawn = -1, same_rss = -1, best_p99 = -1, best_burst = -1 ;
    double best_fwd = -1, best_fwd99 = -1 ;
    if (!s) continue ;
    if (s->broken) { printf("\n# %s: BROKEN: %s\n", s->name, s->why) ; continue ; }
    printf("\n# %s against each peer\n", s->name) ;
    for (unsigned int i = 0 ; i < nc ; i++)
    {
      contender *p = cs + i ;
      if (p == s || !p->argc || p->broken || p == base) continue ;
      print_ratios(s, p) ;
      /* the floors and the other builds of the subject are not peers */
      if (!strncmp(p->name, "selfpipe-run", 12) || strstr(p->name, "fwd")) continue ;
      if (best_lat < 0 || p->lat_med < best_lat) best_lat = p->lat_med ;
      if (best_p99 < 0 || p->lat_p99 < best_p99) best_p99 = p->lat_p99 ;
      if (best_fwd < 0 || p->fwd_med < best_fwd) best_fwd = p->fwd_med ;
      if (best_fwd99 < 0 || p->fwd_p99 < best_fwd99) best_fwd99 = p->fwd_p99 ;
      if (p->burst_med > best_burst) best_burst = p->burst_med ;
      if (best_spawn < 0 || p->spawn_over < best_spawn) best_spawn = p->spawn_over ;
      if (best_rss < 0 || p->rss < best_rss) best_rss = (double)p->rss ;
      if (p->dynamic != s->dynamic) continue ;
      if (same_spawn < 0 || p->spawn_over < same_spawn) same_spawn = p->spawn_over ;
      if (same_rss < 0 || p->rss < same_rss) same_rss = (double)p->rss ;
    }
    if (base && !base->broken) target(s, "fwd-med/minfwd", ratio(s->fwd_med, base->fwd_med), 1.05, 1) ;
    if (best_fwd > 0) target(s, "fwd-med/best-peer", ratio(s->fwd_med, best_fwd), 1.0, 0) ;
    if (best_fwd > 0) target(s, "fwd-med/best-peer(1.02)", ratio(s->fwd_med, best_fwd), 1.02, 1) ;
    if (best_fwd99 > 0) target(s, "fwd-p99/best-peer", ratio(s->fwd_p99, best_fwd99), 1.0, 1) ;
    /* the round trip also counts the runner's work after its kill():
       shown, not a target */
    if (base && !base->broken) printf("info %s rt-med/minfwd %.3f\n", s->name, ratio(s->lat_med, base->lat_med)) ;
    if (best_lat > 0) printf("info %s rt-med/best-peer %.3f\n", s->name, ratio(s->lat_med, best_lat)) ;
    if (best_p99 > 0) printf("info %s rt-p99/best-peer %.3f\n", s->name, ratio(s->lat_p99, best_p99)) ;
    if (best_burst > 0) target(s, "burst/best-peer", ratio(s->burst_med, best_burst), 1.0, 2) ;
    {
      contender const *di = find("dumb-init") ;
      if (di && !di->broken && di->spawn_over > 0) target(s, "spawn+/dumb-init", ratio(s->spawn_over, di->spawn_over), 1.0, 1) ;
    }
    /* a static program starts without the loader's work: like with like */
    if (same_spawn > 0) target(s, s->dynamic ? "spawn+/best-dynamic-peer" : "spawn+/best-static-peer", ratio(s->spawn_over, same_spawn), 1.0, 1) ;
    if (best_spawn > 0) printf("info %s spawn+/best-peer %.3f\n", s->name, ratio(s->spawn_over, best_spawn)) ;
    /* RSS counts every shared page in full, libc's too: shown, not a
       target (the memory target is pss.bench's, under s6-svscan) */
    if (best_rss > 0) printf("info %s rss/best-peer %.3f\n", s->name, ratio((double)s->rss, best_rss)) ;
    if (same_rss > 0) printf("info %s %s %.3f\n", s->name, s->dynamic ? "rss/best-dynamic-peer" : "rss/best-static-peer", ratio((double)s->rss, same_rss)) ;
    target(s, "idle-wakeups/s", s->wakeups, 0, 1) ;
  }
  return 0 ;
}
