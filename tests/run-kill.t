#!/usr/bin/env python3
# ISC license. selfpipe-run -k (kill timeout), -t (stop signals), the
# SIGCONT after a stop signal, -g group kill.

import os, signal, sys, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)
me = os.getpid()

# 1. a child that ignores TERM: SIGKILL after -k ms, a warning line
r = Run(["-k", "400"], ["-i", "TERM"])
r.ready()
t0 = time.monotonic()
r.kill(signal.SIGTERM)
rc = r.wait()
dt = time.monotonic() - t0
tap.ok(rc == 137, "-k 400, child ignores TERM: killed, exit 137 (got %s)" % rc)
tap.ok(0.35 <= dt < scaled(5), "  after about 400 ms (%.3f s)" % dt)
got = r.norm(me)
# the child ignores TERM (-i): the forward line says so, from /proc
want = ["selfpipe-run: info: SIGTERM %s -> SIGTERM to pid CHILD (ignored by it)" % from_me(),
        "selfpipe-run: warning: child CHILD alive 400 ms after SIGTERM -> SIGKILL",
        "selfpipe-run: info: child CHILD killed by SIGKILL"]
tap.ok(got == want, "  the exact lines, warning included", "\n".join(got))
r.cleanup()

# 2. a stop signal is followed by SIGCONT
r = Run([], [])
r.ready()
r.kill(signal.SIGTERM)
r.wait_sigs(2)
recs = r.sigrecs()
tap.ok([x[2] for x in recs[:2]] == ["SIGTERM", "SIGCONT"] and all(int(x[7]) == r.pid for x in recs[:2]),
       "TERM is forwarded, then SIGCONT, both from the runner", recs)
r.kill(signal.SIGKILL)
r.wait()
r.cleanup()

# 3. without -k, nothing kills a child that ignores TERM
r = Run([], ["-i", "TERM"])
r.ready()
r.kill(signal.SIGTERM)
settle(1.0)
tap.ok(r.p.poll() is None and alive(r.child), "no -k: a child that ignores TERM is still alive 1 s later")
r.cleanup()

# 4. -t HUP: HUP starts the deadline, TERM does not
r = Run(["-k", "300", "-t", "HUP"], ["-i", "TERM", "-i", "HUP"])
r.ready()
r.kill(signal.SIGTERM)
settle(1.0)   # past the 300 ms -k, had TERM started it
tap.ok(r.p.poll() is None, "-t HUP: TERM is no stop signal, no deadline")
r.kill(signal.SIGHUP)
rc = r.wait()
tap.ok(rc == 137, "-t HUP: HUP starts the deadline, the child is killed (exit %s)" % rc)
tap.ok(any("alive 300 ms after SIGHUP -> SIGKILL" in l for l in r.errlines()), "  the warning names SIGHUP", r.errlines())
r.cleanup()

# 5. -t is matched before -m: TERM remapped to USR1 still starts the deadline
r = Run(["-k", "300", "-m", "TERM:USR1"], [])
r.ready()
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(rc == 137, "-m TERM:USR1 -k 300: the caught TERM starts the deadline (exit %s)" % rc)
tap.ok(r.sigs()[:1] == ["SIGUSR1"], "  the child got USR1", r.sigs())
r.cleanup()
r = Run(["-k", "300", "-m", "HUP:TERM"], ["-i", "TERM"])
r.ready()
r.kill(signal.SIGHUP)
settle(1.0)   # past the 300 ms -k, had HUP started it
tap.ok(r.p.poll() is None, "-m HUP:TERM -k 300: a caught HUP starts no deadline")
r.cleanup()

# 6. a repeated stop signal does not extend the deadline
r = Run(["-k", "2000"], ["-i", "TERM"])
r.ready()
t0 = time.monotonic()
r.kill(signal.SIGTERM)
time.sleep(1.5)   # the scenario: the second TERM at 1.5 s
r.kill(signal.SIGTERM)
rc = r.wait()
dt = time.monotonic() - t0
# the phases' factor only, not SP_TIMEOUT_SCALE: past 3.5 s the bound
# would no longer tell the 2 s deadline from an extended one
tap.ok(rc == 137 and dt < 3.2 * max(1, SLOW / SCALE / 3), "-k 2000, TERM again at 1.5 s: killed at 2 s, not 3.5 s (%.2f s, exit %s)" % (dt, rc))
r.cleanup()

# 7. the child exits in time: no KILL, no warning
r = Run(["-k", "3000"], ["-x", "TERM:0"])
r.ready()
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(rc == 0 and not any("warning" in l for l in r.errlines()), "-k 3000, child exits on TERM: exit 0, no warning", r.errlines())
r.cleanup()

# 8. -g -k: the KILL goes to the whole group
r = Run(["-g", "-k", "300"], ["-g", "-i", "TERM"])
r.ready()
g = r.ready("gchild")
gpid = int(g[3]) if g else 0
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(rc == 137, "-g -k 300: exit 137 (got %s)" % rc)
tap.ok(gpid and wait_until(lambda: not alive(gpid), 3), "  the grandchild was killed too")
if gpid and alive(gpid):
    os.kill(gpid, signal.SIGKILL)
r.cleanup()

tap.done()
