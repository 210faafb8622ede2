# ISC license. Shared pieces of the hardening tests (tests/hard-*.t).

import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sprun_lib import Tap, sig_name, RTMIN, full_pipe  # noqa: E402  (the runner tests' own)

RUNNER = os.environ.get("SELFPIPE_RUN", "")
# RTMIN (from sprun_lib) follows the runner's libc, not python3's
RTMAX = signal.SIGRTMAX

# The children's python: Debian's, which nobody can run too (the one
# running the tests may live in root's home).
CHILD_PY = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable

# A child that counts signals: it blocks the signals given as numbers on
# its command line (PIPE gets SIG_DFL first: python ignores it, and an
# ignored signal would not count), writes "R", then takes them one at a
# time with sigwaitinfo and writes one byte per delivery: the signal
# number. TERM ends it: it writes "E" and exits with the code in argv[1].
COUNTER = r"""
import os, signal, sys
code = int(sys.argv[1])
sigs = set(int(a) for a in sys.argv[2:]) | {signal.SIGTERM}
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
os.write(1, b"R")
while True:
    s = signal.sigwaitinfo(sigs).si_signo
    if s == signal.SIGTERM:
        os.write(1, b"E")
        os._exit(code)
    os.write(1, bytes([s]))
"""


# root's pending signals are shared by every root process on the machine
# (RLIMIT_SIGPENDING is per user): floods run as nobody.
AS_NOBODY = ["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups"]


def need_runner(tap):
    if not RUNNER or not os.access(RUNNER, os.X_OK):
        tap.ok(False, "SELFPIPE_RUN (%r) is an executable: run through tests/check" % RUNNER)
        tap.done()


def wait_until(cond, timeout, step=0.01):
    end = time.monotonic() + timeout
    while True:
        if cond():
            return True
        if time.monotonic() >= end:
            return False
        time.sleep(step)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


class Counted:
    """[wrap...] selfpipe-run [opts] python3 -c COUNTER code sigs..., its
    stdout a pipe to us; stderr is given (a file object or fd) or a log
    file. With wrap, self.pid is the wrapper's: it must exec the runner."""

    def __init__(self, sigs, opts=(), code=0, stderr=None, wrap=()):
        self.dir = tempfile.mkdtemp(prefix="sp-hard-")
        self.logpath = os.path.join(self.dir, "log")
        own = stderr is None
        err = open(self.logpath, "wb") if own else stderr
        self.p = subprocess.Popen(list(wrap) + [RUNNER] + list(opts) +
                                  [CHILD_PY, "-c", COUNTER, str(code)] + [str(s) for s in sigs],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        if own:
            err.close()
        self.pid = self.p.pid
        self.out = self.p.stdout.fileno()
        self.counts = {}
        self.total = 0
        self.ended = False

    def ready(self, timeout=10):
        """Waits for the child's "R"; True if it came."""
        import select
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            r, _, _ = select.select([self.out], [], [], 0.2)
            if r:
                b = os.read(self.out, 1)
                return b == b"R"
        return False

    def pump(self, want, timeout):
        """Reads acks until the child has counted want signals in all, or
        timeout seconds pass with nothing new. Returns the total."""
        import select
        last = time.monotonic()
        while self.total < want and not self.ended:
            r, _, _ = select.select([self.out], [], [], 0.1)
            if not r:
                if time.monotonic() - last > timeout:
                    break
                continue
            data = os.read(self.out, 65536)
            if not data:
                self.ended = True
                break
            last = time.monotonic()
            for b in data:
                if b == ord("E"):
                    self.ended = True
                    continue
                self.counts[b] = self.counts.get(b, 0) + 1
                self.total += 1
        return self.total

    def finish(self, timeout=10):
        """TERM to the runner, collects what is left, returns its exit code."""
        try:
            self.p.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        self.pump(1 << 62, 0.5)
        self.p.stdout.close()
        return rc

    def log(self):
        with open(self.logpath, "rb") as f:
            return f.read().decode("utf-8", "replace").splitlines()

    def cleanup(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
        for f in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, f))
        os.rmdir(self.dir)


FORWARD_RE = re.compile(r"^selfpipe-run: info: (SIG[A-Z0-9+-]+) from .* -> (SIG[A-Z0-9+-]+) to (pid|group) ")
REPEAT_RE = re.compile(r"^(.*) \(repeated (\d+) times\)$")


def expand(lines):
    """The log lines with each fold line of -v 1 ("<line> (repeated N
    times)": N more times after the first) replaced by N copies of <line>."""
    out = []
    for l in lines:
        m = REPEAT_RE.match(l)
        if m:
            out.extend([m.group(1)] * int(m.group(2)))
        else:
            out.append(l)
    return out


def forwards_logged(lines):
    """{signal name: number of forwards the log lines account for}"""
    n = {}
    for l in expand(lines):
        m = FORWARD_RE.match(l)
        if m:
            n[m.group(2)] = n.get(m.group(2), 0) + 1
    return n
