# ISC license. Shared pieces of the python3 tests of selfpipe-run
# (tests/run-*.t, tests/stress-*.t): the runner, its test child, reading
# /proc, a counting child for floods.

import os
import re
import select
import shlex
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytap import Tap, PHASE, SCALE, SLOW, SETTLE, file_lines, scaled, settle, wait_until  # noqa: E402,F401

WRAP = shlex.split(os.environ.get("SP_WRAP", ""))
RUNNER = os.environ.get("SELFPIPE_RUN", "")
TESTS = os.environ.get("SP_TESTS", "")
CHILD = os.path.join(TESTS, "sprun-child")
SIGNAME_RE = r"SIG[A-Z0-9+-]+"
# The runner's libc decides where real-time signals start: glibc 34, musl 35
# (make check-musl says so in SP_SIGRTMIN); python3 is glibc's.
RTMIN = int(os.environ.get("SP_SIGRTMIN", signal.SIGRTMIN))
RTMAX = signal.SIGRTMAX
# How the runner names a sender that is this test: its pid, the command
# name it reads from /proc, its uid, and kill(2)'s si_code
with open("/proc/self/comm") as _f:
    MY_COMM = _f.read().rstrip("\n")


def from_me(pid="SENDER", uid=None, code="kill"):
    """The log's words for a delivery this process sent with kill():
    'from pid SENDER (run-forward.t) uid 0 by kill'."""
    return "from pid %s (%s) uid %d by %s" % (pid, MY_COMM, os.getuid() if uid is None else uid, code)


def from_me_re(pid=None, code="kill"):
    """The same as a regex, any pid when pid is None."""
    return r"from pid %s \(%s\) uid %d by %s" % (r"\d+" if pid is None else pid, re.escape(MY_COMM), os.getuid(), code)


# valgrind keeps the highest signal for itself: the runner cannot catch it there
CATCH_MAX = signal.SIGRTMAX - 1 if PHASE == "valgrind" else signal.SIGRTMAX


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


def runner_cmd(args, log_fd=None):
    """[$SP_WRAP] selfpipe-run args; log_fd: where valgrind writes, for a
    test that closes the runner's stderr."""
    wrap = WRAP
    if log_fd is not None and WRAP and os.path.basename(WRAP[0]) == "valgrind":
        wrap = WRAP[:1] + ["--log-fd=%d" % log_fd] + WRAP[1:]
    return wrap + [RUNNER] + list(args)


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


def child_running(pid, comm, timeout=5):
    """The pid of pid's first child once it runs comm (the runner has set
    its traps by then: it spawns after), 0 at the deadline."""
    def f():
        kids = children(pid)
        try:
            with open("/proc/%d/cmdline" % kids[0], "rb") as fp:
                arg0 = fp.read().split(b"\0")[0]
            return int(kids[0]) if os.path.basename(arg0) == comm.encode() else 0
        except (OSError, IndexError):
            return 0
    return wait_until(f, timeout, 0.02)


def children(pid):
    """pid's children, as ints ([] once it is gone)."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as fp:
            return [int(k) for k in fp.read().split()]
    except OSError:
        return []


def pending(pid):
    """The signals pending for pid (thread and process), as a bit mask."""
    return int(proc_field(pid, "SigPnd") or "0", 16) | int(proc_field(pid, "ShdPnd") or "0", 16)


def queue_while_stopped(pid, sig, n):
    """Stops pid, queues n sig for it, leaves it stopped: on SIGCONT the
    kernel delivers them all before its main loop runs. Returns how many
    were queued (RLIMIT_SIGPENDING may stop it short)."""
    os.kill(pid, signal.SIGSTOP)
    wait_state(pid, "T", 5)
    for i in range(n):
        try:
            os.kill(pid, sig)
        except OSError:
            return i
    return n


def drained(pid, *sigs, timeout=10):
    """Waits until none of sigs is pending for pid and it sleeps again:
    it has taken every delivery and read them."""
    bits = sum(1 << (s - 1) for s in sigs)
    return wait_until(lambda: not pending(pid) & bits and proc_state(pid) == "S", timeout)


def stderr_at_end(p, timeout=10):
    """What p (a Popen with stderr=PIPE) wrote on stderr, once it has
    exited; SIGKILLed if it has not within timeout (scaled)."""
    try:
        return p.communicate(timeout=scaled(timeout))[1].decode()
    except subprocess.TimeoutExpired:
        p.kill()
        return p.communicate()[1].decode()


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
            rc = self.p.wait(timeout=scaled(timeout))
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


def sh_script(dir, name, body):
    """An executable /bin/sh script dir/name running body; its path."""
    path = os.path.join(dir, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body + "\n")
    os.chmod(path, 0o755)
    return path


def check_setup(tap):
    """Fails loudly (not a skip) when the things under test are missing."""
    good = True
    for path, what in ((RUNNER, "SELFPIPE_RUN (build/selfpipe-run)"), (CHILD, "sprun-child (make tests)")):
        if not (path and os.access(path, os.X_OK)):
            tap.ok(False, "%s is built: %s" % (what, path))
            good = False
    if not good:
        tap.done()


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


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


class Counted:
    """[wrap...] [$SP_WRAP] selfpipe-run [opts] python3 -c COUNTER code
    sigs..., its stdout a pipe to us; stderr is given (a file object or
    fd) or a log file. With wrap, self.pid is the wrapper's: it must exec
    the runner."""

    def __init__(self, sigs, opts=(), code=0, stderr=None, wrap=(), log_fd=None):
        self.dir = tempfile.mkdtemp(prefix="sprun-count-")
        self.logpath = os.path.join(self.dir, "log")
        own = stderr is None
        err = open(self.logpath, "wb") if own else stderr
        self.p = subprocess.Popen(list(wrap) + runner_cmd(opts, log_fd) +
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
        r = wait_until(lambda: select.select([self.out], [], [], 0.2)[0], timeout, 0)
        return bool(r) and os.read(self.out, 1) == b"R"

    def pump(self, want, timeout):
        """Reads acks until the child has counted want signals in all, or
        timeout seconds (scaled) pass with nothing new. Returns the total."""
        timeout = scaled(timeout)
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
            rc = self.p.wait(scaled(timeout))
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
