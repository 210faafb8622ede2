/* ISC license. */

 /*
    Linked into the coverage build only (make coverage). selfpipe-run and
    skalibs' strerr_die* leave through _exit(), which skips the atexit
    handler that writes the gcov counters: this _exit() writes them
    first. Defined in the executable, it also takes the place of libc's
    for the calls made inside libskarnet.so.
    The process is leaving: its descriptors are closed first, so that
    libgcov gets one even under RLIMIT_NOFILE (tests run at 4 or 5) and
    anything it complains about goes nowhere, not into a test's stderr.
 */

#include <unistd.h>
#include <sys/syscall.h>

extern void __gcov_dump (void) ;

void _exit (int code)
{
  syscall(SYS_close_range, 0U, ~0U, 0U) ;
  __gcov_dump() ;
  for (;;) syscall(SYS_exit_group, code) ;
}
