#!/usr/bin/env python3
# ISC license. selfpipe-run -m (remap, 0 drops, KILL and STOP targets),
# the exact log lines, -T stamps, -v 0/1/2, the fold line of a burst.

import os, re, signal, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)
me, uid = os.getpid(), os.getuid()
FROM = from_me()

# 1. remap, drop, plain forward; the exact lines
r = Run(["-m", "USR1:USR2", "-m", "sighup:0", "-m", "RTMIN+1:RTMAX-2"], ["-x", "TERM:0"])
r.ready()
# one at a time, each at the child (or, dropped, logged) before the next:
# the order is the test's, not the kernel's
for s, forwards in ((signal.SIGUSR1, 1), (signal.SIGHUP, 0), (RTMIN + 1, 2), (signal.SIGINT, 3)):
    r.kill(s)
    if forwards:
        r.wait_sigs(forwards)
    else:
        wait_until(lambda: any("-> ignored" in l for l in r.errlines()), 5)
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(r.sigs() == ["SIGUSR2", "SIGRTMAX-2", "SIGINT", "SIGTERM"], "-m: USR1 arrives as USR2, HUP dropped, RTMIN+1 as RTMAX-2", r.sigs())
want = ["selfpipe-run: info: SIGUSR1 %s -> SIGUSR2 to pid CHILD" % FROM,
        "selfpipe-run: info: SIGHUP %s -> ignored" % FROM,
        "selfpipe-run: info: SIGRTMIN+1 %s -> SIGRTMAX-2 to pid CHILD" % FROM,
        "selfpipe-run: info: SIGINT %s -> SIGINT to pid CHILD" % FROM,
        "selfpipe-run: info: SIGTERM %s -> SIGTERM to pid CHILD" % FROM,
        "selfpipe-run: info: child CHILD exited 0"]
got = r.norm(me)
tap.ok(got == want, "the exact log lines at -v 1 (pids normalised)", "\n".join(got))
tap.ok(rc == 0, "exit 0 (got %s)" % rc)
r.cleanup()

# 2. -m to KILL
r = Run(["-m", "HUP:KILL"], [])
r.ready()
r.kill(signal.SIGHUP)
rc = r.wait()
got = r.norm(me)
tap.ok(rc == 137, "-m HUP:KILL: the child is killed, exit 137 (got %s)" % rc)
tap.ok(got == ["selfpipe-run: info: SIGHUP %s -> SIGKILL to pid CHILD" % FROM,
               "selfpipe-run: info: child CHILD killed by SIGKILL"], "  log lines", "\n".join(got))
r.cleanup()

# 3. -m to STOP, then CONT
r = Run(["-m", "USR1:STOP"], ["-x", "TERM:0"])
r.ready()
r.kill(signal.SIGUSR1)
stopped = wait_until(lambda: proc_state(r.child) == "T", 5)
tap.ok(stopped, "-m USR1:STOP: the child is stopped (state %s)" % proc_state(r.child))
tap.ok(proc_state(r.pid) != "T", "  the runner is not")
r.kill(signal.SIGCONT)
# resumed, and its handler has recorded the CONT: the state letter
# changes before the child has run its handler
resumed = wait_until(lambda: proc_state(r.child) not in ("T", None) and "SIGCONT" in r.sigs(), 5)
tap.ok(resumed, "  CONT to the runner resumes it and reaches it",
       "child state %s, runner state %s, child saw %s" % (proc_state(r.child), proc_state(r.pid), r.sigs()))
r.kill(signal.SIGTERM)
tap.ok(r.wait() == 0, "  TERM then ends it")
r.cleanup()

# 4. -T: every line starts with @ + 24 hex digits + space, then the usual line
r = Run(["-T"], ["-x", "TERM:0"])
r.ready()
r.kill(signal.SIGUSR1)
r.wait_sigs(1)
r.kill(signal.SIGTERM)
r.wait()
lines = r.errlines()
okstamp = len(lines) == 3 and all(re.match(r"^@[0-9a-f]{24} selfpipe-run: info: ", l) for l in lines)
tap.ok(okstamp, "-T: each line is @ + 24 hex + space + the line", "\n".join(lines))
if okstamp:
    now = time.time()
    tai = int(lines[0][1:17], 16) - 2**62 - 10   # TAI64 label, TAI-10 = UTC(ish) epoch seconds
    tap.ok(abs(tai - now) < 60 + 40, "  the TAI64N stamp is the current time (off by %d s)" % (tai - now))
    tap.ok([l[26:] for l in lines][-1] == "selfpipe-run: info: child %d exited 0" % r.child, "  after the stamp, the normal line")
else:
    tap.ok(False, "  the TAI64N stamp is the current time")
    tap.ok(False, "  after the stamp, the normal line")
r.cleanup()

# 5. -v 0: nothing; -v 1: one line per signal and the end; -v 2: those
#    and more (the child stopped and continued)
def session(v):
    r = Run(["-v", str(v), "-m", "USR1:STOP"], ["-x", "TERM:0"])
    r.ready()
    r.kill(signal.SIGUSR1)
    wait_until(lambda: proc_state(r.child) == "T", 5)
    settle(0.1)   # for -v 2's "stopped" line
    r.kill(signal.SIGCONT)
    r.wait_sigs(1)
    settle(0.1)   # for -v 2's "continued" line
    r.kill(signal.SIGTERM)
    rc = r.wait()
    lines = r.norm(me)
    r.cleanup()
    return rc, lines

rc0, l0 = session(0)
rc1, l1 = session(1)
rc2, l2 = session(2)
tap.ok(rc0 == 0 and l0 == [], "-v 0: no line at all", l0)
tap.ok(rc1 == 0 and len(l1) == 4, "-v 1: four lines (USR1, CONT, TERM, the end), no stopped/continued line", "\n".join(l1))
tap.ok(rc2 == 0 and len(l2) > len(l1) and all(l in l2 for l in l1),
       "-v 2: the -v 1 lines and more (the child stopped, continued)", "\n".join(l2))
tap.ok(all(re.match(r"^selfpipe-run: (info|warning|debug): ", l) for l in l2), "-v 2: every line is selfpipe-run: <level>: ...", "\n".join(l2))

# 6. -v 1: a burst of one queued signal from one sender folds into one
# line; held back while the runner is stopped, so it reads them all in
# one go
p = subprocess.Popen(WRAP + [RUNNER, "-m", "RTMIN+1:0", "sleep", "30"], stderr=subprocess.PIPE)
child_running(p.pid, "sleep")
sig = RTMIN + 1
queue_while_stopped(p.pid, sig, 200)
os.kill(p.pid, signal.SIGCONT)
drained(p.pid, sig)
p.send_signal(signal.SIGTERM)
err = stderr_at_end(p)
lines = [l for l in err.splitlines() if "SIGRTMIN+1" in l]
total = 0
for l in lines:
    if l.endswith(" times)"):
        total += int(l.split("(repeated ")[1].split()[0])
    else:
        total += 1
want = "selfpipe-run: info: SIGRTMIN+1 %s -> ignored" % from_me(me)
tap.ok(lines and all(l == want or (l.startswith(want + " (repeated ") and l.endswith(" times)")) for l in lines),
       "-v 1 burst: the line, then the same line with (repeated N times)", "\n".join(lines[:5]))
tap.ok(total == 200, "  the lines account for the 200 deliveries (%d)" % total, "\n".join(lines[:5]))
tap.ok(len(lines) == 2, "  in two lines (%d)" % len(lines))

tap.done()
