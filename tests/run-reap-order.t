#!/usr/bin/env python3
# ISC license. Never a stranger: the signal handler forwards on its own
# (the fast path), so the runner must clear the target after it learns
# of the child's death and before it reaps it. The test build of the
# runner (tests/selfpipe-run-hooked, SPRUN_TEST_HOOKS) stops before each
# reap until the test lets it go, and says so on a socket
# (SPRUN_TEST_REAP_FD):
#  1. while the loop is held there (reaping an orphan, -s) and it polls
#     a descriptor besides the signals (-N's notify socket), a signal
#     still reaches the child: the handler forwards it, not the loop;
#     with nothing but signals to wait for, the runner holds them and
#     takes each itself (sigtimedwait): the signal waits in the kernel
#     until the loop comes back, then goes to the child at once;
#  2. held between the child's death and its reap, a flood of signals
#     arrives: every one is logged "not forwarded: target gone", none
#     was sent (a kill() to the dead pid would be logged as a forward,
#     or as failed); reaping before clearing makes this fail.

import os, re, signal, socket, sys

sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
import sprun_lib
from sprun_lib import *

tap = Tap()
check_setup(tap)
HOOKED = os.path.join(TESTS, "selfpipe-run-hooked")
if not os.access(HOOKED, os.X_OK):
    tap.ok(False, "the test build is there: %s (make tests)" % HOOKED)
    sys.exit(tap.plan())
sprun_lib.RUNNER = HOOKED
FLOOD = 20
RT = RTMIN + 1
ME = os.getpid()


def hooked(ropts, cargs):
    """The test build, its reaps held on a socket: (Run, our end)."""
    ours, theirs = socket.socketpair()
    env = dict(os.environ, SPRUN_TEST_REAP_FD=str(theirs.fileno()))
    r = Run(ropts, cargs, pass_fds=(theirs.fileno(),), env=env)
    theirs.close()
    ours.settimeout(scaled(20))
    return r, ours


def paused(sock):
    """The pid the runner is about to reap, once it is held; 0 if it never is."""
    buf = b""
    try:
        while not buf.endswith(b"\n"):
            c = sock.recv(64)
            if not c:
                return 0
            buf += c
    except socket.timeout:
        return 0
    m = re.match(rb"reap (\d+)\n$", buf)
    return int(m.group(1)) if m else 0


# 1. the loop held in a reap: the handler forwards when the loop polls;
#    held, the delivery waits for the loop
def held_in_reap(ropts, what, polled):
    """A USR1 sent while the loop is stopped before reaping an orphan:
    with polled, the handler forwards it at once; without, it waits for
    the loop, which forwards it as soon as it is let go."""
    r, sock = hooked(["-s", "-v", "1"] + ropts, ["-O", "100", "-x", "TERM:0"])
    tap.ok(r.ready(), "1%s: the child is ready" % what)
    orphan = paused(sock)
    tap.ok(orphan and orphan != r.child, "1%s: the runner is held before reaping the orphan (%s)" % (what, orphan))
    r.kill(signal.SIGUSR1)
    if polled:
        tap.ok(r.wait_sigs(1, timeout=10) and r.sigs() == ["SIGUSR1"],
               "1%s: the child got SIGUSR1 while the loop was held" % what, r.records())
    else:
        # pending in the runner, blocked: give it the time a handler would have needed
        bit = 1 << (signal.SIGUSR1 - 1)
        wait_until(lambda: pending(r.pid) & bit, 5)
        tap.ok(pending(r.pid) & bit and r.sigs() == [],
               "1%s: held, the SIGUSR1 waits in the runner while the loop is stopped" % what, r.records())
    sock.sendall(b"g")
    if not polled:
        tap.ok(r.wait_sigs(1, timeout=10) and r.sigs() == ["SIGUSR1"],
               "1%s: once the loop goes on, the child gets it" % what, r.records())
    tap.ok(wait_until(lambda: any(re.search(r"SIGUSR1 from pid %d \([^)]+\) uid \d+ by kill -> SIGUSR1 to pid %d$" % (ME, r.child), l)
                                  for l in r.errlines()), 10),
           "1%s: once let go, the loop logs the forward" % what, r.errlines())
    r.kill(signal.SIGTERM)
    while r.p.poll() is None and paused(sock):
        sock.sendall(b"g")
    tap.ok(r.wait() == 0, "1%s: SIGTERM ends it (%s)" % (what, r.p.returncode), r.errlines())
    r.cleanup()
    sock.close()


held_in_reap(["-N"], "a (-N, polled)", True)
held_in_reap([], "b (held)", False)

# 2. held between the death and the reap, under a flood
r, sock = hooked(["-v", "1"], [])
tap.ok(r.ready(), "2: the child is ready")
r.kill(RT)
tap.ok(r.wait_sigs(1, timeout=10), "2: before: %s reaches the child" % sig_name(RT), r.records())
os.kill(r.child, signal.SIGKILL)
held = paused(sock)
tap.ok(held == r.child, "2: the runner is held before reaping its dead child (%s, child %s)" % (held, r.child))
for i in range(FLOOD):
    r.kill(RT)
# every one is pending in the runner now: its handler runs for each
# before the read of our byte returns there
sock.sendall(b"g")
rc = r.wait()
tap.ok(rc == 128 + signal.SIGKILL, "2: the runner exits as its child did (%s)" % rc, r.errlines())
lines = expand(r.errlines())
name = re.escape(sig_name(RT))
end = [i for i, l in enumerate(lines) if re.match(r"selfpipe-run: info: child %d killed by SIGKILL$" % r.child, l)]
tap.ok(end, "2: the child's end is logged", lines)
after = lines[end[0] + 1:] if end else []
gone = [l for l in after if re.match(r"selfpipe-run: info: %s from pid %d \([^)]+\) uid \d+ by kill -> not forwarded: target gone$" % (name, ME), l)]
sent = [l for l in lines if re.match(r"selfpipe-run: \w+: %s from .* -> .* to (pid|group) " % name, l)]
tap.ok(len(gone) == FLOOD, "2: all %d deliveries after the death logged as not forwarded, target gone (%d)" % (FLOOD, len(gone)), lines)
tap.ok(len(sent) == 1, "2: only the one before the death was sent (%d forwards or failures logged)" % len(sent), sent)
tap.ok(r.sigs() == [sig_name(RT)], "2: the child got that one only", r.records())
r.cleanup()
sock.close()

sys.exit(tap.plan())
