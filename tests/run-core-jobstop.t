#!/usr/bin/env python3
# ISC license. selfpipe-run and a TSTP sent by a process: it is
# forwarded, then the runner stops only where the default action would
# have stopped it: not in an orphaned process group (the kernel
# discards the stop there, for the child too), not when TSTP was
# ignored at startup. And the fold line of a burst, at -v 1.

import os, signal, subprocess, sys, time

sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

SETTLE = min(0.5 * SLOW, 2.0)
tap = Tap()


def start(prefix, **kw):
    p = subprocess.Popen(prefix + WRAP + [RUNNER, "-v", "2", "sleep", "30"],
                         stderr=subprocess.PIPE, **kw)
    # the runner is ready once the child runs
    end = time.monotonic() + 5 * SLOW
    while time.monotonic() < end:
        try:
            with open("/proc/%d/task/%d/children" % (p.pid, p.pid)) as f:
                kids = f.read().split()
        except OSError:
            kids = []
        if kids:
            try:
                with open("/proc/%s/cmdline" % kids[0], "rb") as f:
                    if f.read().startswith(b"sleep"):
                        return p, int(kids[0])
            except OSError:
                pass
        time.sleep(0.02)
    return p, 0


def finish(p):
    p.send_signal(signal.SIGCONT)
    p.send_signal(signal.SIGTERM)
    try:
        err = p.communicate(timeout=10 * SLOW)[1].decode()
    except subprocess.TimeoutExpired:
        p.kill()
        err = p.communicate()[1].decode()
    return err


# 1. its own group, its parent (us) in another group of the same session: it stops
p, child = start([], process_group=0)
p.send_signal(signal.SIGTSTP)
stopped = wait_state(p.pid, "T", 3)
tap.ok(stopped and wait_state(child, "T", 3), "TSTP from a process: the child and the runner stop", (proc_state(p.pid), proc_state(child)))
p.send_signal(signal.SIGCONT)
tap.ok(wait_state(p.pid, "S", 3) and wait_state(child, "S", 3), "  CONT: both run again", (proc_state(p.pid), proc_state(child)))
err = finish(p)
tap.ok("stopping itself for SIGTSTP" in err, "  -v 2 says it stops itself", err)

# 2. a session leader: its group is orphaned, the child ignores the stop, so does it
p, child = start([], start_new_session=True)
p.send_signal(signal.SIGTSTP)
time.sleep(SETTLE)
tap.ok(proc_state(p.pid) != "T" and proc_state(child) != "T", "orphaned group: neither the runner nor the child stops", (proc_state(p.pid), proc_state(child)))
err = finish(p)
tap.ok("SIGTSTP from pid %d" % os.getpid() in err and "stopping itself" not in err, "  the TSTP was forwarded, no self-stop", err)

# 3. TSTP ignored at startup: the child inherits SIG_IGN, neither stops
p, child = start(["sh", "-c", "trap '' TSTP ; exec \"$@\"", "sh"], process_group=0)
p.send_signal(signal.SIGTSTP)
time.sleep(SETTLE)
tap.ok(proc_state(p.pid) != "T" and proc_state(child) != "T", "TSTP ignored at startup: neither stops", (proc_state(p.pid), proc_state(child)))
finish(p)

# 4. -v 1: a burst of one queued signal from one sender folds into one line
p = subprocess.Popen(WRAP + [RUNNER, "-m", "RTMIN+1:0", "sleep", "30"], stderr=subprocess.PIPE)
time.sleep(SETTLE)
sig = int(os.environ.get("SP_SIGRTMIN", signal.SIGRTMIN)) + 1  # the runner's libc decides
# held back while it is stopped, so it reads them all in one go
os.kill(p.pid, signal.SIGSTOP)
wait_state(p.pid, "T", 3)
for i in range(200):
    os.kill(p.pid, sig)
os.kill(p.pid, signal.SIGCONT)
# runnable once continued, sleeping again once it has read them all
time.sleep(0.1)
wait_state(p.pid, "S", 3)
p.send_signal(signal.SIGTERM)
err = p.communicate(timeout=10 * SLOW)[1].decode()
lines = [l for l in err.splitlines() if "SIGRTMIN+1" in l]
total = 0
for l in lines:
    if l.endswith(" times)"):
        total += int(l.split("(repeated ")[1].split()[0])
    else:
        total += 1
want = "selfpipe-run: info: SIGRTMIN+1 from pid %d uid %d -> ignored" % (os.getpid(), os.getuid())
tap.ok(lines and all(l == want or (l.startswith(want + " (repeated ") and l.endswith(" times)")) for l in lines),
   "-v 1 burst: the line, then the same line with (repeated N times)", "\n".join(lines[:5]))
tap.ok(total == 200, "  the lines account for the 200 deliveries (%d)" % total, "\n".join(lines[:5]))
tap.ok(len(lines) == 2, "  in two lines (%d)" % len(lines))

tap.done()
