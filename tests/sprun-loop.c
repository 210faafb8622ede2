/* ISC license. */

 /*
    sprun-loop: runs a command many times, quickly, and says how it went.
      sprun-loop count seconds want prog...
    Runs prog count times, one after the other. A run that takes more
    than seconds (times SP_TIMEOUT_SCALE, a float, 1 if unset) is a
    hang: its state is printed on stderr as TAP comments ("# ..."),
    then it is SIGKILLed, with its children, and the loop stops. Prints
      runs <n> hangs <h> wrong <w> first-wrong <status> slowest-ms <ms>
    where wrong counts the runs whose wait status is not "exited want"
    and slowest-ms is the longest run that finished.
    Exits 0 when every run exited want in time, 1 otherwise.
 */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ms (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_MONOTONIC, &ts) ;
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 ;
}

 /* The whole of a small /proc file, newlines turned to spaces */

static int slurp (char const *path, char *buf, size_t len)
{
  ssize_t r ;
  int fd = open(path, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) return snprintf(buf, len, "(%s)", strerror(errno)), -1 ;
  r = read(fd, buf, len - 1) ;
  close(fd) ;
  if (r < 0) return snprintf(buf, len, "(%s)", strerror(errno)), -1 ;
  buf[r] = 0 ;
  while (r && buf[r - 1] == '\n') buf[--r] = 0 ;
  for (ssize_t i = 0 ; i < r ; i++) if (buf[i] == '\n') buf[i] = ' ' ;
  return 0 ;
}

static void show_file (pid_t pid, char const *name)
{
  char path[64], buf[1024] ;
  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name) ;
  slurp(path, buf, sizeof buf) ;
  fprintf(stderr, "#   %s: %s\n", name, buf) ;
}

 /* The lines that say where a signal is: pending, blocked, caught */

static void show_signals (pid_t pid)
{
  char path[64], line[256] ;
  FILE *f ;
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid) ;
  f = fopen(path, "re") ;
  if (!f) { fprintf(stderr, "#   status: (%s)\n", strerror(errno)) ; return ; }
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, "State:", 6) || !strncmp(line, "SigQ:", 5) || !strncmp(line, "SigPnd:", 7)
     || !strncmp(line, "ShdPnd:", 7) || !strncmp(line, "SigBlk:", 7) || !strncmp(line, "SigIgn:", 7)
     || !strncmp(line, "SigCgt:", 7))
      fprintf(stderr, "#   %s", line) ;
  fclose(f) ;
}

 /* Every fd, what it points at, and for a pipe the bytes still in it:
    opening /proc/PID/fd/N opens the same pipe, so FIONREAD on our own
    descriptor counts what the runner has not read. */

static void show_fds (pid_t pid)
{
  char dir[64] ;
  struct dirent *d ;
  DIR *dp ;
  snprintf(dir, sizeof dir, "/proc/%d/fd", (int)pid) ;
  dp = opendir(dir) ;
  if (!dp) { fprintf(stderr, "#   fds: (%s)\n", strerror(errno)) ; return ; }
  while ((d = readdir(dp)))
  {
    char path[320], target[256], info[256] ;
    ssize_t r ;
    if (d->d_name[0] == '.') continue ;
    snprintf(path, sizeof path, "%s/%s", dir, d->d_name) ;
    r = readlink(path, target, sizeof target - 1) ;
    if (r < 0) { fprintf(stderr, "#   fd %s: (%s)\n", d->d_name, strerror(errno)) ; continue ; }
    target[r] = 0 ;
    snprintf(path, sizeof path, "/proc/%d/fdinfo/%s", (int)pid, d->d_name) ;
    slurp(path, info, sizeof info) ;
    if (!strncmp(target, "pipe:", 5))
    {
      int n = -1 ;
      int fd ;
      snprintf(path, sizeof path, "%s/%s", dir, d->d_name) ;
      fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
      if (fd >= 0) { if (ioctl(fd, FIONREAD, &n) < 0) n = -1 ; close(fd) ; }
      fprintf(stderr, "#   fd %s -> %s, %d bytes unread; %s\n", d->d_name, target, n, info) ;
    }
    else fprintf(stderr, "#   fd %s -> %s; %s\n", d->d_name, target, info) ;
  }
  closedir(dp) ;
}

 /* The children of pid, from everyone's stat: field 4 is the ppid,
    after a comm that may hold spaces and parentheses. */

static unsigned int children (pid_t pid, pid_t *tab, unsigned int max)
{
  unsigned int n = 0 ;
  struct dirent *d ;
  DIR *dp = opendir("/proc") ;
  if (!dp) return 0 ;
  while ((d = readdir(dp)) && n < max)
  {
    char path[300], buf[512] ;
    char const *p ;
    char state ;
    int ppid ;
    if (d->d_name[0] < '0' || d->d_name[0] > '9') continue ;
    snprintf(path, sizeof path, "/proc/%s/stat", d->d_name) ;
    if (slurp(path, buf, sizeof buf) < 0) continue ;
    p = strrchr(buf, ')') ;
    if (!p || sscanf(p + 1, " %c %d", &state, &ppid) != 2) continue ;
    if (ppid == (int)pid) tab[n++] = (pid_t)atoi(d->d_name) ;
  }
  closedir(dp) ;
  return n ;
}

static void dump (pid_t pid, unsigned long run, long long ms, pid_t *kids, unsigned int *nkids)
{
  char buf[1024] ;
  fprintf(stderr, "# run %lu, pid %d, hung: still running after %lld ms; its state before the SIGKILL:\n", run, (int)pid, ms) ;
  slurp("/proc/loadavg", buf, sizeof buf) ;
  fprintf(stderr, "#   loadavg: %s\n", buf) ;
  show_file(pid, "stat") ;
  show_file(pid, "wchan") ;
  show_signals(pid) ;
  show_fds(pid) ;
  *nkids = children(pid, kids, 16) ;
  if (!*nkids) fprintf(stderr, "#   no child\n") ;
  for (unsigned int i = 0 ; i < *nkids ; i++)
  {
    char path[64] ;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)kids[i]) ;
    slurp(path, buf, sizeof buf) ;
    fprintf(stderr, "#   child %d: stat: %s\n", (int)kids[i], buf) ;
    snprintf(path, sizeof path, "/proc/%d/wchan", (int)kids[i]) ;
    slurp(path, buf, sizeof buf) ;
    fprintf(stderr, "#   child %d: wchan: %s\n", (int)kids[i], buf) ;
  }
  /* a runner that is only slow moves on: look once more */
  {
    struct timespec ts = { .tv_sec = 1, .tv_nsec = 0 } ;
    nanosleep(&ts, 0) ;
  }
  show_file(pid, "stat") ;
  show_file(pid, "wchan") ;
  fflush(stderr) ;
}

int main (int argc, char **argv)
{
  struct sigaction dfl ;
  sigset_t chld, orig ;
  unsigned long count, done = 0, hangs = 0, wrong = 0 ;
  long long limit, slowest = 0 ;
  double scale = 1 ;
  char const *s = getenv("SP_TIMEOUT_SCALE") ;
  int want, first_wrong = -1 ;
  if (argc < 5)
  {
    fprintf(stderr, "sprun-loop: usage: sprun-loop count seconds want prog...\n") ;
    return 100 ;
  }
  count = strtoul(argv[1], 0, 10) ;
  if (s && *s)
  {
    char *end ;
    scale = strtod(s, &end) ;
    if (*end || !(scale > 0)) { fprintf(stderr, "sprun-loop: SP_TIMEOUT_SCALE=%s is not a positive number\n", s) ; return 100 ; }
  }
  limit = (long long)(strtod(argv[2], 0) * 1000 * scale) ;
  want = atoi(argv[3]) ;

  /* SIGCHLD blocked and waited for: one that comes before the wait
     stays pending, so no exit can slip between the check and the sleep */
  memset(&dfl, 0, sizeof dfl) ;
  dfl.sa_handler = SIG_DFL ;
  sigemptyset(&dfl.sa_mask) ;
  sigaction(SIGCHLD, &dfl, 0) ;
  sigemptyset(&chld) ;
  sigaddset(&chld, SIGCHLD) ;
  sigprocmask(SIG_BLOCK, &chld, &orig) ;

  for (; done < count ; done++)
  {
    int status ;
    long long start = now_ms(), deadline = start + limit ;
    pid_t r ;
    pid_t pid = fork() ;
    if (pid < 0) { perror("sprun-loop: fork") ; return 111 ; }
    if (!pid)
    {
      sigprocmask(SIG_SETMASK, &orig, 0) ;
      execvp(argv[4], argv + 4) ;
      _exit(errno == ENOENT ? 127 : 126) ;
    }
    for (;;)
    {
      long long left ;
      struct timespec ts ;
      r = waitpid(pid, &status, WNOHANG) ;
      if (r < 0 && errno != EINTR) { perror("sprun-loop: waitpid") ; return 111 ; }
      if (r == pid) break ;
      left = deadline - now_ms() ;
      if (left <= 0) break ;
      ts.tv_sec = left / 1000 ;
      ts.tv_nsec = (left % 1000) * 1000000 ;
      sigtimedwait(&chld, 0, &ts) ;
    }
    if (r != pid)
    {
      pid_t kids[16] ;
      unsigned int nkids ;
      dump(pid, done + 1, now_ms() - start, kids, &nkids) ;
      kill(pid, SIGKILL) ;
      for (unsigned int i = 0 ; i < nkids ; i++) kill(kids[i], SIGKILL) ;
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) ;
      hangs++ ;
      done++ ;
      break ;
    }
    if (now_ms() - start > slowest) slowest = now_ms() - start ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != want)
    {
      if (first_wrong < 0) first_wrong = status ;
      wrong++ ;
    }
  }
  printf("runs %lu hangs %lu wrong %lu first-wrong %d slowest-ms %lld\n", done, hangs, wrong, first_wrong, slowest) ;
  return hangs || wrong ;
}
