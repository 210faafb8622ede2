#!/usr/bin/env python3
# ISC license. selfpipe-gen over tests/gen_daemon.py: generations on the
# same inherited fd, rollouts made ready by -N (each generation's own
# socket), -C and -A, what a candidate, a retiring generation and a
# stranger may say, rollbacks with bounded retries, a trigger during a
# rollout, the stop reaching every generation, the stop schedule of a
# retirement, the exit status, and bad input.

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytap import BUILD, SRC, Tap, scaled, settle, wait_until  # noqa: E402
from sprun_lib import WRAP, alive  # noqa: E402

GEN = os.environ.get("SELFPIPE_GEN") or os.path.join(BUILD, "selfpipe-gen")
RUN = os.environ.get("SELFPIPE_RUN") or os.path.join(BUILD, "selfpipe-run")
DAEMON = [sys.executable, os.path.join(SRC, "tests", "gen_daemon.py")]
tap = Tap()


class Gen:
    """One selfpipe-gen (with a listening socket on fd 3, as selfpipe-bind
    leaves it) over gen_daemon.py; modes: {generation: "words"}."""

    def __init__(self, opts, modes=None, default="ready", notif=False):
        self.dir = tempfile.mkdtemp(prefix="spgen-")
        self.rec = os.path.join(self.dir, "rec")
        open(self.rec, "w").close()
        with open(os.path.join(self.dir, "mode"), "w") as f:
            f.write(default)
        for n, words in (modes or {}).items():
            with open(os.path.join(self.dir, "mode.%d" % n), "w") as f:
                f.write(words)
        self.lsock = socket.socket()
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(8)
        self.inode = os.fstat(self.lsock.fileno()).st_ino
        fds = {3: self.lsock.fileno()}
        self.notif_r = None
        if notif:
            self.notif_r, w = os.pipe()
            fds[4] = w
            opts = ["-n", "4"] + list(opts)
        self.err = open(os.path.join(self.dir, "err"), "wb")

        def place():
            for to, fr in fds.items():
                os.dup2(fr, to)
                os.set_inheritable(to, True)
        self.p = subprocess.Popen(WRAP + [GEN] + list(opts) + ["--"] + DAEMON + [self.dir],
                                  stdin=subprocess.DEVNULL, stderr=self.err, preexec_fn=place, close_fds=False)
        self.pid = self.p.pid
        self.lsock.close()
        if notif:
            os.close(w)

    def records(self):
        with open(self.rec) as f:
            return [l.split() for l in f]

    def count(self, *words):
        return len([x for x in self.records() if x[:len(words)] == list(words)])

    def wait_rec(self, *words, n=1, timeout=10):
        return bool(wait_until(lambda: self.count(*words) >= n, scaled(timeout)))

    def start(self, n, timeout=10):
        """generation n's record: (pid, socket, fd 3 inode), or None"""
        if not self.wait_rec("start", str(n), timeout=timeout):
            return None
        r = [x for x in self.records() if x[:2] == ["start", str(n)]][0]
        return int(r[2]), r[3], r[4]

    def errlines(self):
        with open(os.path.join(self.dir, "err"), errors="replace") as f:
            return f.read().splitlines()

    def wait_log(self, text, n=1, timeout=10):
        def f():
            got = [l for l in self.errlines() if (re.search(text, l) if text.startswith("^") else text in l)]
            return got if len(got) >= n else None
        r = wait_until(f, scaled(timeout))
        return r[n - 1] if r else None

    def kill(self, sig):
        os.kill(self.pid, sig)

    def wait(self, timeout=15):
        try:
            return self.p.wait(timeout=scaled(timeout))
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return None

    def notified(self, timeout):
        import select
        r, _, _ = select.select([self.notif_r], [], [], timeout)
        return os.read(self.notif_r, 16) if r else None

    def stop(self):
        if self.p.poll() is None:
            self.kill(signal.SIGTERM)
        return self.wait()


def running(g):
    """the daemon's generations that live, as pids"""
    return [int(x[2]) for x in g.records() if x[0] == "start" and alive(int(x[2]))]


# 1. generation 1, -N, -n, and a rollout made ready by READY=1
g = Gen(["-N", "-U", "HUP"], notif=True)
s1 = g.start(1)
tap.ok(s1 is not None, "generation 1 starts, with SELFPIPE_GENERATION=1", g.errlines())
pid1, sock1, ino1 = s1 or (0, "", "")
tap.ok(sock1.startswith("@selfpipe-gen/%d/" % g.pid), "  its NOTIFY_SOCKET is its own, named for selfpipe-gen (%s)" % sock1)
tap.ok(ino1 == str(g.inode), "  it has the listening socket on fd 3")
tap.ok(g.notified(scaled(10)) == b"\n", "  its READY=1: one newline on the -n fd")
tap.ok(g.wait_log("generation 1 (pid %d) started: " % pid1) is not None, "  logged: generation 1 (pid P) started")
g.kill(signal.SIGHUP)
s2 = g.start(2)
pid2, sock2, ino2 = s2 or (0, "", "")
tap.ok(s2 is not None and sock2.startswith("@selfpipe-gen/%d/" % g.pid) and sock2 != sock1,
       "HUP (-U): generation 2 starts, with a socket of its own", (sock1, sock2))
tap.ok(ino2 == ino1, "  on the same listening socket (fd 3, inode %s)" % ino1)
line = g.wait_log("rollout done")
tap.ok(line is not None and re.search(r"info: rollout done: generation 2 \(pid %d\) ready in \d+ ms; generation 1 \(pid %d\) retired, exited 0, \d+ ms after the trigger$" % (pid2, pid1), line),
       "  rollout done: generation 2 ready, generation 1 retired", line)
tap.ok(g.wait_log("-> rollout: starting generation 2") is not None, "  the trigger's line names the generation")
tap.ok(g.wait_log(r"^.*info: rollout: generation 2 \(pid %d\) said READY=1 in \d+ ms: it is the current generation -> SIGTERM to generation 1 \(pid %d\)$" % (pid2, pid1)) is not None,
       "  generation 2 said READY=1: current, generation 1 gets SIGTERM")
tap.ok(g.count("sig", "1", "SIGTERM") == 1 and g.count("sig", "2") == 0, "  only generation 1 was signalled", g.records())
tap.ok(g.notified(scaled(0.5)) == b"", "  no second readiness: the -n fd was closed after the first")
g.kill(signal.SIGUSR1)
tap.ok(g.wait_rec("sig", "2", "SIGUSR1"), "USR1 goes to the current generation, 2")
line = g.wait_log("SIGUSR1 from")
tap.ok(line is not None and line.endswith("-> SIGUSR1 to pid %d" % pid2), "  logged as forwarded to it", line)
# another rollout: generation 3
g.kill(signal.SIGHUP)
s3 = g.start(3)
tap.ok(s3 is not None and g.wait_log("rollout done: generation 3") is not None and g.count("sig", "2", "SIGTERM") == 1,
       "a second rollout: generation 3 current, generation 2 retired")
tap.ok(g.stop() == 0, "TERM: the current generation exits 0, so does selfpipe-gen")
tap.ok(running(g) == [], "  nothing of the service is left", running(g))

# 2. a trigger during a rollout; READY=1 from a worker, from a retiring
#    generation, and on another generation's socket
g = Gen(["-v", "2", "-N", "-U", "HUP,20000"], modes={1: "slow-term 1 ready", 2: "worker-ready sleep 0.6 to-gen 1 sleep 0.4 ready"})
tap.ok(g.start(1) is not None and g.wait_rec("sent", "1", "READY=1"), "a service with a worker-ready generation 2")
pid1 = g.start(1)[0]
g.kill(signal.SIGHUP)
pid2 = (g.start(2) or (0,))[0]
g.kill(signal.SIGHUP)
line = g.wait_log("rollout already under way")
tap.ok(line is not None and line.endswith("-> rollout already under way: ignored") and " warning: " in line,
       "a trigger during a rollout: a warning, ignored", line)
line = g.wait_log("not its main process: ignored")
tap.ok(line is not None and "notify: READY=1 from pid " in line and ("of generation 2 (pid %d)" % pid2) in line,
       "READY=1 from generation 2's worker: not its main process, ignored", line)
line = g.wait_log("not of the generation's tree")
tap.ok(line is not None and ("from pid %d " % pid2) in line and line.endswith("dropped: not of the generation's tree"),
       "READY=1 from generation 2 on generation 1's socket: dropped", line)
tap.ok(g.count("sig", "1") == 0, "  generation 1 was not touched before generation 2 was ready", g.records())
tap.ok(g.wait_log("rollout done: generation 2") is not None, "generation 2's own READY=1: the rollout goes on")
line = g.wait_log("which is retiring: ignored")
tap.ok(line is not None and ("of generation 1 (pid %d)" % pid1) in line, "  generation 1's STOPPING=1 and READY=1 as it retires: ignored", line)
tap.ok(g.count("start", "3") == 0, "  the ignored trigger started nothing")
tap.ok(g.stop() == 0 and running(g) == [], "TERM: all gone, exit 0")

# 3. rollbacks: a generation that exits at once, with -x 0
g = Gen(["-N", "-U", "HUP", "-x", "0"], modes={2: "exit 3"})
pid1 = (g.start(1) or (0,))[0]
g.wait_rec("sent", "1", "READY=1")
g.kill(signal.SIGHUP)
line = g.wait_log("rolled back")
tap.ok(line is not None and re.search(r"warning: rollout: generation 2 \(pid \d+\) rolled back after \d+ ms: it exited 3 before it was ready; generation 1 \(pid %d\) keeps serving; rollout given up after 1 attempt$" % pid1, line),
       "generation 2 exits 3 at once: rolled back, generation 1 keeps serving, no retry (-x 0)", line)
tap.ok(g.count("sig", "1") == 0 and alive(pid1), "  generation 1 was never signalled", g.records())
g.kill(signal.SIGUSR1)
tap.ok(g.wait_rec("sig", "1", "SIGUSR1"), "  and still gets the service's signals")
# the next trigger: a new generation (3), which is fine
g.kill(signal.SIGHUP)
tap.ok(g.wait_log("rollout done: generation 3") is not None, "the next trigger: generation 3 rolls out")
tap.ok(g.stop() == 0 and running(g) == [], "TERM: all gone")

# 4. never ready, -U HUP,400, -x 1: two attempts, 1 s apart, then given up
g = Gen(["-N", "-U", "HUP,400", "-x", "1"], modes={2: "", 3: ""})
pid1 = (g.start(1) or (0,))[0]
g.wait_rec("sent", "1", "READY=1")
t0 = time.monotonic()
g.kill(signal.SIGHUP)
first = g.wait_log("rolled back")
tap.ok(first is not None and "generation 2 (pid " in first and "no READY=1 from it in 400 ms; generation 1 (pid %d) keeps serving; retry 1 of 1 in 1000 ms" % pid1 in first,
       "generation 2 never says READY=1: rolled back after 400 ms, retry 1 of 1 in 1000 ms", first)
second = g.wait_log("rolled back", n=2, timeout=15)
dt = time.monotonic() - t0
tap.ok(second is not None and "generation 3 (pid " in second and second.endswith("rollout given up after 2 attempts"),
       "  generation 3, the retry, the same: given up after 2 attempts", second)
tap.ok(dt >= 1.8, "  the retry came after the backoff (%.2f s from the trigger, at least 0.4 + 1 + 0.4)" % dt)
tap.ok(wait_until(lambda: g.count("sig", "2", "SIGTERM") == 1 and g.count("sig", "3", "SIGTERM") == 1, scaled(5)),
       "  each failed generation was stopped (SIGTERM)", g.records())
settle(0.3)
tap.ok(g.count("start", "4") == 0 and g.count("sig", "1") == 0 and running(g) == [pid1], "  no third attempt; generation 1 untouched, alone", g.records())
tap.ok(g.stop() == 0, "TERM: exit 0")

# 5. a retry that works: generation 2 exits, generation 3 is fine
g = Gen(["-N", "-U", "HUP"], modes={2: "exit 1"})
g.start(1)
g.wait_rec("sent", "1", "READY=1")
g.kill(signal.SIGHUP)
tap.ok(g.wait_log("retry 1 of 2 in 1000 ms") is not None and g.wait_log("rollout done: generation 3") is not None,
       "generation 2 fails, its retry (generation 3) rolls out", g.errlines()[-4:])
tap.ok(g.stop() == 0, "TERM: exit 0")

# 6. -C: a check that fails, then one that passes; it is told the pids
# (it passes once the new generation has started, as a probe of the
# service would)
check = os.path.join(tempfile.mkdtemp(prefix="spgen-check-"), "check")
with open(check, "w") as f:
    f.write('#!/bin/sh\necho "$SELFPIPE_NEWMASTER $SELFPIPE_OLDMASTER" >> "$0.seen"\n'
            '[ -e "$0.ok" ] && grep -q "^start [0-9]* $SELFPIPE_NEWMASTER " "$(cat "$0.rec")"\n')
os.chmod(check, 0o755)
g = Gen(["-U", "HUP,1200", "-x", "0", "-C", check], default="")
with open(check + ".rec", "w") as f:
    f.write(g.rec)
pid1 = (g.start(1) or (0,))[0]
g.kill(signal.SIGHUP)
line = g.wait_log("rolled back")
tap.ok(line is not None and "it did not pass its check in 1200 ms" in line, "-C: a check that keeps failing: rolled back at -U's time", line)
with open(check + ".seen") as f:
    seen = f.read().split("\n")[0].split()
pid2 = int([x for x in g.records() if x[:2] == ["start", "2"]][0][2])
tap.ok(seen == [str(pid2), str(pid1)], "  the check is told SELFPIPE_NEWMASTER and SELFPIPE_OLDMASTER", seen)
open(check + ".ok", "w").close()
g.kill(signal.SIGHUP)
line = g.wait_log("passed its check in")
tap.ok(line is not None and "generation 3 (pid" in line, "  a check that passes: generation 3 is current", line)
tap.ok(g.stop() == 0, "TERM: exit 0")

# 7. -A: alive long enough
g = Gen(["-U", "HUP", "-A", "700"], default="")
g.start(1)
g.kill(signal.SIGHUP)
line = g.wait_log("lived long enough (-A) in")
ms = int(re.search(r"in (\d+) ms", line).group(1)) if line else 0
tap.ok(line is not None and ms >= 700, "-A 700: generation 2 is current after %d ms" % ms, line)
tap.ok(g.stop() == 0, "TERM: exit 0")

# 8. the service stops during a rollout: every generation stops; the
#    exit status is the current generation's
g = Gen(["-N", "-U", "HUP"], modes={2: ""})
pid1 = (g.start(1) or (0,))[0]
g.kill(signal.SIGHUP)
pid2 = (g.start(2) or (0,))[0]
g.kill(signal.SIGTERM)
tap.ok(g.wait() == 0, "TERM during a rollout: selfpipe-gen exits 0")
tap.ok(g.count("sig", "1", "SIGTERM") == 1 and g.count("sig", "2", "SIGTERM") == 1, "  both generations got SIGTERM", g.records())
tap.ok(g.wait_log("rollout abandoned: the service is stopping") is not None, "  logged: the rollout is abandoned")
line = g.wait_log("stop: SIGTERM to generation 2")
tap.ok(line is not None and line.endswith("stop: SIGTERM to generation 2 (pid %d) too" % pid2), "  logged: the stop reaches generation 2 too", line)
g.kill = lambda s: None
# a trigger while stopping is refused
g = Gen(["-N", "-U", "HUP"], default="ignore-term ready")
g.start(1)
# READY=1 is sent once SIGTERM is ignored: before it, TERM would end it
g.wait_rec("sent", "1", "READY=1")
g.kill(signal.SIGTERM)
g.wait_rec("sig", "1", "SIGTERM")
g.kill(signal.SIGHUP)
line = g.wait_log("no rollout")
tap.ok(line is not None and line.endswith("-> no rollout: the service is stopping"), "a trigger while the service stops: refused", line)
tap.ok(g.count("start", "2") == 0, "  nothing started")
g.kill(signal.SIGKILL)
g.wait()
for pid in running(g):
    os.kill(pid, signal.SIGKILL)

# 9. a retirement that takes the whole schedule; the exit status
g = Gen(["-N", "-U", "HUP", "-S", "TERM/300,KILL"], modes={1: "ignore-term ready", 2: "ready"})
pid1 = (g.start(1) or (0,))[0]
g.wait_rec("sent", "1", "READY=1")
g.kill(signal.SIGHUP)
line = g.wait_log("ms after SIGTERM -> SIGKILL")
tap.ok(line is not None and line.endswith("generation 1 (pid %d) alive 300 ms after SIGTERM -> SIGKILL" % pid1) and " warning: " in line,
       "-S TERM/300,KILL: generation 1 ignores TERM, gets KILL 300 ms later", line)
line = g.wait_log("rollout done")
tap.ok(line is not None and "retired, killed by SIGKILL" in line, "  rollout done: retired, killed by SIGKILL", line)
tap.ok(g.stop() == 0, "TERM: exit 0")

# 10. the current generation ends while the old one retires: the exit
#     waits for it, and is the current generation's
g = Gen(["-N", "-U", "HUP", "-k", "30000"], modes={1: "slow-term 1.5 ready", 2: "ready sleep 0.3 exit 7"})
pid1 = (g.start(1) or (0,))[0]
g.wait_rec("sent", "1", "READY=1")
g.kill(signal.SIGHUP)
rc = g.wait()
tap.ok(rc == 7, "generation 2 (current) exits 7 while generation 1 retires: selfpipe-gen exits 7", rc)
tap.ok(g.count("exit", "1", "0") == 1 and not alive(pid1), "  after generation 1 ended", g.records())

# 11. bad input
def usage(args, prog=True):
    p = subprocess.run(WRAP + [GEN] + args + (["true"] if prog else []), stdin=subprocess.DEVNULL, capture_output=True, timeout=scaled(20))
    return p.returncode, p.stderr.decode().strip()


for args, want in [
    ([], "selfpipe-gen: usage: selfpipe-gen needs -U: the signal that starts a rollout"),
    (["-U", "KILL"], "-U KILL: SIGKILL cannot be caught"),
    (["-U", "HUP", "-P", "/tmp/x.pid"], "-P: not an option of selfpipe-gen: each generation is its own child"),
    (["-U", "HUP", "-d", "3"], "-d: not an option of selfpipe-gen: one pipe cannot say which generation wrote to it (use -N)"),
    (["-U", "HUP", "-q", "TERM"], "-q: not an option of selfpipe-gen"),
    (["-U", "HUP", "-A", "0"], "-A 0: not a number of milliseconds above 0"),
    (["-U", "HUP", "-x", "101"], "-x 101: not a number of retries (0 to 100)"),
    (["-U", "HUP", "-n", "3"], "-n needs -N or -d"),
    (["-U", "HUP", "-Z"], "unknown option -Z"),
]:
    rc, err = usage(args)
    tap.ok(rc == 100 and want in err and len(err.splitlines()) == 1, "%s: exit 100, one line: %s" % (" ".join(args) or "no -U", want), (rc, err))
rc, err = usage(["-U", "HUP"], prog=False)
tap.ok(rc == 100 and err.startswith("selfpipe-gen: usage: selfpipe-gen ["), "no prog: the usage line, exit 100", (rc, err))
rc, err = usage(["-U", "HUP", "--", "/nonexistent/prog"], prog=False)
tap.ok(rc == 127 and "unable to spawn /nonexistent/prog" in err, "a prog that does not exist: 127", (rc, err))
p = subprocess.run(WRAP + [GEN, "-V"], capture_output=True)
tap.ok(p.returncode == 0 and re.match(rb"selfpipe-gen \d", p.stdout), "-V: the version", p.stdout)
p = subprocess.run(WRAP + [GEN, "-h"], capture_output=True)
tap.ok(p.returncode == 0 and b"usage: selfpipe-gen" in p.stdout, "-h: the help, exit 0")
p = subprocess.run(WRAP + [RUN, "-A", "100", "true"], capture_output=True)
tap.ok(p.returncode == 100 and b"unknown option -A" in p.stderr, "selfpipe-run has no -A", p.stderr)

tap.done()
