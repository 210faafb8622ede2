#!/usr/bin/env python3
# ISC license. selfpipe-run's logging never blocks it, and a bad stderr
# never stops it:
#  1. a full pipe nobody reads (a stalled logger): signals are still
#     forwarded at once and the runner still exits at once; lines are
#     whole; losses are counted; a warning still finds room;
#  2. a pipe whose reader has gone (EPIPE): the runner keeps forwarding,
#     does not die of SIGPIPE and does not forward its own SIGPIPEs (the
#     child gets only the one SIGPIPE we send);
#  3. no stderr at all (fd 2 closed): the runner still forwards and
#     exits with the child's code.

import os, re, shutil, signal, sys, tempfile, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)

rd, wr, filled = full_pipe()   # the runner gets a blocking fd, as a stalled logger would give it
r = Run(["-v", "2"], ["-x", "TERM:0"], stderr=wr)
os.close(wr)
tap.ok(r.ready(), "stderr full (%d bytes in a pipe nobody reads): the child is ready" % filled)
# 200 paced signals: each must reach the child while stderr cannot take a byte
t0 = time.monotonic()
lost = 0
n = 200 if PHASE == "plain" else 30
for i in range(n):
    r.kill(signal.SIGUSR1 if i % 2 == 0 else signal.SIGUSR2)
    if not r.wait_sigs(i + 1, timeout=2):
        lost += 1
        break
dt = time.monotonic() - t0
tap.ok(lost == 0 and len(r.sigs()) == n, "stderr full: %d signals forwarded one by one (%.2f s)" % (n, dt), len(r.sigs()))
tap.ok(r.p.poll() is None, "  the runner is still running")
# a burst, to overflow the runner's own queue
for i in range(2000 if PHASE == "plain" else 200):
    os.kill(r.pid, signal.SIGHUP if i % 2 else signal.SIGURG)
drained(r.pid, signal.SIGHUP, signal.SIGURG)   # TERM's time is TERM's only
t0 = time.monotonic()
r.kill(signal.SIGTERM)
rc = r.wait(timeout=5)
dt = time.monotonic() - t0
# 1 s is the promise (it takes a few ms); a runner stuck on the stalled
# stderr never exits at all, so 2 s (scaled) still catches it under load
tap.ok(rc == 0 and dt < scaled(2), "stderr full: TERM forwarded and the runner exits at once (exit %s, %.2f s)" % (rc, dt))
tap.ok(r.sigs()[-1:] == ["SIGTERM"], "  the child got the TERM")
# now drain: what the runner managed to write must be whole lines
os.set_blocking(rd, False)
data = b""
try:
    while True:
        chunk = os.read(rd, 65536)
        if not chunk:
            break
        data += chunk
except BlockingIOError:
    pass
os.close(rd)
data = data[filled:]
text = data.decode(errors="replace")
lines = text.split("\n")
tap.ok(text == "" or text.endswith("\n"), "what was written ends with a newline (no half line)", text[-200:])
bad = [l for l in lines[:-1] if not l.startswith("selfpipe-run: ") and not l.startswith("==")]
tap.ok(not bad, "every line written is a whole selfpipe-run line (%d lines)" % (len(lines) - 1), bad[:5])
r.cleanup()

# a stderr that is drained later: the "N lines lost" line shows up once it drains
rd, wr = os.pipe()
r = Run(["-v", "1"], ["-x", "TERM:0"], stderr=wr)
os.close(wr)
r.ready()
# stall: nobody reads while 3000 signals make lines
sent = 3000 if PHASE == "plain" else 300
for i in range(sent):
    os.kill(r.pid, signal.SIGUSR1 if i % 2 else signal.SIGUSR2)
drained(r.pid, signal.SIGUSR1, signal.SIGUSR2)
os.set_blocking(rd, False)
buf = b""
def drain():
    global buf
    try:
        while True:
            c = os.read(rd, 65536)
            if not c:
                return True
            buf += c
    except BlockingIOError:
        return False
drain()
settle(0.3)   # the runner writes its backlog into the room just made
drain()
r.kill(signal.SIGTERM)
r.wait()
wait_until(drain, 3)
os.close(rd)
text = buf.decode(errors="replace")
got = [l for l in text.splitlines() if l.startswith("selfpipe-run: ")]
lost = sum(int(m.group(1)) for m in (re.search(r"\b(\d+) lines lost\b", l) for l in got) if m)
# a burst of one line at -v 1 folds: the line once, then once more ending
# with "(repeated N times)" for the N that came after the first
usr = [l for l in got if re.match(r"selfpipe-run: info: SIGUSR[12] from ", l)]
folded = sum(int(m.group(1)) for m in (re.search(r"\(repeated (\d+) times\)$", l) for l in usr) if m)
usr = [l for l in usr if not l.endswith("times)")]
seen = len([x for x in r.sigs() if x in ("SIGUSR1", "SIGUSR2")])
tap.ok(len(usr) + folded + lost >= seen,
       "no line is dropped silently: %d lines + %d folded + %d counted lost >= %d forwards the child saw" % (len(usr), folded, lost, seen),
       got[-5:])
tap.ok(got[-1:] == ["selfpipe-run: info: child %d exited 0" % r.child], "  the last line is still the child's end", got[-3:])
r.cleanup()

# a queue full of info lines still takes a warning: a hook that times out
# while the logger is stalled is reported once the logger reads again
rd, wr, filled = full_pipe()
hookdir = tempfile.mkdtemp(prefix="sprun-hook-")
hook = os.path.join(hookdir, "slow")
with open(hook, "w") as f:
    f.write("#!/bin/sh\nexec sleep 30\n")
os.chmod(hook, 0o755)
wms = 300 if PHASE == "plain" else 1500
r = Run(["-v", "2", "-m", "RTMIN+1:0", "-m", "RTMIN+2:0", "-c", "HUP:" + hook, "-w", str(wms)], ["-x", "TERM:0"], stderr=wr)
os.close(wr)
r.ready()
# real-time signals queue, one line each (-v 2: nothing folds): far more
# than the queue holds
for i in range(3000):
    os.kill(r.pid, RTMIN + 1 + i % 2)
drained(r.pid, RTMIN + 1, RTMIN + 2)
r.kill(signal.SIGHUP)
# the hook (sh exec'ing sleep) starts, then -w ends it
hook_pid = wait_until(lambda: [k for k in children(r.pid) if k != r.child], 5)
wait_until(lambda: not any(alive(k) for k in hook_pid), 5 + wms / 1000.0)
os.set_blocking(rd, False)
buf = b""
wait_until(lambda: drain() or b"lines lost" in buf, 5)
r.kill(signal.SIGTERM)
r.wait()
wait_until(drain, 3)
os.close(rd)
got = [l for l in buf[filled:].decode(errors="replace").splitlines() if l.startswith("selfpipe-run: ")]
timedout = [l for l in got if re.match(r"selfpipe-run: warning: SIGHUP %s -> held: hook %s timed out after %d ms$" % (from_me_re(os.getpid()), re.escape(hook), wms), l)]
lostlines = [l for l in got if re.search(r"\b\d+ lines lost$", l)]
tap.ok(lostlines, "stalled logger: info lines were dropped and counted (%d lines written)" % len(got), got[-5:])
tap.ok(len(timedout) == 1, "  but the hook's time-out warning had room in the full queue", [l for l in got if "HUP" in l][-3:])
r.cleanup()
shutil.rmtree(hookdir, ignore_errors=True)

PACED = 200 if PHASE == "plain" else 30


def paced(r, sig, n):
    """n signals, each acknowledged before the next; True if all came."""
    base = r.total
    for i in range(n):
        os.kill(r.pid, sig)
        if r.pump(base + i + 1, 5) < base + i + 1:
            return False
    return True


# 2. EPIPE: the reading end is closed before the runner starts
rfd, wfd = os.pipe()
os.close(rfd)
r = Counted([signal.SIGUSR1, signal.SIGPIPE], stderr=wfd)
os.close(wfd)
tap.ok(r.ready(), "broken stderr: the child is ready")
tap.ok(paced(r, signal.SIGUSR1, PACED), "%d paced USR1 forwarded with EPIPE on every log line" % r.counts.get(signal.SIGUSR1, 0))
os.kill(r.pid, signal.SIGPIPE)
r.pump(r.total + 1, 5)
settle(0.2)   # a second SIGPIPE, the runner's own, would have come by now
r.pump(r.total + 1, 0.1)
alive_now = r.p.poll() is None
tap.ok(alive_now, "the runner did not die of SIGPIPE (%s)" % ("alive" if alive_now else "exit %s" % r.p.returncode))
rc = r.finish()
tap.ok(r.counts.get(signal.SIGPIPE, 0) == 1,
       "the child got only the SIGPIPE we sent, not the runner's own (%d)" % r.counts.get(signal.SIGPIPE, 0))
tap.ok(r.counts.get(signal.SIGUSR1, 0) == PACED and rc == 0, "all USR1 forwarded, exit code 0 (rc %s)" % rc)
r.cleanup()

# 3. fd 2 closed (valgrind, which needs a descriptor of its own for its
# reports, gets fd 9, our stderr)
r = Counted([signal.SIGUSR1], code=7, wrap=["sh", "-c", 'exec "$@" 9>&2 2>&-', "sh"], log_fd=9)
tap.ok(r.ready(), "no stderr: the child is ready")
tap.ok(paced(r, signal.SIGUSR1, PACED), "%d paced USR1 forwarded with fd 2 closed" % r.counts.get(signal.SIGUSR1, 0))
rc = r.finish()
tap.ok(rc == 7 and r.ended, "TERM forwarded, exit code 7 (got %s)" % rc)
r.cleanup()

tap.done()
