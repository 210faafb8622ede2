/* ISC license. */

 /*
    sprun-child: the service that the selfpipe-run tests run.
    It writes one line per event to a record file (or stdout), each line
    written with a single write() so that a child and its grandchild can
    share an O_APPEND file:

      <tag> state blk <SigBlk> ign <SigIgn> fds <fd,fd,...>   (-R, as at exec time)
      <tag> ready pid <pid> ppid <ppid> pgid <pgid> sid <sid>
      <tag> sig <NAME> <num> code <si_code> pid <si_pid>
      <tag> orphan pid <pid> ppid <ppid>                       (-O)
      <tag> timeout                                            (-w ran out)

    Options (applied in this order, whatever their order on the line):
      -o file     append the records to file instead of stdout
      -R          report the /proc/self/status SigBlk and SigIgn and the
                  open fds as they were at exec time
      -i sig      ignore sig (SIG_IGN), repeatable
      -d sig      leave sig at SIG_DFL, not recorded, repeatable
      -x sig:code record sig, then exit with code, repeatable
      every other catchable signal (not KILL STOP CHLD, not libc's 32/33)
      is recorded by an SA_SIGINFO handler, the fault signals too
      -g          fork a grandchild (tag "gchild") that records the same way
      -O ms       fork an orphan: a grandchild that forks, its parent exits
                  at once, the orphan writes its ppid after ms and exits
      -e code     after the ready line, exit with code
      -k sig      after the ready line, die by sig
      -w ms       live at most ms (default 30000, scaled as lib-common.h
                  says), then "timeout", exit 0
      -S ms       stay ms in the handler after recording (every signal is
                  blocked there), so that a second delivery of the same
                  signal right after the first is seen as a second one
 */

#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <selfpipe/selfpipe.h>

#include "lib-common.h"

#define USAGE "sprun-child [ -o file ] [ -R ] [ -i sig ]... [ -d sig ]... [ -x sig:code ]... [ -g ] [ -O ms ] [ -e code | -k sig ] [ -w ms ] [ -S ms ]"

static int recfd = 1 ;
static char const *tag = "child" ;
static char names[NSIG][SP_SIGNAME_MAX + 1] ;
static int exitcode[NSIG] ;  /* -1: record and go on; else record and exit */
static long handler_ms = 0 ;

static void die (char const *what)
{
  fprintf(stderr, "sprun-child: fatal: %s: %s\n", what, strerror(errno)) ;
  _exit(111) ;
}

static void dieusage (void)
{
  fprintf(stderr, "sprun-child: usage: %s\n", USAGE) ;
  _exit(100) ;
}

static int scansig (char const *s, char const **end)
{
  int sig ;
  size_t len = sp_sig_scan(s, &sig) ;
  if (!len) dieusage() ;
  if (end) *end = s + len ;
  else if (s[len]) dieusage() ;
  return sig ;
}

 /* async-signal-safe formatting for the handler */
static size_t fmt_int (char *s, long n)
{
  char tmp[24] ;
  size_t len = 0, i = 0 ;
  unsigned long u = n < 0 ? -(unsigned long)n : (unsigned long)n ;
  if (n < 0) s[len++] = '-' ;
  do tmp[i++] = '0' + u % 10 ; while (u /= 10) ;
  while (i) s[len++] = tmp[--i] ;
  return len ;
}

static size_t fmt_str (char *s, char const *t)
{
  size_t n = strlen(t) ;
  memcpy(s, t, n) ;
  return n ;
}

static void record (int sig, siginfo_t *si, void *ctx)
{
  char buf[256] ;
  size_t len = 0 ;
  int e = errno ;
  (void)ctx ;
  len += fmt_str(buf + len, tag) ;
  len += fmt_str(buf + len, " sig ") ;
  len += fmt_str(buf + len, names[sig]) ;
  buf[len++] = ' ' ;
  len += fmt_int(buf + len, sig) ;
  len += fmt_str(buf + len, " code ") ;
  len += fmt_int(buf + len, si->si_code) ;
  len += fmt_str(buf + len, " pid ") ;
  len += fmt_int(buf + len, si->si_pid) ;
  buf[len++] = '\n' ;
  if (write(recfd, buf, len) < 0) {}
  if (exitcode[sig] >= 0) _exit(exitcode[sig]) ;
  if (handler_ms)
  {
    struct timespec ts = { .tv_sec = handler_ms / 1000, .tv_nsec = (handler_ms % 1000) * 1000000 } ;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) ;
  }
  errno = e ;
}

static void put (char const *line)
{
  size_t len = strlen(line) ;
  if (write(recfd, line, len) != (ssize_t)len) die("write") ;
}

static void live (long long ms)
{
  long long deadline = now_ms() + ms ;
  for (;;)
  {
    long long left = deadline - now_ms() ;
    if (left <= 0) break ;
    poll(0, 0, left > 1000 ? 1000 : (int)left) ;
  }
}

static void say_ready (void)
{
  char line[200] ;
  snprintf(line, sizeof line, "%s ready pid %d ppid %d pgid %d sid %d\n",
    tag, (int)getpid(), (int)getppid(), (int)getpgrp(), (int)getsid(0)) ;
  put(line) ;
}

static void die_by (int sig)
{
  sigset_t set ;
  signal(sig, SIG_DFL) ;
  sigemptyset(&set) ;
  sigaddset(&set, sig) ;
  sigprocmask(SIG_UNBLOCK, &set, 0) ;
  raise(sig) ;
  _exit(99) ;  /* only when sig does not kill */
}

static void read_state (char *out, size_t outlen)
{
  char blk[64] = "?", ign[64] = "?", fds[512] = "" ;
  char line[256] ;
  size_t flen = 0 ;
  FILE *f = fopen("/proc/self/status", "r") ;
  if (!f) die("open /proc/self/status") ;
  while (fgets(line, sizeof line, f))
  {
    if (!strncmp(line, "SigBlk:", 7)) sscanf(line + 7, "%63s", blk) ;
    else if (!strncmp(line, "SigIgn:", 7)) sscanf(line + 7, "%63s", ign) ;
  }
  fclose(f) ;
  {
    DIR *d = opendir("/proc/self/fd") ;
    struct dirent *de ;
    int fds_seen[1024], n = 0 ;
    if (!d) die("opendir /proc/self/fd") ;
    while ((de = readdir(d)))
    {
      if (de->d_name[0] == '.') continue ;
      int fd = atoi(de->d_name) ;
      if (fd == dirfd(d)) continue ;
      if (n < 1024) fds_seen[n++] = fd ;
    }
    closedir(d) ;
    for (int i = 1 ; i < n ; i++)  /* insertion sort: a handful of fds */
      for (int j = i ; j > 0 && fds_seen[j-1] > fds_seen[j] ; j--)
      { int t = fds_seen[j] ; fds_seen[j] = fds_seen[j-1] ; fds_seen[j-1] = t ; }
    for (int i = 0 ; i < n && flen + 16 < sizeof fds ; i++)
      flen += snprintf(fds + flen, sizeof fds - flen, "%s%d", i ? "," : "", fds_seen[i]) ;
    if (!n) strcpy(fds, "none") ;
  }
  snprintf(out, outlen, "state blk %s ign %s fds %s\n", blk, ign, fds) ;
}

int main (int argc, char **argv)
{
  char const *recfile = 0 ;
  int report = 0, grandchild = 0, orphan_ms = -1, final_exit = -1, final_sig = 0 ;
  long long lifetime = scaled_ms(30000) ;  /* the tests' signals come well before */
  int disp[NSIG] ;  /* 0 record, 1 ignore, 2 default */
  char state[700] ;
  int opt ;

  for (int i = 0 ; i < NSIG ; i++) { disp[i] = 0 ; exitcode[i] = -1 ; }
  while ((opt = getopt(argc, argv, "o:Ri:d:x:gO:e:k:w:S:")) != -1)
  {
    switch (opt)
    {
      case 'o' : recfile = optarg ; break ;
      case 'R' : report = 1 ; break ;
      case 'i' : disp[scansig(optarg, 0)] = 1 ; break ;
      case 'd' : disp[scansig(optarg, 0)] = 2 ; break ;
      case 'x' :
      {
        char const *end ;
        int sig = scansig(optarg, &end) ;
        if (*end != ':' || !end[1]) dieusage() ;
        exitcode[sig] = atoi(end + 1) & 255 ;
        break ;
      }
      case 'g' : grandchild = 1 ; break ;
      case 'O' : orphan_ms = atoi(optarg) ; break ;
      case 'e' : final_exit = atoi(optarg) & 255 ; break ;
      case 'k' : final_sig = scansig(optarg, 0) ; break ;
      case 'w' : lifetime = atoll(optarg) ; break ;
      case 'S' : handler_ms = atol(optarg) ; break ;
      default : dieusage() ;
    }
  }
  if (optind < argc) dieusage() ;

  if (report) read_state(state, sizeof state) ;
  if (recfile)
  {
    recfd = open(recfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644) ;
    if (recfd < 0) die(recfile) ;
  }
  if (report)
  {
    char line[760] ;
    snprintf(line, sizeof line, "%s %s", tag, state) ;
    put(line) ;
  }

  for (int sig = 1 ; sig < NSIG ; sig++)
  {
    struct sigaction sa ;
    memset(&sa, 0, sizeof sa) ;
    /* a fault signal is recorded too: the tests only ever send one */
    if (sp_sig_class(sig) & (SP_SIG_UNCATCHABLE | SP_SIG_RESERVED | SP_SIG_CHILD)) continue ;
    names[sig][sp_sig_fmt(names[sig], sig)] = 0 ;
    if (disp[sig] == 1) sa.sa_handler = SIG_IGN ;
    else if (disp[sig] == 2) sa.sa_handler = SIG_DFL ;
    else
    {
      sa.sa_sigaction = &record ;
      sa.sa_flags = SA_SIGINFO | SA_RESTART ;
      sigfillset(&sa.sa_mask) ;
    }
    if (sigaction(sig, &sa, 0) < 0) die("sigaction") ;
  }

  if (orphan_ms >= 0)
  {
    pid_t p = fork() ;
    if (p < 0) die("fork") ;
    if (!p)
    {
      pid_t q = fork() ;
      if (q < 0) die("fork") ;
      if (q) _exit(0) ;
      tag = "orphan" ;
      live(orphan_ms) ;
      {
        char line[100] ;
        snprintf(line, sizeof line, "orphan orphan pid %d ppid %d\n", (int)getpid(), (int)getppid()) ;
        put(line) ;
      }
      _exit(0) ;
    }
    if (waitpid(p, 0, 0) < 0) die("waitpid") ;
  }

  if (grandchild)
  {
    pid_t p = fork() ;
    if (p < 0) die("fork") ;
    if (!p)
    {
      tag = "gchild" ;
      say_ready() ;
      live(lifetime) ;
      put("gchild timeout\n") ;
      _exit(0) ;
    }
  }

  say_ready() ;
  if (final_exit >= 0) _exit(final_exit) ;
  if (final_sig) die_by(final_sig) ;
  live(lifetime) ;
  {
    char line[64] ;
    snprintf(line, sizeof line, "%s timeout\n", tag) ;
    put(line) ;
  }
  return 0 ;
}
