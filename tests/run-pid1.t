#!/usr/bin/env python3
# ISC license. selfpipe-run as PID 1 (unshare -pf --mount-proc): exit
# codes, -r falls back to 128+N, orphans are always reaped (a storm of
# 1,000 of them too: no zombie left), signals from outside the namespace
# (as docker stop or a supervisor sends them: si_pid 0 there) are
# forwarded.

import os, select, signal, sys
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)
if subprocess.call(["unshare", "-pf", "--mount-proc", "true"], stderr=subprocess.DEVNULL) != 0:
    tap.ok(False, "unshare -pf --mount-proc works (util-linux, root or user namespaces needed)")
    tap.done()

UNSHARE = ["unshare", "-pf", "--mount-proc"]


def runner_in_ns(p):
    """The runner's pid in our namespace: it is unshare's child."""
    return wait_until(lambda: (children(p.pid) or [0])[0], 10)


tmp = tempfile.mkdtemp(prefix="sprun-pid1-")
rec = os.path.join(tmp, "rec")

def pid1(ropts, prog, **kw):
    return subprocess.run(UNSHARE + runner_cmd(list(ropts) + ["--"] + prog), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=scaled(60), **kw)

def records():
    return [l.split() for l in file_lines(rec)]

# 1. the runner is PID 1 and the child's parent
out = pid1([], [CHILD, "-e", "7"])
ready = [l.split() for l in out.stdout.splitlines() if " ready " in l]
tap.ok(ready and ready[0][5] == "1", "the child's parent is PID 1 (the runner)", out.stdout)
tap.ok(out.returncode == 7, "PID 1: the child's exit 7 is passed through (got %s)" % out.returncode, out.stderr)
lines = [l for l in out.stderr.splitlines() if not l.startswith("==")]
tap.ok(len(lines) == 1 and re.match(r"selfpipe-run: info: child \d+ exited 7$", lines[0]),
       "PID 1, -v 1: one line, the child's end (no PID 1 chatter)", lines)

# 2. killed by a signal: 128+N; -r cannot re-raise as PID 1: 128+N too
out = pid1([], [CHILD, "-k", "USR1"])
tap.ok(out.returncode == 128 + signal.SIGUSR1, "PID 1: child killed by USR1: exit 138 (got %s)" % out.returncode)
out = pid1(["-r"], [CHILD, "-k", "TERM"])
tap.ok(out.returncode == 128 + signal.SIGTERM, "PID 1 with -r: falls back to exit 143 (got %s)" % out.returncode, out.stderr)

# 3. orphans are reaped without -s: the orphan writes its line after 200
# ms and exits; then it must vanish (a zombie would stay in /proc)
script = ('"$0" -O 200 -e 0 -o "$1" ; '
          'n=0 ; until grep -q "^orphan" "$1" || [ $n -ge $2 ] ; do sleep 0.05 ; n=$((n + 1)) ; done ; '
          'opid=$(awk \'$1 == "orphan" { print $4 }\' "$1") ; '
          'ppid=$(awk \'$1 == "orphan" { print $6 }\' "$1") ; '
          'n=0 ; while [ -n "$opid" ] && [ -e /proc/$opid ] && [ $n -lt $2 ] ; do sleep 0.05 ; n=$((n + 1)) ; done ; '
          'if [ -z "$opid" ] ; then echo noorphan ; elif [ -e /proc/$opid ] ; then echo "notreaped $ppid $(cut -d" " -f3 /proc/$opid/stat)" ; else echo "reaped $ppid" ; fi')
out = pid1([], ["sh", "-c", script, CHILD, rec, str(int(scaled(10) / 0.05))])
tap.ok(out.stdout.split()[:2] == ["reaped", "1"], "PID 1 without -s: the orphan's parent is PID 1 and it is reaped", out.stdout + out.stderr)

# 4. signals from outside the namespace are forwarded
try:
    os.unlink(rec)
except OSError:
    pass
p = subprocess.Popen(UNSHARE + runner_cmd(["--", CHILD, "-o", rec, "-x", "TERM:0"]), stdin=subprocess.DEVNULL,
                     stderr=subprocess.PIPE, text=True)
rp = runner_in_ns(p)
wait_until(lambda: any(r[1] == "ready" for r in records()), 10)
os.kill(rp, signal.SIGUSR1)
wait_until(lambda: any(r[1] == "sig" for r in records()), 5)
sigs = [r for r in records() if r[1] == "sig"]
tap.ok(sigs and sigs[0][2] == "SIGUSR1" and sigs[0][7] == "1", "PID 1: USR1 from outside is forwarded, from pid 1", sigs)
os.kill(rp, signal.SIGTERM)
try:
    rc = p.wait(timeout=scaled(10))
except subprocess.TimeoutExpired:
    p.kill()
    rc = p.wait()
err = p.stderr.read()
tap.ok(rc == 0, "PID 1: TERM from outside is forwarded, the child exits 0 (got %s)" % rc, err)
tap.ok(re.search(r"^selfpipe-run: info: SIGUSR1 from outside the container by kill -> SIGUSR1 to pid \d+$", err, re.M),
       "PID 1: the log says the sender is outside the container (si_pid 0), not unknown", err)

# 4b. PID 1 at exit: a process left behind gets SIGTERM; one that ignores
# it gets SIGKILL after -k; the log counts them; the exit code stays
# the child's. The grandchild is forked before the child exits.
out = pid1(["-k", "300"], ["sh", "-c", '"$0" -o "$1" -i TERM & until grep -q ready "$1" 2>/dev/null ; do sleep 0.01 ; done ; exit 5', CHILD, rec + ".left"])
tap.ok(out.returncode == 5 and "selfpipe-run: info: PID 1 exiting: 1 process still alive -> SIGTERM to all, SIGKILL in 300 ms" in out.stderr
       and "selfpipe-run: warning: PID 1 exiting: 1 process alive 300 ms after SIGTERM -> SIGKILL to all" in out.stderr,
       "PID 1 at exit: TERM to what is left, KILL after -k 300, counted; exit 5 (got %s)" % out.returncode, out.stderr)

# 5. an orphan storm: the child, ORPHANS times, forks a process that
# forks a grandchild and exits at once, so the grandchild ends up an
# orphan of PID 1. Then it waits until no zombie is left in the namespace
# (at most DEADLINE s), writes how many it saw, "R", and exits 42 when TERM
# comes.
ORPHANS = {"plain": 1000, "sanitize": 300}.get(PHASE, 100)
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
end = time.monotonic() + DEADLINE
while zombies() and time.monotonic() < end:
    time.sleep(0.05)
os.write(1, b"%d R" % zombies())
signal.sigwaitinfo({signal.SIGTERM})
os._exit(42)
""".replace("ORPHANS", str(ORPHANS)).replace("DEADLINE", str(scaled(20)))

logpath = os.path.join(tmp, "log")
t0 = time.monotonic()
with open(logpath, "wb") as log:
    p = subprocess.Popen(UNSHARE + runner_cmd([CHILD_PY, "-c", STORM]),
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log)
out = b""


def storm_over():
    global out
    if select.select([p.stdout], [], [], 0.2)[0]:
        b = os.read(p.stdout.fileno(), 64)
        out += b
        return not b or out.endswith(b"R")
    return p.poll() is not None


wait_until(storm_over, 60, 0)
storm = time.monotonic() - t0
tap.ok(out.endswith(b"R"), "the child made %d orphans in %.1f s" % (ORPHANS, storm), out)
zombies = int(out.split()[0]) if out.endswith(b"R") else -1
tap.ok(zombies == 0, "every orphan reaped by the runner as PID 1 (%d zombies left)" % zombies)
runner = runner_in_ns(p)
tap.ok(runner, "found the runner's pid outside the namespace (%s)" % runner)
if runner:
    os.kill(runner, signal.SIGTERM)
try:
    rc = p.wait(scaled(10))
except subprocess.TimeoutExpired:
    p.kill()
    rc = p.wait()
tap.ok(rc == 42, "TERM forwarded, the runner exits with the child's code 42 (got %s)" % rc)
with open(logpath, "rb") as f:
    lines = [l for l in f.read().decode("utf-8", "replace").splitlines() if not l.startswith("==")]
tap.ok(any(FORWARD_RE.match(l) and " -> SIGTERM to " in l for l in lines),
       "the forward of TERM is logged", "\n".join(lines[-10:]))
tap.ok(any(l.startswith("selfpipe-run: info: child ") and l.endswith(" exited 42") for l in lines),
       "the child's end is logged", "\n".join(lines[-10:]))

subprocess.call(["rm", "-rf", tmp])
tap.done()
