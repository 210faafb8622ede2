#!/usr/bin/env python3
# ISC license. selfpipe-run -g (own process group), -s (subreaper),
# -p (parent-death signal).

import os, signal, sys, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)

# 1. without -g: same process group as the runner; a forward reaches the child only
r = Run([], ["-g", "-x", "TERM:0"])
c = r.ready()
g = r.ready("gchild")
tap.ok(c and int(c[7]) == os.getpgid(r.pid), "no -g: the child is in the runner's process group")
r.kill(signal.SIGUSR1)
r.wait_sigs(1)
settle(0.3)   # the grandchild's copy, if any, would have come by now
tap.ok(r.sigs() == ["SIGUSR1"] and r.sigs("gchild") == [], "no -g: USR1 reaches the child, not the grandchild",
       (r.sigs(), r.sigs("gchild")))
r.kill(signal.SIGTERM)
r.wait()
if g and alive(int(g[3])):
    os.kill(int(g[3]), signal.SIGKILL)
r.cleanup()

# 2. -g: own group, same session; forwards go to the whole group
r = Run(["-g"], ["-g", "-x", "TERM:0"])
c = r.ready()
g = r.ready("gchild")
ok1 = c and int(c[7]) == int(c[3]) and int(c[7]) != os.getpgid(r.pid)
tap.ok(ok1, "-g: the child leads its own process group", c)
tap.ok(c and int(c[9]) == os.getsid(r.pid), "-g: in the runner's session (setpgid, not setsid)", c)
tap.ok(g and int(g[7]) == int(c[3]), "-g: the grandchild is in the child's group", g)
r.kill(signal.SIGUSR1)
r.wait_sigs(1)
r.wait_sigs(1, tag="gchild")
tap.ok(r.sigs() == ["SIGUSR1"] and r.sigs("gchild") == ["SIGUSR1"], "-g: USR1 reaches the child and the grandchild",
       (r.sigs(), r.sigs("gchild")))
gr = r.sigrecs("gchild")
tap.ok(gr and int(gr[0][7]) == r.pid, "-g: the grandchild's USR1 comes from the runner", gr)
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(rc == 0, "-g: TERM to the group, exit 0 (got %s)" % rc)
tap.ok(g and wait_until(lambda: not alive(int(g[3])), 3), "-g: the grandchild got TERM too and exited", r.sigs("gchild"))
r.cleanup()

# 3. -s: an orphan is reparented to the runner and reaped
r = Run(["-s", "-v", "2"], ["-O", "300", "-x", "TERM:0"])
r.ready()
o = wait_until(lambda: [x for x in r.records() if x[0] == "orphan"], 5)
tap.ok(o and int(o[0][5]) == r.pid, "-s: the orphan's parent is the runner", o)
opid = int(o[0][3]) if o else 0
reaped = opid and wait_until(lambda: proc_state(opid) is None, 3)
tap.ok(reaped, "-s: the orphan was reaped (no zombie; state %s)" % (proc_state(opid) if opid else "?"))
tap.ok(r.p.poll() is None and alive(r.child), "-s: reaping the orphan did not end the run")
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(rc == 0, "-s: the main child's exit is the runner's (got %s)" % rc)
tap.ok(any(str(opid) in l for l in r.errlines()), "-s -v 2: a log line names the reaped orphan", r.errlines())
r.cleanup()

# 4. -s: when the main child exits, the runner exits at once, orphans or not
r = Run(["-s"], ["-O", "3000", "-e", "6"])
t0 = time.monotonic()
rc = r.wait()
dt = time.monotonic() - t0
tap.ok(rc == 6 and dt < scaled(2.5), "-s: main child exits 6 while an orphan lives: the runner exits 6 at once (%.2f s)" % dt)
r.cleanup()

# 5. -p: the child gets the signal when the runner is SIGKILLed
r = Run(["-p", "USR2"], ["-x", "USR2:0"])
r.ready()
r.kill(signal.SIGKILL)
r.wait()
got = wait_until(lambda: r.sigs() == ["SIGUSR2"], 3)
tap.ok(got, "-p USR2: the runner is SIGKILLed, the child gets USR2", r.sigs())
tap.ok(wait_until(lambda: not alive(r.child), 3), "  and exits on it")
r.cleanup()
r = Run([], ["-x", "USR2:0"])
r.ready()
r.kill(signal.SIGKILL)
r.wait()
settle(0.5)   # a parent-death signal would have come by now
tap.ok(r.sigs() == [] and alive(r.child), "no -p: the child outlives the SIGKILLed runner, no signal", r.sigs())
r.cleanup()

tap.done()
