/* ISC license. Helpers shared by the tests/lib-*.c programs. */

#ifndef SELFPIPE_TESTS_LIB_COMMON_H
#define SELFPIPE_TESTS_LIB_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <selfpipe/selfpipe.h>

 /* Under valgrind everything is much slower: loops run smaller counts. */
static inline int under_valgrind (void)
{
  char const *phase = getenv("SP_PHASE") ;
  return phase && !strcmp(phase, "valgrind") ;
}

static inline long long now_ms (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_MONOTONIC, &ts) ;
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 ;
}

static inline void sleep_ms (long ms)
{
  struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 } ;
  while (nanosleep(&ts, &ts) < 0) ;
}

 /* A deadline of ms on a quiet machine, stretched as in tests/pytap.py:
    by SP_TIMEOUT_SCALE (a float, default 1), and more under the
    sanitizers and valgrind. */
static inline long long scaled_ms (long long ms)
{
  char const *s = getenv("SP_TIMEOUT_SCALE") ;
  char const *phase = getenv("SP_PHASE") ;
  char *end = 0 ;
  double f = s && *s ? strtod(s, &end) : 1.0 ;
  if (!(f > 0) || (end && *end))   /* a typo must not pass for the default */
  {
    fprintf(stderr, "SP_TIMEOUT_SCALE=%s is not a positive number\n", s) ;
    exit(111) ;
  }
  if (phase && !strcmp(phase, "valgrind")) f *= 10 ;
  else if (phase && !strcmp(phase, "sanitize")) f *= 3 ;
  return (long long)(ms * f) ;
}

 /* WAIT_UNTIL(cond, ms); polls cond every 5 ms until it is true or ms
    (scaled) have passed. Test cond again afterwards. */
#define WAIT_UNTIL(cond, ms) \
  for (long long wait_end_ = now_ms() + scaled_ms(ms) ; !(cond) && now_ms() < wait_end_ ; ) sleep_ms(5)

static inline sigset_t sigset_of (int const *sigs)
{
  sigset_t set ;
  sigemptyset(&set) ;
  for (; *sigs ; sigs++) sigaddset(&set, *sigs) ;
  return set ;
}

 /* Reads records until one of sig comes (from pid, unless pid is 0),
    10 s at most (scaled): 1 if it came (in *info), 0 if not, -1 on error.
    Other records, e.g. the SIGCHLD of earlier children, are skipped. */
static inline int wait_record (int sig, pid_t pid, sp_info *info)
{
  long long deadline = now_ms() + scaled_ms(10000) ;
  while (now_ms() < deadline)
  {
    int r = sp_wait(info, 1000) ;
    if (r < 0) return -1 ;
    if (r && info->sig == sig && (!pid || info->pid == pid)) return 1 ;
  }
  return 0 ;
}

 /* Reads every record pending now into tab (at most max); returns how many, -1 on error. */
static inline int drain (sp_info *tab, int max)
{
  int n = 0 ;
  sp_info dummy ;
  for (;;)
  {
    int r = sp_read(n < max ? tab + n : &dummy) ;
    if (r < 0) return -1 ;
    if (!r) return n ;
    n++ ;
  }
}

 /* exit status of pid as from waitpid, -1 on error */
static inline int reap (pid_t pid)
{
  int wstat ;
  while (waitpid(pid, &wstat, 0) < 0) if (errno != EINTR) return -1 ;
  return wstat ;
}

 /* Value of a "Name:\thex" line of /proc/<pid>/status (pid 0: self), into *v. */
static inline int proc_status_hex (pid_t pid, char const *field, unsigned long long *v)
{
  char path[64] ;
  char line[256] ;
  size_t flen = strlen(field) ;
  int found = 0 ;
  FILE *f ;
  if (pid) snprintf(path, sizeof(path), "/proc/%d/status", (int)pid) ;
  else snprintf(path, sizeof(path), "/proc/self/status") ;
  f = fopen(path, "r") ;
  if (!f) return -1 ;
  while (fgets(line, sizeof(line), f))
    if (!strncmp(line, field, flen) && line[flen] == ':')
    {
      *v = strtoull(line + flen + 1, 0, 16) ;
      found = 1 ;
      break ;
    }
  fclose(f) ;
  return found ? 0 : -1 ;
}

#endif
