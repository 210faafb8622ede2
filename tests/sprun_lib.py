# ISC license. Shared pieces of the python3 tests of selfpipe-run (tests/run-*.t).

import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time

PHASE = os.environ.get("SP_PHASE", "plain")
WRAP = shlex.split(os.environ.get("SP_WRAP", ""))
RUNNER = os.environ.get("SELFPIPE_RUN", "")
TESTS = os.environ.get("SP_TESTS", "")
CHILD = os.path.join(TESTS, "sprun-child")
# valgrind is ~20x slower, the sanitizers ~3x: stretch every wait
SLOW = {"valgrind": 10.0, "sanitize": 3.0}.get(PHASE, 1.0)
# fixed waits for "nothing more happens": a slower runner can only make
# such a check pass wrongly, never fail, so they are stretched less
SETTLE = min(SLOW, 2.0)
SIGNAME_RE = r"SIG[A-Z0-9+-]+"
# valgrind keeps the highest signal for itself: the runner cannot catch it there
# The runner's libc decides where real-time signals start: glibc 34, musl 35
# (make check-musl says so in SP_SIGRTMIN); python3 is glibc's.
RTMIN = int(os.environ.get("SP_SIGRTMIN", signal.SIGRTMIN))
CATCH_MAX = signal.SIGRTMAX - 1 if PHASE == "valgrind" else signal.SIGRTMAX


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, diag=None):
        self.n += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, what), flush=True)
        if not cond:
            self.failed += 1
            if diag is not None:
                for line in str(diag).splitlines()[:40]:
                    print("#   " + line, flush=True)
        return cond

    def skip(self, what, why):
        """Only for what cannot be checked at all in this phase."""
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, what, why), flush=True)

    def done(self):
        print("1..%d" % self.n, flush=True)
        sys.exit(1 if self.failed else 0)


def sig_name(sig):
    """The name selfpipe-run uses in its log lines."""
    if RTMIN <= sig <= signal.SIGRTMAX:
        lo, hi = RTMIN, signal.SIGRTMAX
        if sig - lo > (hi - lo) // 2:
            return "SIGRTMAX" if sig == hi else "SIGRTMAX-%d" % (hi - sig)
        return "SIGRTMIN" if sig == lo else "SIGRTMIN+%d" % (sig - lo)
    if sig == signal.SIGIO:
        return "SIGPOLL"   # skalibs' name for 29, which libselfpipe uses
    return signal.Signals(sig).name


def runner_cmd(args):
    return WRAP + [RUNNER] + list(args)


def wait_until(pred, timeout):
    """Polls pred until it returns something true or timeout (stretched) passes."""
    deadline = time.monotonic() + timeout * SLOW
    while True:
        r = pred()
        if r:
            return r
        if time.monotonic() > deadline:
            return r
        time.sleep(0.01)


def proc_state(pid):
    """The one-letter state of pid (R, S, T, Z...), None if it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    return s[s.rindex(")") + 2]


def full_pipe():
    """A pipe filled to the last byte, nobody reading it: a stalled logger.
    Returns (read end, BLOCKING write end, bytes in it)."""
    rd, wr = os.pipe()
    os.set_blocking(wr, False)
    filled = 0
    for chunk in (b"x" * 4096, b"x"):
        try:
            while True:
                filled += os.write(wr, chunk)
        except BlockingIOError:
            pass
    os.set_blocking(wr, True)
    return rd, wr, filled


def wait_state(pid, want, timeout):
    """Waits until pid's state letter is want; says whether it is."""
    return bool(wait_until(lambda: proc_state(pid) == want, timeout))


def proc_field(pid, field):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return line.split()[1]
    except OSError:
        return None
    return None


def alive(pid):
    st = proc_state(pid)
    return st is not None and st != "Z"


def traps_ready(pid, sig=signal.SIGTERM):
    """True once the runner has a handler for sig (its SigCgt has the bit)."""
    cgt = proc_field(pid, "SigCgt")
    return cgt is not None and (int(cgt, 16) >> (sig - 1)) & 1 == 1


class Run:
    """One selfpipe-run, its stderr in a file, its child recording in rec."""

    def __init__(self, ropts, cargs=None, prog=None, stderr=None, stdin=subprocess.DEVNULL, pre=(), **kw):
        self.dir = tempfile.mkdtemp(prefix="sprun-")
        self.rec = os.path.join(self.dir, "rec")
        self.errpath = os.path.join(self.dir, "err")
        if prog is None:
            prog = [CHILD, "-o", self.rec] + list(cargs or [])
        self.errf = None
        if stderr is None:
            self.errf = open(self.errpath, "wb")
            stderr = self.errf
        self.t0 = time.monotonic()
        self.p = subprocess.Popen(list(pre) + runner_cmd(list(ropts) + ["--"] + list(prog)),
                                  stdin=stdin, stderr=stderr, **kw)
        self.pid = self.p.pid
        self.child = None

    def records(self):
        try:
            with open(self.rec) as f:
                return [l.split() for l in f.read().splitlines()]
        except OSError:
            return []

    def sigs(self, tag="child"):
        """The signal names the child recorded, in order."""
        return [r[2] for r in self.records() if len(r) > 2 and r[0] == tag and r[1] == "sig"]

    def sigrecs(self, tag="child"):
        return [r for r in self.records() if len(r) > 2 and r[0] == tag and r[1] == "sig"]

    def ready(self, tag="child", timeout=10):
        def f():
            for r in self.records():
                if r[0] == tag and r[1] == "ready":
                    return r
            return None
        r = wait_until(f, timeout)
        if r and tag == "child":
            self.child = int(r[3])
        return r

    def wait_sigs(self, n, tag="child", timeout=5):
        """Waits for n recorded signals; gives up early once runner and child are gone."""
        def f():
            if len(self.sigs(tag)) >= n:
                return True
            if self.p.poll() is not None and (self.child is None or not alive(self.child)):
                return None
            return False
        return wait_until(lambda: f() is not False, timeout) and len(self.sigs(tag)) >= n

    def kill(self, sig):
        """Signals the runner; a runner already gone is for the assertions to see."""
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def wait(self, timeout=10):
        try:
            rc = self.p.wait(timeout=timeout * SLOW)
        except subprocess.TimeoutExpired:
            rc = None
        return rc

    def err(self):
        if self.errf:
            self.errf.flush()
        try:
            with open(self.errpath, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def errlines(self):
        """The runner's stderr lines, minus valgrind's own (==pid== ...)."""
        return [l for l in self.err().splitlines() if not re.match(r"^==\d+==", l)]

    def norm(self, sender=None):
        """The log lines with pids replaced by CHILD / SENDER / PID."""
        out = []
        for l in self.errlines():
            if self.child is not None:
                l = re.sub(r"\b%d\b" % self.child, "CHILD", l)
            if sender is not None:
                l = re.sub(r"\b%d\b" % sender, "SENDER", l)
            out.append(l)
        return out

    def cleanup(self):
        if self.p.poll() is None:
            try:
                self.p.kill()
            except OSError:
                pass
            self.p.wait()
        if self.child and alive(self.child):
            try:
                os.kill(self.child, signal.SIGKILL)
            except OSError:
                pass
        if self.errf:
            self.errf.close()
        subprocess.call(["rm", "-rf", self.dir])


def check_setup(tap):
    """Fails loudly (not a skip) when the things under test are missing."""
    good = True
    for path, what in ((RUNNER, "SELFPIPE_RUN (build/selfpipe-run)"), (CHILD, "sprun-child (make tests)")):
        if not (path and os.access(path, os.X_OK)):
            tap.ok(False, "%s is built: %s" % (what, path))
            good = False
    if not good:
        tap.done()
