#!/usr/bin/env python3
# ISC license. selfpipe-run -D ms: the first stop signal is held ms,
# logged, then goes its usual way; a second stop signal ends the delay;
# the -k deadline starts after the delay, not during it.

import os, signal, sys, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)
me, uid = os.getpid(), os.getuid()
EV = "SIGTERM %s" % from_me()

# 1. the delay runs out: TERM reaches the child only then
r = Run(["-D", "400"], ["-x", "TERM:0"])
r.ready()
t0 = time.monotonic()
r.kill(signal.SIGTERM)
held = wait_until(lambda: "selfpipe-run: info: %s -> stop delayed: forwarded in 400 ms (-D)" % EV in r.norm(me), 5)
tap.ok(held and r.sigs() == [], "-D 400: TERM is held and logged, the child has nothing yet", r.norm(me))
rc = r.wait()
took = time.monotonic() - t0
tap.ok(rc == 0 and r.sigs() == ["SIGTERM"], "after the delay TERM is forwarded, the child exits 0 (rc %s)" % rc, r.sigs())
tap.ok(took >= 0.4, "not before 400 ms (%.3f s)" % took)
want = ["selfpipe-run: info: %s -> stop delayed: forwarded in 400 ms (-D)" % EV,
        "selfpipe-run: info: stop delay of 400 ms over",
        "selfpipe-run: info: %s -> SIGTERM to pid CHILD" % EV,
        "selfpipe-run: info: child CHILD exited 0"]
tap.ok(r.norm(me) == want, "  the log, exact text", "\n".join(r.norm(me)))
r.cleanup()

# 2. a second TERM ends a long delay at once
r = Run(["-D", "60000"], ["-x", "TERM:0"])
r.ready()
r.kill(signal.SIGTERM)
wait_until(lambda: any("stop delayed" in l for l in r.errlines()), 5)
t0 = time.monotonic()
r.kill(signal.SIGTERM)
rc = r.wait()
took = time.monotonic() - t0
tap.ok(rc == 0 and took < scaled(5), "-D 60000, a second TERM: forwarded at once, exit 0 (%.2f s)" % took, r.norm(me))
want = ["selfpipe-run: info: %s -> stop delayed: forwarded in 60000 ms (-D)" % EV,
        "selfpipe-run: info: %s -> ends the stop delay early" % EV,
        "selfpipe-run: info: %s -> SIGTERM to pid CHILD" % EV,
        "selfpipe-run: info: child CHILD exited 0"]
tap.ok(r.norm(me) == want, "  the log, exact text", "\n".join(r.norm(me)))
r.cleanup()

# 3. -k starts after the delay: a child ignoring TERM is killed at D + k
r = Run(["-T", "-D", "300", "-k", "300"], ["-i", "TERM"])
r.ready()
t0 = time.monotonic()
r.kill(signal.SIGTERM)
rc = r.wait()
took = time.monotonic() - t0
tap.ok(rc == 128 + signal.SIGKILL and took >= 0.6, "-D 300 -k 300, TERM ignored: SIGKILL at 600 ms, not 300 (%.3f s, rc %s)" % (took, rc))
tap.ok(any(l.endswith("child CHILD alive 300 ms after SIGTERM -> SIGKILL") for l in r.norm(me)),
       "  the warning counts from the forward", "\n".join(r.norm(me)))
r.cleanup()

# 4. only the first stop signal is held: after the delay, TERM goes at once
r = Run(["-D", "200"], ["-i", "TERM"])
r.ready()
# the child ignores TERM (-i): the forward line says so
FWD = "selfpipe-run: info: %s -> SIGTERM to pid CHILD (ignored by it)" % EV
r.kill(signal.SIGTERM)
wait_until(lambda: r.norm(me).count(FWD) == 1, 5)
r.kill(signal.SIGTERM)
wait_until(lambda: r.norm(me).count(FWD) == 2, 5)
tap.ok(r.norm(me).count(FWD) == 2 and len([l for l in r.norm(me) if "stop delayed" in l]) == 1,
       "a later TERM is not held again: forwarded at once", r.norm(me))
r.kill(signal.SIGKILL)
r.wait()
r.cleanup()

# 5. other signals are not held during the delay
r = Run(["-D", "60000"], ["-x", "TERM:0"])
r.ready()
r.kill(signal.SIGTERM)
wait_until(lambda: any("stop delayed" in l for l in r.errlines()), 5)
r.kill(signal.SIGHUP)
tap.ok(wait_until(lambda: r.sigs() == ["SIGHUP"], 5), "HUP during the delay is forwarded at once", r.norm(me))
r.kill(signal.SIGKILL)
r.wait()
r.cleanup()

tap.done()
