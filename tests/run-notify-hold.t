#!/usr/bin/env python3
# ISC license. selfpipe-run -H: signals before ready are held, in order,
# and delivered at ready; stop signals go at once. -d: the child's own
# notification fd makes it ready, relayed to -n. The options' rules.

import os, signal, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *
from notify_lib import NotifyRun, ms_since

tap = Tap()
check_setup(tap)
me, uid = os.getpid(), os.getuid()

# 1. held in order, each said, delivered through the usual rules at ready
r = NotifyRun(["-N", "-H", "-m", "WINCH:USR2"], notif=True)
r.started()
for k, sig in enumerate((signal.SIGUSR2, signal.SIGUSR1, signal.SIGWINCH, signal.SIGHUP), 1):
    r.kill(sig)
    wait_until(lambda: len([l for l in r.errlines() if "held until" in l]) >= k, 5)
held = [l for l in r.norm(me)]
want = ["selfpipe-run: info: %s %s -> held until the service is ready" % (s, from_me()) for s in ("SIGUSR2", "SIGUSR1", "SIGWINCH", "SIGHUP")]
tap.ok(held == want, "-H: four signals before ready, one line each", "\n".join(held))
settle(0.2)
tap.ok(r.sigs() == [] and not [x for x in r.records() if x[0] == "sig"], "  the child saw none of them yet", r.records())
r.cmd("send READY=1")
tap.ok(r.wait_rec("sig", "SIGHUP"), "READY=1: they are delivered")
wait_until(lambda: len([l for l in r.errlines() if "-> SIG" in l]) >= 4, 5)
lines = r.norm(me)
# the child takes standard signals lowest first: the order is the runner's
fwd = [l.split(" -> ")[1].split()[0] for l in lines if " -> SIG" in l]
tap.ok(fwd == ["SIGUSR2", "SIGUSR1", "SIGUSR2", "SIGHUP"], "  forwarded in the order they came, -m applied (WINCH became USR2)", "\n".join(lines))
got = sorted(set(x[1] for x in r.records() if x[0] == "sig"))
tap.ok(got == ["SIGHUP", "SIGUSR1", "SIGUSR2"], "  and the child took them", got)
i = lines.index("selfpipe-run: info: service ready: READY=1 from pid CHILD") if "selfpipe-run: info: service ready: READY=1 from pid CHILD" in lines else -1
tap.ok(i >= 0 and lines[i + 1] == "selfpipe-run: info: delivering 4 held signals", "  \"delivering 4 held signals\" right after ready", "\n".join(lines))
tap.ok(r.notified(scaled(5)) == b"\n", "  and -n got its newline")
r.kill(signal.SIGUSR1)
tap.ok(r.wait_rec("sig", "SIGUSR1", n=2), "after ready, a signal goes at once")
r.kill(signal.SIGTERM)
tap.ok(r.wait() == 0, "TERM: the service exits 0")
r.cleanup()

# 2. a stop signal before ready goes at once
r = NotifyRun(["-N", "-H"])
r.started()
r.kill(signal.SIGUSR1)
r.wait_log("held until")
t0 = time.monotonic()
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(rc == 0 and r.count("sig", "SIGTERM") == 1, "-H: a TERM before ready goes at once (exit %s, %.0f ms)" % (rc, ms_since(t0)))
tap.ok(r.count("sig", "SIGUSR1") == 0, "  the held USR1 never reached it")
r.cleanup()

# 3. -d: the child's own s6 notification fd, relayed to -n
r = NotifyRun(["-d", "5", "-H"], notif=True)
r.started()
tap.ok(os.path.exists("/proc/%d/fd/5" % r.child), "-d 5: the child has fd 5")
nfd = r.p.args[r.p.args.index("-n") + 1]
theirs = os.readlink("/proc/%d/fd/%s" % (r.pid, nfd))
try:
    mine = os.readlink("/proc/%d/fd/%s" % (r.child, nfd))
except OSError:
    mine = None
tap.ok(mine != theirs, "  and not the runner's -n fd (%s there: %s)" % (nfd, mine))
r.kill(signal.SIGUSR1)
r.wait_log("held until")
t0 = time.monotonic()
r.cmd("fdready 5")
got = r.notified(scaled(5))
tap.ok(got == b"\n", "a newline on the child's fd 5: relayed to -n (%.1f ms)" % ms_since(t0), got)
tap.ok(r.wait_log("service ready") == "selfpipe-run: info: service ready: a newline on fd 5 (-d)", "  logged as such")
tap.ok(r.wait_rec("sig", "SIGUSR1"), "  and the held USR1 is delivered")
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

# 4. -d: the child closes its fd without a newline: not ready
r = NotifyRun(["-d", "5"], notif=True)
r.started()
r.cmd("exit 0")
rc = r.wait()
tap.ok(rc == 0 and r.notified(scaled(2)) == b"", "-d, the service exits without a newline: -n is closed with nothing written (exit %s)" % rc)
r.cleanup()

# 5. the options' rules
def usage(args):
    p = subprocess.run(runner_cmd(args + ["true"]), stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    return p.returncode, p.stderr.decode()


for args, want in ((["-n", "3"], "-n needs -N or -d"),
                   (["-H"], "-H needs -N or -d"),
                   (["-W", "100"], "-W needs -N"),
                   (["-N", "-n", "2"], "-n 2: not a file descriptor of 3 or more"),
                   (["-d", "x"], "-d x: not a file descriptor of 3 or more"),
                   (["-N", "-R", "0"], "-R 0: not a number of milliseconds above 0"),
                   (["-N", "-W", "-1"], "-W -1: not a number of milliseconds above 0")):
    rc, err = usage(args)
    tap.ok(rc == 100 and want in err, "usage: %s: exit 100, \"%s\"" % (" ".join(args), want), err)
rc, err = usage(["-N", "-n", "9"])
tap.ok(rc == 111 and "notification fd 9" in err, "-n 9, not open: exit 111 (%s)" % rc, err)
tap.done()
