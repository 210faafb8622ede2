#!/usr/bin/env python3
# ISC license. selfpipe-run -N: reload confirmation (a forwarded reload
# signal, then RELOADING=1 ... READY=1: "reload done in N ms"; ERRNO=,
# death, STOPPING=1, no READY=1 in time: "reload failed: reason"), and
# the watchdog (-W).

import os, re, signal, sys, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *
from notify_lib import NotifyRun, ms_since

tap = Tap()
check_setup(tap)


def ready_run(ropts, onhup=()):
    r = NotifyRun(["-N"] + ropts, onhup=onhup)
    r.started()
    r.cmd("send READY=1")
    r.wait_log("service ready")
    return r


# 1. done: HUP, RELOADING=1, READY=1 200 ms later
r = ready_run([], ("ok", "200"))
t0 = time.monotonic()
r.kill(signal.SIGHUP)
line = r.wait_log("reload done")
wall = ms_since(t0)
m = re.match(r"^selfpipe-run: info: reload done in (\d+) ms$", line or "")
tap.ok(m is not None and 200 <= int(m.group(1)) <= wall + 1, "HUP, RELOADING=1, READY=1 200 ms later: \"%s\" (%.0f ms seen here)" % (line, wall))
lines = r.errlines()
i = [k for k, l in enumerate(lines) if "SIGHUP to pid" in l]
tap.ok(i and lines[i[0] + 1] == "selfpipe-run: info: notify: reloading: RELOADING=1 from pid %d" % r.child, "  RELOADING=1 is logged", "\n".join(lines))
# a READY=1 outside a reload (php-fpm's heartbeat) is no confirmation
r.cmd("send READY=1")
r.wait_rec("done", "send", n=2)
settle(0.2)
tap.ok(len([l for l in r.errlines() if "reload done" in l]) == 1, "  a READY=1 later, with no reload: no second \"reload done\"")
# and a HUP answered by a bare READY=1 (no RELOADING=1) is not one either
r.cmd("send RELOADING=1")
r.cmd("send READY=1")
line = [l for l in r.errlines()]
tap.ok(r.wait_log("reload done", 0) and wait_until(lambda: len([l for l in r.errlines() if "reload done" in l]) == 2, 5),
       "RELOADING=1 ... READY=1 the service started itself: a reload done too")
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

# 2. failed: ERRNO=, death, silence, STOPPING=1
r = ready_run([], ("errno",))
r.kill(signal.SIGHUP)
line = r.wait_log("reload failed")
# the text is the runner's libc's (glibc and musl word EIO differently)
tap.ok(re.match(r"^selfpipe-run: warning: reload failed: ERRNO=5 \(.+\)$", line or ""), "HUP, RELOADING=1, ERRNO=5: \"%s\"" % line)
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

r = ready_run([], ("die",))
r.kill(signal.SIGHUP)
rc = r.wait()
tap.ok(rc == 3 and "selfpipe-run: warning: reload failed: the service died" in r.errlines(),
       "HUP, RELOADING=1, the service dies: \"reload failed: the service died\" (exit %s)" % rc, r.errlines())
r.cleanup()

r = ready_run(["-R", "300"], ("silent",))
t0 = time.monotonic()
r.kill(signal.SIGHUP)
line = r.wait_log("reload failed")
m = re.match(r"^selfpipe-run: warning: reload failed: no READY=1 within (\d+) ms$", line or "")
tap.ok(m is not None and 300 <= int(m.group(1)) < 300 + scaled(200), "-R 300, RELOADING=1 and nothing more: \"%s\"" % line)
# the clock starts before the command: the daemon may send it before
# this process reads the time again
t0 = time.monotonic()
r.cmd("send RELOADING=1\\nEXTEND_TIMEOUT_USEC=600000")
wait_until(lambda: len([l for l in r.errlines() if "reload failed" in l]) == 2, 5)
tap.ok(ms_since(t0) >= 600, "  EXTEND_TIMEOUT_USEC=600000 pushes the deadline to 600 ms (failed after %.0f ms)" % ms_since(t0))
r.cmd("send RELOADING=1")
r.cmd("send STOPPING=1")
tap.ok(r.wait_log("reload failed: STOPPING=1") is not None, "  RELOADING=1 then STOPPING=1: \"reload failed: STOPPING=1\"")
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

# a HUP the service does not answer at all
r = ready_run(["-R", "300"])
r.kill(signal.SIGHUP)
line = r.wait_log("reload failed")
tap.ok(line is not None and re.match(r"^selfpipe-run: warning: reload failed: no RELOADING=1 and READY=1 within \d+ ms$", line),
       "-R 300, a HUP and no answer: \"%s\"" % line)
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

# 3. -c USR2:hook: the gated signal is a reload signal too
r = ready_run(["-c", "USR2:/bin/true", "-m", "USR2:HUP"], ("ok", "50"))
r.kill(signal.SIGUSR2)
line = r.wait_log("reload done")
tap.ok(line is not None, "-c USR2:/bin/true -m USR2:HUP: the hook passes it, the service reloads: \"%s\"" % line)
r.kill(signal.SIGUSR1)
r.wait_rec("sig", "SIGUSR1")
settle(0.2)
tap.ok(not [l for l in r.errlines() if "reload failed" in l], "  a USR1 is no reload signal: nothing is waited for")
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

# 4. -W: the watchdog
# 300 ms, stretched on a busy machine: pings 100 ms apart must not
# miss it because this test did not get the processor
W = int(scaled(0.3) * 1000)
r = NotifyRun(["-N", "-W", str(W)])
r.started()
with open("/proc/%d/environ" % r.child, "rb") as f:
    env = f.read().split(b"\0")
tap.ok(b"WATCHDOG_USEC=%d000" % W in env, "-W %d: WATCHDOG_USEC=%d000 in the service's environment" % (W, W))
r.cmd("send READY=1")
t0 = time.monotonic()
for k in range(6):
    r.cmd("send WATCHDOG=1")
    r.wait_rec("done", "send", n=2 + k)
    time.sleep(0.1)   # the pace of the pings under test, not a wait for an event
alive_after = r.p.poll() is None
tap.ok(alive_after and not [l for l in r.errlines() if "watchdog" in l], "  pinged every 100 ms for %.0f ms: no timeout" % ms_since(t0))
t0 = time.monotonic()
rc = r.wait()
gap = ms_since(t0)
line = [l for l in r.errlines() if "watchdog" in l]
tap.ok(line == ["selfpipe-run: warning: watchdog timeout: no WATCHDOG=1 from pid %d within %d ms: stopping it" % (r.child, W)],
       "  no more pings: \"watchdog timeout\" (%.0f ms after the last one)" % gap, r.errlines())
tap.ok(rc == 0 and r.count("sig", "SIGTERM") == 1, "  and the service is stopped with TERM (exit %s)" % rc)
r.cleanup()

r = NotifyRun(["-N", "-W", "5000", "-S", "USR1/200,KILL"])
r.started()
t0 = time.monotonic()
r.cmd("send WATCHDOG=trigger")
rc = r.wait()
stages = [l for l in r.errlines() if "-> stop: SIGUSR1 to pid %d" % r.child in l or l.endswith("alive 200 ms after SIGTERM -> SIGKILL")]
tap.ok(rc == 128 + signal.SIGKILL and len(stages) == 2,
       "WATCHDOG=trigger with -S USR1/200,KILL: at once, the stop schedule's stages (exit %s, %.0f ms)" % (rc, ms_since(t0)), r.errlines())
r.cleanup()
tap.done()
