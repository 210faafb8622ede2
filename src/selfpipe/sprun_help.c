/* ISC license. */

#include <string.h>
#include <unistd.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/strerr.h>

#include "sprun.h"

 /* -h and -V: on stdout, exit 0. The version comes from package/info
    through the build, and stays in the binary as a string. */

#ifndef SELFPIPE_VERSION
#define SELFPIPE_VERSION "unknown"
#endif

char const sprun_version[] = SPRUN_NAME " " SELFPIPE_VERSION ;

static char const help[] =
  "usage: " SPRUN_USAGE "\n"
  "\n"
  "Runs prog as its child, logs every signal it receives, remaps (-m),\n"
  "gates (-c) and forwards them, stops it (-t, -k, -S), reaps, and exits\n"
  "as the child did. The commonest uses:\n"
  "\n"
  "  an s6 run script:       exec 2>&1\n"
  "                          exec selfpipe-run -r -k 10000 -- daemon --foreground\n"
  "  a runit run script:     exec 2>&1\n"
  "                          exec selfpipe-run -k 5000 -m TERM:QUIT -- nginx -g 'daemon off;'\n"
  "  a container entrypoint: ENTRYPOINT [\"/selfpipe-run\", \"-g\", \"-k\", \"8000\", \"--\"]\n"
  "\n"
  "-V prints the version. The manual: selfpipe-run(1), doc/selfpipe-run.html.\n" ;

void sprun_help (int what)
{
  char const *s = what == 'V' ? sprun_version : help ;
  /* straight to the fd: buffer_1 would bring 8 kB of .bss for one line */
  size_t len = strlen(s) ;
  if (allwrite(1, s, len) < len || (what == 'V' && allwrite(1, "\n", 1) < 1))
    strerr_diefu1sys(111, "write to stdout") ;
  _exit(0) ;
}
