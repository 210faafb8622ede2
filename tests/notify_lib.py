# ISC license. The tests of selfpipe-run -N, -n, -d, -H, reload
# confirmation and the watchdog: selfpipe-run over tests/notify_daemon.py,
# driven through its control fifo.

import os
import select
import socket
import tempfile
import time

from pytap import SRC
from sprun_lib import CHILD_PY, Run, wait_until, alive  # noqa: F401

DAEMON = os.path.join(SRC, "tests", "notify_daemon.py")


class NotifyRun(Run):
    """selfpipe-run ropts notify_daemon.py; with notif, the runner's -n is
    a pipe whose read end is self.notif_r."""

    def __init__(self, ropts, onhup=(), notif=False, **kw):
        self.cdir = tempfile.mkdtemp(prefix="sprun-notify-")
        self.ctl = os.path.join(self.cdir, "ctl")
        os.mkfifo(self.ctl)
        self.notif_r = None
        ropts = list(ropts)
        if notif:
            self.notif_r, w = os.pipe()
            ropts = ["-n", str(w)] + ropts
            kw["pass_fds"] = tuple(kw.get("pass_fds", ())) + (w,)
        rec = os.path.join(self.cdir, "rec")
        prog = [CHILD_PY, DAEMON, rec, self.ctl] + (["onhup"] + list(onhup) if onhup else [])
        Run.__init__(self, ropts, prog=prog, **kw)
        self.rec = rec
        if notif:
            os.close(w)

    def started(self, timeout=10):
        r = wait_until(lambda: [x for x in self.records() if x[:1] == ["start"]], timeout)
        if r:
            self.child = int(r[0][1])
        return bool(r)

    def cmd(self, line):
        with open(self.ctl, "w") as f:
            f.write(line + "\n")

    def count(self, *words):
        return len([x for x in self.records() if x[:len(words)] == list(words)])

    def wait_rec(self, *words, n=1, timeout=10, step=0.01):
        return bool(wait_until(lambda: self.count(*words) >= n, timeout, step))

    def wait_log(self, text, timeout=10):
        """The first log line containing text, or None."""
        def f():
            return [l for l in self.errlines() if text in l]
        r = wait_until(f, timeout)
        return r[0] if r else None

    def notified(self, timeout):
        """What the -n pipe holds after timeout seconds at most: b"\\n" then
        b"" (closed) is the protocol."""
        r, _, _ = select.select([self.notif_r], [], [], timeout)
        return os.read(self.notif_r, 64) if r else None

    def socket_name(self):
        with open("/proc/%d/environ" % self.child, "rb") as f:
            env = dict(x.split(b"=", 1) for x in f.read().split(b"\0") if b"=" in x)
        return env.get(b"NOTIFY_SOCKET", b"").decode()

    def send_outside(self, text):
        """A datagram from the test itself: outside the service's tree."""
        a = self.socket_name()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.sendto(text.encode(), "\0" + a[1:] if a.startswith("@") else a)
        s.close()

    def cleanup(self):
        for w in [int(x[1]) for x in self.records() if x[:1] == ["worker"]]:
            if alive(w):
                os.kill(w, 9)
        Run.cleanup(self)
        if self.notif_r is not None:
            os.close(self.notif_r)
        for f in os.listdir(self.cdir):
            os.unlink(os.path.join(self.cdir, f))
        os.rmdir(self.cdir)


def ms_since(t0):
    return (time.monotonic() - t0) * 1000
