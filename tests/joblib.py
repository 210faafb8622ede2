# ISC license. A runner (selfpipe-run, or a peer: tini, dumb-init) and its
# test child (sprun-child, recording every signal), started three ways:
# plainly in a session of its own, as the foreground job of a terminal
# (a pty, with a shell-like leader), or by a parent that dies on cue.

import ctypes, os, re, signal, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sprun_lib import CHILD, CHILD_PY, alive, children, file_lines, scaled, wait_until  # noqa: E402

# A shell-like layout: a session leader that owns the terminal and runs
# its argv as the foreground job, in a process group of its own (so that
# group is not orphaned and ^Z really stops it). With SP_FG_AFTER, it
# writes who holds the terminal once the job is over: "fg-group job-group".
PTY_LEADER = r"""
import os, sys, signal
tty = os.open("/dev/tty", os.O_RDWR)
pid = os.fork()
if pid == 0:
    os.setpgid(0, 0)
    signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    os.tcsetpgrp(tty, os.getpgrp())
    signal.signal(signal.SIGTTOU, signal.SIG_DFL)
    os.execvp(sys.argv[1], sys.argv[1:])
while True:
    p, st = os.waitpid(pid, os.WUNTRACED)
    if not os.WIFSTOPPED(st):
        break
if os.environ.get("SP_FG_AFTER"):
    with open(os.environ["SP_FG_AFTER"], "w") as f:
        f.write("%d %d" % (os.tcgetpgrp(tty), pid))
os._exit(os.WEXITSTATUS(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st))
"""


def pty_preexec(std_on_tty=True):
    """For Popen(preexec_fn=): the terminal on fd 0 becomes the controlling
    one; std_on_tty False then moves stdin and stdout to /dev/null."""
    import fcntl, termios

    def f():
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        if not std_on_tty:
            null = os.open("/dev/null", os.O_RDWR)
            os.dup2(null, 0)
            os.dup2(null, 1)
    return f


# The parent that dies: forks its argv, says the pid before letting it
# run (so the pid is out even if the child kills it at once), sends it
# the signals named on its stdin ("kill N"), and exits when stdin closes.
DYING_PARENT = r"""
import os, sys
err = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(w)
    os.read(r, 1)
    null = os.open("/dev/null", os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.dup2(err, 2)
    os.execvp(sys.argv[2], sys.argv[2:])
os.close(r)
os.write(1, b"%d\n" % pid)
os.close(w)
for line in sys.stdin:
    os.kill(pid, int(line.split()[1]))
os._exit(0)
"""

_subreaper = []


def _become_subreaper():
    # an orphaned runner is reparented to us: we can wait for it
    if not _subreaper:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)   # PR_SET_CHILD_SUBREAPER
        _subreaper.append(1)


class Job:
    """cmd + [sprun-child -o rec] + cargs. how: "plain", "pty" (the
    foreground job of a new terminal, self.master its master side) or
    "parent" (started by a parent that dies on die())."""

    def __init__(self, cmd, cargs=(), how="plain", env=None, cwd=None, std_on_tty=True):
        self.dir = tempfile.mkdtemp(prefix="sprun-job-")
        self.rec = os.path.join(self.dir, "rec")
        self.errpath = os.path.join(self.dir, "err")
        self.how = how
        self.child = None
        self.rc = None
        full = list(cmd) + [CHILD, "-o", self.rec] + list(cargs)
        kw = dict(env=env, cwd=cwd, start_new_session=True)
        with open(self.errpath, "wb") as err:
            if how == "parent":
                _become_subreaper()
                self.p = subprocess.Popen([CHILD_PY, "-c", DYING_PARENT, self.errpath] + full,
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, **kw)
                self.pid = int(self.p.stdout.readline())
            elif how == "pty":
                self.master, slave = os.openpty()
                self.p = subprocess.Popen([CHILD_PY, "-c", PTY_LEADER] + full, stdin=slave, stdout=slave,
                                          stderr=err, preexec_fn=pty_preexec(std_on_tty), **kw)
                os.close(slave)
                self.pid = wait_until(lambda: (children(self.p.pid) or [None])[0], 10)
            else:
                self.p = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=err, **kw)
                self.pid = self.p.pid

    def records(self, tag="child", what="sig"):
        return [l.split() for l in file_lines(self.rec) if l.split()[:2] == [tag, what]]

    def ready(self, tag="child", timeout=10):
        r = wait_until(lambda: self.records(tag, "ready"), timeout)
        if r and tag == "child":
            self.child = int(r[0][3])
        return r[0] if r else None

    def sigs(self, tag="child"):
        return [r[2] for r in self.records(tag)]

    def wait_sigs(self, n, tag="child", timeout=5):
        return wait_until(lambda: len(self.sigs(tag)) >= n, timeout) and len(self.sigs(tag)) >= n

    def kill(self, sig):
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def die(self):
        """The parent exits (how="parent")."""
        self.p.stdin.close()
        self.p.wait()

    def wait(self, timeout=10):
        """The runner's exit code (minus the signal if one killed it), None
        if it still runs at the deadline."""
        if self.how != "parent":
            try:
                rc = self.p.wait(timeout=scaled(timeout))
            except subprocess.TimeoutExpired:
                return None
            return rc

        def gone():
            try:
                p, st = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                return None
            if p:
                self.rc = os.WEXITSTATUS(st) if os.WIFEXITED(st) else -os.WTERMSIG(st)
            return bool(p)
        wait_until(gone, timeout)
        return self.rc

    def errlines(self):
        return [l for l in file_lines(self.errpath) if not re.match(r"^==\d+==", l)]

    def cleanup(self):
        pids = [self.pid, self.child] + [int(r[3]) for r in self.records("gchild", "ready")]
        for pid in pids:
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        if self.how == "parent":
            if self.p.poll() is None:
                self.die()
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
        else:
            self.p.wait()
        if self.how == "pty":
            os.close(self.master)
        subprocess.call(["rm", "-rf", self.dir])
