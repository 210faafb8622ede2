#!/usr/bin/env python3
# ISC license. selfpipe-run as PID 1 of a new pid namespace
# (unshare -pf --mount-proc): its child makes 1,000 orphans, which the
# runner must reap (no zombie left); TERM from outside the namespace (as
# docker stop or a supervisor sends it: si_pid 0 there) is forwarded;
# the runner exits with the child's code.

import os, select, signal, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from hard_lib import *

tap = Tap()
need_runner(tap)

ORPHANS = 1000

# The child: 1000 times, fork a process that forks a grandchild and exits
# at once, so the grandchild ends up an orphan of PID 1. Then it waits
# until no zombie is left in the namespace (at most 20 s), writes how many
# it saw, "R", and exits 42 when TERM comes.
STORM = r"""
import os, signal, sys, time
def zombies():
    n = 0
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                st = open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if st[0] == "Z":
                n += 1
    return n
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
for i in range(ORPHANS):
    pid = os.fork()
    if pid == 0:
        if os.fork() == 0:
            os._exit(0)
        os._exit(0)
    os.waitpid(pid, 0)
end = time.monotonic() + 20
while zombies() and time.monotonic() < end:
    time.sleep(0.05)
os.write(1, b"%d R" % zombies())
signal.sigwaitinfo({signal.SIGTERM})
os._exit(42)
""".replace("ORPHANS", str(ORPHANS))

need = [c for c in ("unshare",) if subprocess.call(["sh", "-c", "command -v " + c], stdout=subprocess.DEVNULL) != 0]
if need:
    tap.ok(False, "unshare is installed (Debian package util-linux)")
    tap.done()

d = tempfile.mkdtemp(prefix="sp-hard-")
logpath = os.path.join(d, "log")
t0 = time.monotonic()
with open(logpath, "wb") as log:
    p = subprocess.Popen(["unshare", "-pf", "--mount-proc", RUNNER, CHILD_PY, "-c", STORM],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log)
out = b""
end = time.monotonic() + 60
while not out.endswith(b"R") and time.monotonic() < end and p.poll() is None:
    r, _, _ = select.select([p.stdout], [], [], 0.2)
    if r:
        b = os.read(p.stdout.fileno(), 64)
        if not b:
            break
        out += b
storm = time.monotonic() - t0
tap.ok(out.endswith(b"R"), "the child made %d orphans in %.1f s" % (ORPHANS, storm), out)
zombies = int(out.split()[0]) if out.endswith(b"R") else -1
tap.ok(zombies == 0, "every orphan reaped by the runner as PID 1 (%d zombies left)" % zombies)

# the runner is unshare's child: its pid in our namespace
runner = 0
try:
    with open("/proc/%d/task/%d/children" % (p.pid, p.pid)) as f:
        runner = int(f.read().split()[0])
except (OSError, IndexError, ValueError):
    pass
tap.ok(runner > 0, "found the runner's pid outside the namespace (%d)" % runner)
if runner > 0:
    os.kill(runner, signal.SIGTERM)
try:
    rc = p.wait(10)
except subprocess.TimeoutExpired:
    p.kill()
    rc = p.wait()
tap.ok(rc == 42, "TERM forwarded, the runner exits with the child's code 42 (got %s)" % rc)
with open(logpath, "rb") as f:
    lines = f.read().decode("utf-8", "replace").splitlines()
tap.ok(any(FORWARD_RE.match(l) and " -> SIGTERM to " in l for l in lines),
       "the forward of TERM is logged", "\n".join(lines[-10:]))
tap.ok(any(l.startswith("selfpipe-run: info: child ") and l.endswith(" exited 42") for l in lines),
       "the child's end is logged", "\n".join(lines[-10:]))
os.unlink(logpath)
os.rmdir(d)
tap.done()
