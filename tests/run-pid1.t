#!/usr/bin/env python3
# ISC license. selfpipe-run as PID 1 (unshare -pf --mount-proc): exit
# codes, -r falls back to 128+N, orphans are always reaped, signals from
# outside the namespace are forwarded.

import os, signal, sys, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)
if subprocess.call(["unshare", "-pf", "--mount-proc", "true"], stderr=subprocess.DEVNULL) != 0:
    tap.ok(False, "unshare -pf --mount-proc works (util-linux, root or user namespaces needed)")
    tap.done()

UNSHARE = ["unshare", "-pf", "--mount-proc"]
tmp = tempfile.mkdtemp(prefix="sprun-pid1-")
rec = os.path.join(tmp, "rec")

def pid1(ropts, prog, **kw):
    return subprocess.run(UNSHARE + runner_cmd(list(ropts) + ["--"] + prog), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60 * SLOW, **kw)

def records():
    try:
        with open(rec) as f:
            return [l.split() for l in f.read().splitlines()]
    except OSError:
        return []

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

# 3. orphans are reaped without -s
script = ('"$0" -O 200 -e 0 -o "$1" ; sleep 1.5 ; '
          'opid=$(awk \'$1 == "orphan" { print $4 }\' "$1") ; '
          'ppid=$(awk \'$1 == "orphan" { print $6 }\' "$1") ; '
          'if [ -z "$opid" ] ; then echo noorphan ; elif [ -e /proc/$opid ] ; then echo "notreaped $ppid $(cut -d" " -f3 /proc/$opid/stat)" ; else echo "reaped $ppid" ; fi')
out = pid1([], ["sh", "-c", script, CHILD, rec])
tap.ok(out.stdout.split()[:2] == ["reaped", "1"], "PID 1 without -s: the orphan's parent is PID 1 and it is reaped", out.stdout + out.stderr)

# 4. signals from outside the namespace are forwarded
try:
    os.unlink(rec)
except OSError:
    pass
p = subprocess.Popen(UNSHARE + runner_cmd(["--", CHILD, "-o", rec, "-x", "TERM:0"]), stdin=subprocess.DEVNULL,
                     stderr=subprocess.PIPE, text=True)
def runner_pid():
    try:
        with open("/proc/%d/task/%d/children" % (p.pid, p.pid)) as f:
            kids = f.read().split()
        return int(kids[0]) if kids else None
    except OSError:
        return None
rp = wait_until(runner_pid, 10)
wait_until(lambda: any(r[1] == "ready" for r in records()), 10)
os.kill(rp, signal.SIGUSR1)
wait_until(lambda: any(r[1] == "sig" for r in records()), 5)
sigs = [r for r in records() if r[1] == "sig"]
tap.ok(sigs and sigs[0][2] == "SIGUSR1" and sigs[0][7] == "1", "PID 1: USR1 from outside is forwarded, from pid 1", sigs)
os.kill(rp, signal.SIGTERM)
try:
    rc = p.wait(timeout=10 * SLOW)
except subprocess.TimeoutExpired:
    p.kill()
    rc = p.wait()
tap.ok(rc == 0, "PID 1: TERM from outside is forwarded, the child exits 0 (got %s)" % rc, p.stderr.read())

subprocess.call(["rm", "-rf", tmp])
tap.done()
