#!/usr/bin/env python3
# ISC license. selfpipe-run -N: the sd_notify socket. Who is heard (the
# kernel's credentials: only the service's tree; READY=1 only from the
# main process), each message, MAINPID=, what -n announces, and what
# a 1 MB datagram and a flood of 1e5 STATUS= cost.

import os, signal, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *
from notify_lib import NotifyRun, ms_since

tap = Tap()
check_setup(tap)

# 1. the socket, the senders, readiness
r = NotifyRun(["-N"], notif=True)
tap.ok(r.started(), "-N: the service starts")
name = r.socket_name()
tap.ok(name.startswith("@selfpipe-run/%d/" % r.pid), "  NOTIFY_SOCKET is in the abstract namespace, named for the runner (%s)" % name)

r.send_outside("READY=1")
line = r.wait_log("not of the service's tree")
tap.ok(line is not None and line.endswith("notify: 7 bytes from pid %d uid %d: dropped: not of the service's tree" % (os.getpid(), os.getuid())),
       "  a READY=1 from outside the tree is dropped, with the sender's pid and uid", line)
# another user, outside the tree: the abstract socket has no permissions to stop it, the credentials do
nobody = subprocess.run(AS_NOBODY + [CHILD_PY, "-c", "import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'READY=1', '\\0' + sys.argv[1][1:])", name],
                        stderr=subprocess.PIPE)
line = r.wait_log("uid 65534")
tap.ok(nobody.returncode == 0 and line is not None and line.endswith("uid 65534: dropped: not of the service's tree"),
       "  so is one from nobody, outside the tree", "%s %s" % (line, nobody.stderr))
r.cmd("worker")
r.wait_rec("worker")
worker = int([x for x in r.records() if x[0] == "worker"][0][1])
r.cmd("wsend READY=1\\nSTOPPING=1")
line = r.wait_log("READY=1 from pid %d" % worker)
tap.ok(line == "selfpipe-run: info: notify: READY=1 from pid %d, not the main process: ignored" % worker,
       "  READY=1 from a worker of the tree: heard, logged, ignored", line)
tap.ok(r.wait_log("notify: STOPPING=1 from pid %d, not the main process: ignored" % worker) is not None,
       "  so is its STOPPING=1")
r.cmd("send \\xff\\x00READY=1\\x01")
r.wait_rec("done", "send")
settle(0.2)
tap.ok(r.notified(0) is None and not any("service ready" in l for l in r.errlines()),
       "  nothing of that, nor a binary datagram, made the service ready", r.errlines())

r.cmd("send STATUS=up and running\\nREADY=1")
t0 = time.monotonic()
got = r.notified(scaled(5))
lat = ms_since(t0)
tap.ok(got == b"\n", "READY=1 from the child: one newline on the -n fd (%.1f ms after the command)" % lat, got)
tap.ok(r.notified(scaled(2)) == b"", "  and the fd is closed: the s6 protocol is one-shot")
tap.ok(r.wait_log("STATUS=up and running") == "selfpipe-run: info: notify: STATUS=up and running from pid %d" % r.child,
       "  STATUS= is logged, with its sender")
tap.ok(r.wait_log("service ready") == "selfpipe-run: info: service ready: READY=1 from pid %d" % r.child,
       "  the log line says who made it ready")
r.cmd("send READY=1")
r.wait_rec("done", "send", n=3)
settle(0.2)
tap.ok(len([l for l in r.errlines() if "service ready" in l]) == 1, "  a READY=1 again (a heartbeat) is not announced again")

# MAINPID=: only to a process of the tree; signals follow it
r.cmd("send MAINPID=1")
line = r.wait_log("MAINPID=1 ")
tap.ok(line == "selfpipe-run: warning: notify: MAINPID=1 from pid %d: not a living process of the service's tree: ignored" % r.child,
       "MAINPID=1 (outside the tree): refused", line)
r.cmd("wsend MAINPID=%d" % worker)
line = r.wait_log("MAINPID=%d from pid %d" % (worker, worker))
tap.ok(line is not None and line.endswith("not the main process: ignored"), "MAINPID= from a worker, not the main process: ignored", line)
r.cmd("send MAINPID=%d" % worker)
line = r.wait_log("the main process is now")
tap.ok(line == "selfpipe-run: info: notify: the main process is now pid %d (MAINPID= from pid %d)" % (worker, r.child),
       "MAINPID=<worker> from the child: the worker is the main process", line)
r.kill(signal.SIGUSR1)
tap.ok(r.wait_rec("wsig", "SIGUSR1"), "  a USR1 to the runner now goes to the worker")
tap.ok(r.count("sig", "SIGUSR1") == 0, "  and not to the child")
r.cmd("wsend READY=1")
r.wait_rec("done", "wsend", n=4)
settle(0.2)
tap.ok(not any(("READY=1 from pid %d, not" % worker) in l for l in r.errlines()[-3:]), "  its READY=1 is the main process's now")

# the main process dies, not the runner's child: signals go back to the child
os.kill(worker, signal.SIGKILL)
if PHASE == "valgrind":
    for what in ("the MAINPID= process dies: said at once", "  signals go to the child again"):
        tap.skip(what, "valgrind 3.19 does not know pidfd_open, which watches it")
else:
    line = r.wait_log("is gone")
    tap.ok(line == "selfpipe-run: warning: notify: the main process pid %d is gone: signals go to the child again" % worker,
           "the MAINPID= process dies (the child's child, not the runner's): said at once", line)
    r.kill(signal.SIGUSR2)
    tap.ok(r.wait_rec("sig", "SIGUSR2"), "  a USR2 to the runner now goes to the child again")

# 2. a 1 MB datagram: dropped, said, nothing held
rss_before = rss_kb(r.pid)
r.cmd("big 1048576")
r.wait_rec("done", "big")
big = [x for x in r.records() if x[:2] == ["done", "big"]][0]
if big[2] == "failed":
    tap.skip("a 1 MB datagram is dropped", "the kernel refused to send it (errno %s)" % big[3])
else:
    line = r.wait_log("1048576 bytes")
    tap.ok(line == "selfpipe-run: warning: notify: 1048576 bytes from pid %d uid %d: dropped: more than 4096 bytes" % (r.child, os.getuid()),
           "a 1 MB datagram from the child: dropped, with its size", line)
# relative: under valgrind the RSS is mostly valgrind's
tap.ok(rss_kb(r.pid) - rss_before < 256, "  the runner's RSS does not grow (%d kB before, %d kB after)" % (rss_before, rss_kb(r.pid)))
r.cmd("send STATUS=after the big one")
tap.ok(r.wait_log("STATUS=after the big one") is not None, "  the next message is heard")
r.cmd("exit 0")
tap.ok(r.wait() == 0, "the service exits 0: so does the runner")
r.cleanup()

# -g: the target is the child's group, its leader is still the main process
r = NotifyRun(["-N", "-g"], notif=True)
r.started()
r.cmd("send READY=1")
tap.ok(r.notified(scaled(5)) == b"\n" and r.wait_log("service ready: READY=1 from pid %d" % r.child) is not None,
       "-N -g: READY=1 from the child, its group's leader, makes it ready")
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

# 3. a flood of 1e5 STATUS=: forwarding keeps its pace, memory stays flat
N = 100000
r = NotifyRun(["-N"])
r.started()
r.cmd("send READY=1")
r.wait_log("service ready")


def usr1_latency(k):
    """ms from a USR1 to the runner to the child's record of it"""
    t0 = time.monotonic()
    r.kill(signal.SIGUSR1)
    r.wait_rec("sig", "SIGUSR1", n=k, timeout=5, step=0.001)
    return ms_since(t0)


idle = sorted(usr1_latency(k) for k in range(1, 6))[2]
rss0 = rss_kb(r.pid)
r.cmd("flood %d" % N)
t0 = time.monotonic()
during, k, rss_max = [], 6, rss0
while not r.count("done", "flood") and time.monotonic() - t0 < scaled(120):
    during.append(usr1_latency(k))
    k += 1
    rss_max = max(rss_max, rss_kb(r.pid))
    time.sleep(0.05)
flood_s = time.monotonic() - t0
tap.ok(r.count("done", "flood") == 1, "1e5 STATUS= datagrams sent, all taken (%.1f s)" % flood_s)
med = sorted(during)[len(during) // 2] if during else -1
tap.ok(during and med < max(50.0, 10 * idle) * SLOW,
       "  a USR1 during the flood still reaches the child: median %.1f ms over %d, %.1f ms idle" % (med, len(during), idle))
tap.ok(rss_max - rss0 < 256, "  the runner's RSS stays flat: %d kB before, %d kB at most during" % (rss0, rss_max))
lines = r.errlines()
status = len([l for l in lines if "STATUS=flood" in l])
tap.ok(status <= 10 * (flood_s + 2), "  STATUS= lines are rate-limited: %d logged in %.1f s" % (status, flood_s))
def counted():
    ls = r.errlines()
    return sum(int(m.group(1)) for m in (re.search(r"notify: (\d+) messages not logged \(more than 10 a second\)", l) for l in ls) if m)


# a second's count is said with the first message of the next second
sends = [0]


def more():
    sends[0] += 1
    r.cmd("send STATUS=more")
    return counted() + len([l for l in r.errlines() if "STATUS=flood" in l]) >= N


wait_until(more, 5, 0.1)
quiet = counted()
status = len([l for l in r.errlines() if "STATUS=flood" in l])
r.wait_rec("done", "send", n=1 + sends[0])
settle(0.1)
quiet = counted() - (sends[0] - len([l for l in r.errlines() if "STATUS=more" in l]))
tap.ok(status + quiet == N, "  and the rest are counted: %d logged + %d counted of %d" % (status, quiet, N), r.errlines()[-5:])
r.cmd("exit 0")
r.wait()
r.cleanup()

# The last words: a STOPPING=1 the service sends just before it exits is
# in the socket when the runner sees the death. Made certain: the runner
# is stopped while the child sends and dies, so both wait for it together.
LAST = ("import os, socket, sys\n"
        "sys.stdin.readline()\n"
        "a = os.environ['NOTIFY_SOCKET']\n"
        "socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'STOPPING=1', '\\0' + a[1:] if a[0] == '@' else a)\n")
p = subprocess.Popen(runner_cmd(["-N", sys.executable, "-c", LAST]), stdin=subprocess.PIPE, stderr=subprocess.PIPE)
child = None
def spawned():
    global child
    kids = children(p.pid)
    child = kids[0] if kids else None
    return child is not None and traps_ready(p.pid)
ok = wait_until(spawned, scaled(10), 0.02)
os.kill(p.pid, signal.SIGSTOP)
stopped = wait_state(p.pid, "T", scaled(10))
p.stdin.write(b"go\n")
p.stdin.flush()
dead = wait_state(child, "Z", scaled(10)) if child else False
os.kill(p.pid, signal.SIGCONT)
try:
    out = p.communicate(timeout=scaled(10))[1].decode(errors="replace").splitlines()
except subprocess.TimeoutExpired:
    p.kill()
    out = p.communicate()[1].decode(errors="replace").splitlines()
said = [i for i, l in enumerate(out) if l == "selfpipe-run: info: notify: stopping: STOPPING=1 from pid %s" % child]
ended = [i for i, l in enumerate(out) if l == "selfpipe-run: info: child %s exited 0" % child]
tap.ok(ok and stopped and dead and said and ended and said[0] < ended[0] and p.returncode == 0,
       "a STOPPING=1 sent just before the exit, both waiting for the runner: logged, then the child's end (exit %s)" % p.returncode, out)
tap.done()
