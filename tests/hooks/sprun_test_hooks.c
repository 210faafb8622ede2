/* ISC license. The hooks of selfpipe-run's test build (SPRUN_TEST_HOOKS,
   tests/selfpipe-run-hooked): linked into that build only, never into
   the program that is installed. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>

#include "sprun.h"

 /* SPRUN_TEST_REAP_FD=n: before each reap, "reap PID\n" on fd n (a
    socket), then wait there for one byte: the test decides when the
    reap goes on. */

void sprun_test_reap_pause (pid_t pid)
{
  char const *x = getenv("SPRUN_TEST_REAP_FD") ;
  char buf[5 + PID_FMT + 1] ;
  size_t len = 5 ;
  unsigned int fd ;
  char c ;
  if (!x || !uint0_scan(x, &fd)) return ;
  memcpy(buf, "reap ", 5) ;
  len += pid_fmt(buf + len, pid) ;
  buf[len++] = '\n' ;
  if (write((int)fd, buf, len) < 0) return ;
  while (read((int)fd, &c, 1) < 0 && errno == EINTR) ;
}
