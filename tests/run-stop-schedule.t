#!/usr/bin/env python3
# ISC license. selfpipe-run -S: a stop signal starts a schedule of
# signal/ms stages that the runner sends itself; -k is its two-stage form.

import math, os, re, signal, sys, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)
me, uid = os.getpid(), os.getuid()


def stamped(lines, sent):
    """(seconds since sent, text) for each -T line. sent is the test's
    time.time() just before it sent the stop signal: the runner's first
    stamp comes after its own clock started the schedule, so only the
    send time is a start that can show a stage early. TAI64N runs ahead
    of UTC by a whole number of seconds, taken from the first stamp,
    which comes less than a second after the send."""
    out = []
    for l in lines:
        m = re.match(r"^@([0-9a-f]{16})([0-9a-f]{8}) (.*)$", l)
        if m:
            # TAI64 counts from 2^62: take it off before it meets a float
            out.append((int(m.group(1), 16) - (1 << 62) + int(m.group(2), 16) / 1e9, m.group(3)))
    if not out:
        return []
    leap = math.floor(out[0][0] - sent + 0.01)
    return [(t - leap - sent, s) for t, s in out]


# 1. a child that ignores QUIT and TERM: each stage at its time, then KILL
r = Run(["-T", "-S", "QUIT/400,TERM/400,KILL"], ["-i", "QUIT", "-i", "TERM"])
r.ready()
sent = time.time()
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(rc == 128 + signal.SIGKILL, "-S QUIT/400,TERM/400,KILL, a child that ignores QUIT and TERM: killed at the last stage (exit %s)" % rc)
lines = stamped(r.norm(me), sent)
texts = [s for t, s in lines]
# the child ignores QUIT (-i): the stop line says so
want = ["selfpipe-run: info: SIGTERM %s -> stop: SIGQUIT to pid CHILD (ignored by it)" % from_me(),
        "selfpipe-run: warning: child CHILD alive 400 ms after SIGTERM -> SIGTERM",
        "selfpipe-run: warning: child CHILD alive 800 ms after SIGTERM -> SIGKILL",
        "selfpipe-run: info: child CHILD killed by SIGKILL"]
tap.ok(texts == want, "  one line per stage, with the elapsed time, exact text", "\n".join(texts))
if len(lines) == 4:
    t1, t2 = lines[1][0], lines[2][0]
    # never early; late only by the machine's scheduling (scaled)
    tap.ok(0.4 <= t1 < 0.4 + scaled(0.2) and 0.8 <= t2 < 0.8 + scaled(0.2),
           "  the stages come at 400 and 800 ms (%.0f and %.0f ms)" % (t1 * 1000, t2 * 1000))
else:
    tap.ok(False, "  the stages come at 400 and 800 ms (no stamped lines)")
# QUIT and TERM were ignored; a CONT follows each stage, as after a stop signal
tap.ok(r.sigs() == ["SIGCONT", "SIGCONT"], "  the child saw a CONT after each stage, and no TERM forwarded", r.sigs())
r.cleanup()

# 2. the child takes the first stage: nothing more is sent
r = Run(["-S", "QUIT/2000,KILL"], ["-x", "QUIT:3"])
r.ready()
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(rc == 3 and r.sigs() == ["SIGQUIT"], "a child that exits on QUIT: the TERM became a QUIT, exit 3 (exit %s, saw %s)" % (rc, r.sigs()))
tap.ok(not any("alive" in l for l in r.errlines()), "  no later stage", r.errlines())
r.cleanup()

# 3. a second stop signal does not restart the schedule, and is not forwarded
r = Run(["-T", "-S", "USR1/600,KILL"], ["-x", "TERM:0"])
r.ready()
sent = time.time()
r.kill(signal.SIGTERM)
wait_until(lambda: "SIGUSR1" in r.sigs(), 5)
r.kill(signal.SIGTERM)
wait_until(lambda: "stop already under way" in r.err(), 5)
rc = r.wait()
lines = stamped(r.errlines(), sent)
texts = [s for t, s in lines]
tap.ok(rc == 137 and r.sigs() == ["SIGUSR1", "SIGCONT"], "a second TERM: the child still saw only the USR1 stage and its CONT, then KILL (exit %s, saw %s)" % (rc, r.sigs()))
tap.ok(any(s.endswith("-> stop already under way") for s in texts), "  the second TERM is logged as under way", "\n".join(texts))
kill = [t for t, s in lines if s.endswith("-> SIGKILL")]
tap.ok(kill and kill[0] < 0.6 + scaled(0.3), "  the KILL still came 600 ms after the first TERM (%s)" % ["%.0f ms" % (k * 1000) for k in kill])
r.cleanup()

# 4. -g: each stage goes to the child's process group
r = Run(["-g", "-S", "HUP/300,KILL"], ["-i", "HUP", "-g"])
r.ready()
r.ready("gchild")
r.kill(signal.SIGTERM)
rc = r.wait()
g = r.ready("gchild", timeout=0)
tap.ok(rc == 137 and any(l.endswith("-> stop: SIGHUP to group %d (ignored by it)" % r.child) for l in r.errlines()),
       "-g: the first stage goes to the group (exit %s)" % rc, r.errlines())
tap.ok(g and wait_until(lambda: not alive(int(g[3])), 5), "  and the KILL reached the grandchild too")
r.cleanup()

# 5. a last stage with a time and no KILL: a warning when it is over, the child lives on
r = Run(["-S", "TERM/300"], ["-i", "TERM", "-x", "USR2:0"])
r.ready()
r.kill(signal.SIGTERM)
over = wait_until(lambda: "the stop schedule is over" in r.err(), 5)
tap.ok(over and r.p.poll() is None and alive(r.child), "-S TERM/300, TERM ignored: 'the stop schedule is over', the child lives", r.errlines())
r.kill(signal.SIGUSR2)
tap.ok(r.wait() == 0, "  USR2 still goes through, and ends it")
r.cleanup()

# 6. -s: the last KILL reaches every process the runner adopted, in
#    process groups and sessions of their own
d = tempfile.mkdtemp(prefix="sprun-stop-")
pids = os.path.join(d, "pids")
n = 30 if PHASE == "valgrind" else 100
script = ('trap "" TERM QUIT\n'
          'i=0; while [ $i -lt %d ]; do setsid sleep 300 & echo $! >> %s; i=$((i+1)); done\n'
          'echo done >> %s\n'
          'while :; do sleep 1; done\n' % (n, pids, pids))
r = Run(["-s", "-S", "TERM/300,KILL"], prog=["/bin/sh", "-c", script])
ok = wait_until(lambda: "done" in file_lines(pids), 20)
sleepers = [int(x) for x in file_lines(pids) if x.isdigit()]
r.kill(signal.SIGTERM)
rc = r.wait(20)
tap.ok(ok and len(sleepers) == n and rc == 137, "-s: a shell ignoring TERM, %d sleepers in sessions of their own: killed at the last stage (exit %s)" % (n, rc))
tap.ok(wait_until(lambda: not any(alive(p) for p in sleepers), 10), "  none of the %d sleepers survives" % n,
       [p for p in sleepers if alive(p)][:5])
m = [l for l in r.errlines() if "processes of its tree" in l]
tap.ok(m and re.search(r"-> SIGKILL to it and to (\d+) processes of its tree$", m[0]) and int(re.search(r"(\d+) processes", m[0]).group(1)) >= n,
       "  the line says how many were killed besides the child (at least %d)" % n, m)
r.cleanup()
subprocess.call(["rm", "-rf", d])

tap.done()
