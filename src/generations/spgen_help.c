/* ISC license. */

#include <unistd.h>

#include <skalibs/allreadwrite.h>

#include "spgen.h"

#ifndef SELFPIPE_VERSION
# define SELFPIPE_VERSION "unknown"
#endif

static char const version[] = SPGEN_NAME " " SELFPIPE_VERSION "\n" ;

static char const help[] =
  "usage: " SPGEN_USAGE "\n"
  "\n"
  "Runs prog as generation 1 on the fds it inherited, as selfpipe-run runs its\n"
  "child (the same options, signals, logging and exit status). On the -U\n"
  "signal it starts generation N+1 on the same fds, waits until it is ready\n"
  "(-N: READY=1 on its own NOTIFY_SOCKET; -C: its check exits 0; else alive\n"
  "for -A ms, 1000), makes it the current one and retires generation N with\n"
  "the stop schedule (-k, -S; -k 10000 without them). A generation that dies\n"
  "or is not ready in time (-U sig,ms; 30000) is stopped and N keeps serving;\n"
  "-x retries (2), 1 s apart, then 2 s, 4 s...\n"
  "  an s6 run script:  #!/bin/execlineb -P\n"
  "                     selfpipe-bind -t 127.0.0.1:8080\n"
  "                     selfpipe-gen -N -n 3 -U HUP -S QUIT/10000,TERM/5000,KILL\n"
  "                     selfpipe-listenfds gunicorn app:app\n"
  "-V prints the version. The manual: selfpipe-gen(1), doc/selfpipe-gen.html.\n" ;

void spgen_help (int what)
{
  char const *s = what == 'V' ? version : help ;
  size_t len = what == 'V' ? sizeof(version) - 1 : sizeof(help) - 1 ;
  if (allwrite(1, s, len) < len) _exit(111) ;
  _exit(0) ;
}
