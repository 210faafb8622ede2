#!/usr/bin/env python3
# ISC license. selfpipe-run -c: each hook leads a process group of its
# own, and the whole group ends with the hook: at its time-out, at the
# child's exit, and when it exits leaving something behind.

import os, signal, sys
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)
hd = tempfile.mkdtemp(prefix="sprun-hookgroup-")
leftover = os.path.join(hd, "leftover")


def hook(name, body):
    return sh_script(hd, name, body)


def forked():
    """The pid the hook wrote once it had forked, None until then."""
    try:
        with open(leftover) as f:
            words = f.read().split()
        return [int(w) for w in words] if len(words) == 3 else None
    except (OSError, ValueError):
        return None


def reset():
    try:
        os.unlink(leftover)
    except OSError:
        pass


# the hook forks a sleeper, then writes "sleeper hook hook's-group"
FORK = 'sleep 300 & echo "$! $$ $(cut -d" " -f5 /proc/$$/stat)" > %s.tmp && mv %s.tmp %s' % (leftover, leftover, leftover)
waits = hook("waits", FORK + "\nwait")
leaves = hook("leaves", FORK + "\nexit 0")

# 1. a hook that times out: its sleeper goes with it
reset()
r = Run(["-c", "HUP:" + waits, "-w", "300"], ["-x", "TERM:0"])
r.ready()
r.kill(signal.SIGHUP)
f = wait_until(forked, 5)
tap.ok(f and f[1] == f[2], "the hook leads a process group of its own (pid %s, group %s)" % (f and f[1], f and f[2]))
tap.ok(f and wait_until(lambda: not alive(f[0]), 5), "-w: the hook timed out, and the sleeper it forked is gone too")
# killed with its group at once, but gone only once the runner reaped it
tap.ok(f and wait_until(lambda: not alive(f[1]), 5), "  and so is the hook")
tap.ok(wait_until(lambda: "timed out after 300 ms" in r.err(), 5), "  the usual time-out line", r.errlines())
r.kill(signal.SIGTERM)
tap.ok(r.wait() == 0, "the runner goes on, and exits 0 with its child")
r.cleanup()

# 2. the child exits while a hook runs: the hook's whole group ends
reset()
r = Run(["-c", "HUP:" + waits, "-w", "0"], ["-x", "TERM:0"])
r.ready()
r.kill(signal.SIGHUP)
f = wait_until(forked, 5)
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(f and rc == 0, "the child exits 0 while its HUP hook still runs (exit %s)" % rc)
tap.ok(f and wait_until(lambda: not alive(f[0]) and not alive(f[1]), 5), "  the hook and the sleeper it forked are gone")
r.cleanup()

# 3. a hook that exits 0 and leaves a process behind: forwarded, and the
#    leftover ended
reset()
r = Run(["-c", "HUP:" + leaves], ["-x", "TERM:0"])
r.ready()
r.kill(signal.SIGHUP)
tap.ok(r.wait_sigs(1) and r.sigs() == ["SIGHUP"], "a hook that exits 0 leaving a sleeper: HUP is forwarded", r.sigs())
f = forked()
tap.ok(f and wait_until(lambda: not alive(f[0]), 5), "  the sleeper it left is gone")
r.kill(signal.SIGTERM)
tap.ok(r.wait() == 0, "  exit 0")
r.cleanup()

subprocess.call(["rm", "-rf", hd])
tap.done()
