#!/usr/bin/env python3
# ISC license. -a: the runner's own parent death signal (what tini's -p
# is). When the process that started the runner dies, the kernel sends
# the runner the -a signal, which goes the usual way (forwarded,
# remapped, a stop). -a KILL: the runner dies with its parent. Without
# -a, or with -p (the child's signal when the runner dies), a dying
# parent changes nothing.

import os, re, signal, subprocess, sys, tempfile
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *
from joblib import Job

tap = Tap()
check_setup(tap)

# the sender as the log names it: a pid, maybe its command name
SENDER = r"from pid %d(?: \([^)]*\))? uid \d+ by kill"


class Orphan(Job):
    """selfpipe-run ropts -- sprun-child cargs, started by a parent that
    dies on die()."""

    def __init__(self, ropts, cargs):
        Job.__init__(self, runner_cmd(list(ropts) + ["--"]), cargs, how="parent")
        self.ready()

    def sigrecs(self):
        return self.records()

    def send(self, sig):
        self.p.stdin.write(b"kill %d\n" % sig)
        self.p.stdin.flush()

    def logged(self, pattern):
        return any(re.match(pattern + "$", l) for l in self.errlines())


# 1. -a TERM: the parent dies, the child gets TERM from the runner
o = Orphan(["-a", "TERM"], ["-x", "TERM:0"])
parent = o.p.pid
o.die()
rc = o.wait()
recs = o.sigrecs()
tap.ok(len(recs) == 1 and recs[0][2] == "SIGTERM" and int(recs[0][7]) == o.pid,
       "-a TERM, the parent dies: the child gets SIGTERM, from the runner", recs)
tap.ok(rc == 0, "  the child exits 0 on it, and so does the runner (%s)" % rc, o.errlines())
tap.ok(o.logged(r"selfpipe-run: info: parent pid %d died: SIGTERM is its death signal \(-a\)" % parent),
       "  log: parent pid P died: SIGTERM is its death signal (-a)", o.errlines())
tap.ok(o.logged(r"selfpipe-run: info: SIGTERM %s -> SIGTERM to pid %d" % (SENDER % parent, o.child)),
       "  log: SIGTERM from pid P uid U -> SIGTERM to pid CHILD (the kernel sends it in the parent's name)", o.errlines())
o.cleanup()

# 2. the usual rules: -m remaps it, and the runner lives on
o = Orphan(["-a", "HUP", "-m", "HUP:USR1"], ["-x", "TERM:0"])
o.die()
got = wait_until(lambda: o.sigrecs(), 10)
tap.ok(got and [r[2] for r in got] == ["SIGUSR1"], "-a HUP -m HUP:USR1: the child gets SIGUSR1", got)
tap.ok(o.wait(0.5) is None, "  and the runner lives on", o.errlines())
os.kill(o.pid, signal.SIGTERM)
tap.ok(o.wait() == 0, "  until a TERM (%s)" % o.rc)
o.cleanup()

# 3. a stop signal starts the stop: -k kills a child that ignores it
o = Orphan(["-a", "TERM", "-k", "300"], ["-i", "TERM"])
o.die()
rc = o.wait()
tap.ok(rc == 128 + signal.SIGKILL and o.logged(r"selfpipe-run: warning: child %d alive 300 ms after SIGTERM -> SIGKILL" % o.child),
       "-a TERM -k 300, a child ignoring TERM: the stop schedule kills it (exit %s)" % rc, o.errlines())
o.cleanup()

# 4. -a KILL: the runner dies with its parent, as tini -p SIGKILL; its
#    child lives on unless -p gives it a signal too
o = Orphan(["-a", "KILL"], [])
o.die()
rc = o.wait()
settle(0.3)
tap.ok(rc == -signal.SIGKILL and alive(o.child) and not o.sigrecs(),
       "-a KILL: the runner dies by SIGKILL with its parent, the child lives on, signalled by nobody (%s)" % rc, o.sigrecs())
o.cleanup()
o = Orphan(["-a", "KILL", "-p", "TERM"], ["-x", "TERM:0"])
o.die()
rc = o.wait()
got = wait_until(lambda: o.sigrecs(), 10)
tap.ok(rc == -signal.SIGKILL and got and got[0][2] == "SIGTERM",
       "-a KILL -p TERM: the runner dies, and its child gets SIGTERM from the kernel", got)
o.cleanup()

# 5. the parent alive, sending the -a signal itself: an ordinary delivery
o = Orphan(["-a", "TERM"], ["-x", "TERM:0"])
parent = o.p.pid
o.send(signal.SIGTERM)
# still the parent's child: it reaps the runner
wait_until(lambda: not alive(o.pid), 10)
tap.ok(o.logged(r"selfpipe-run: info: child %d exited 0" % o.child) and [r[2] for r in o.sigrecs()] == ["SIGTERM"]
       and not any("died" in l for l in o.errlines()),
       "-a TERM, a TERM from the living parent: forwarded, and no 'parent died' line", o.errlines())
o.die()
o.cleanup()

# 6. without -a, and with -p (the other direction): nothing happens
for opts, what in (([], "no -a"), (["-p", "TERM"], "-p TERM (the child's signal when the runner dies)")):
    o = Orphan(opts, ["-x", "TERM:0"])
    o.die()
    settle(0.5)
    tap.ok(not o.sigrecs() and o.wait(0.1) is None and not any("died" in l for l in o.errlines()),
           "%s: the parent's death reaches nobody; the runner lives on" % what, o.errlines())
    o.cleanup()

# 7. the race: the parent dies after the runner read it, before the prctl
#    took hold. A preloaded prctl() kills the parent first and waits until
#    the runner is reparented; the runner must see it, and send itself the
#    -a signal.
SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
int prctl (int option, ...)
{
  va_list ap ;
  unsigned long a[4] ;
  int (*real)(int, ...) = (int (*)(int, ...))dlsym(RTLD_NEXT, "prctl") ;
  va_start(ap, option) ;
  for (int i = 0 ; i < 4 ; i++) a[i] = va_arg(ap, unsigned long) ;
  va_end(ap) ;
  if (option == PR_SET_PDEATHSIG)
  {
    struct timespec ts = { 0, 1000000 } ;
    pid_t parent = getppid() ;
    kill(parent, SIGKILL) ;
    for (int i = 0 ; i < 10000 && getppid() == parent ; i++) nanosleep(&ts, 0) ;
  }
  return real(option, a[0], a[1], a[2], a[3]) ;
}
"""
d = tempfile.mkdtemp(prefix="sprun-shim-")
src, so = os.path.join(d, "shim.c"), os.path.join(d, "shim.so")
with open(src, "w") as f:
    f.write(SHIM)
built = subprocess.call([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-o", so, src, "-ldl"]) == 0
# the shim rides on LD_PRELOAD, which a static runner (make check-musl) never loads
static = subprocess.run(["readelf", "-l", RUNNER], capture_output=True, text=True).stdout.find("INTERP") < 0
if static:
    tap.skip("-a TERM, the parent gone between the runner's getppid and its prctl",
             "%s is static: an LD_PRELOAD shim cannot reach its prctl" % RUNNER)
elif not built:
    tap.ok(False, "the prctl shim for the race compiles (cc -shared)")
else:
    os.environ["LD_PRELOAD"] = so
    # the sanitizer runtime must come first; here it comes second, on purpose
    os.environ["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
    o = Job(runner_cmd(["-a", "TERM", "--"]), ["-x", "TERM:0"], how="parent")
    del os.environ["LD_PRELOAD"]
    parent = o.p.pid
    rc = o.wait()
    # it comes as the child starts: before its handlers (killed, 143) or after (exit 0)
    tap.ok(rc in (0, 128 + signal.SIGTERM)
           and any(re.match(r"selfpipe-run: info: parent pid %d died: SIGTERM is its death signal \(-a\)$" % parent, l) for l in o.errlines())
           and any(re.match(r"selfpipe-run: info: SIGTERM %s -> SIGTERM to pid \d+$" % (SENDER % o.pid), l) for l in o.errlines()),
           "-a TERM, the parent gone between the runner's getppid and its prctl: the runner sends itself SIGTERM, "
           "and forwards it to the child it then spawns (exit %s)" % rc, o.errlines())
    o.cleanup()
subprocess.call(["rm", "-rf", d])

tap.done()
