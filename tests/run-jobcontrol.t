#!/usr/bin/env python3
# ISC license. selfpipe-run and a TSTP sent by a process: it is
# forwarded, then the runner stops only where the default action would
# have stopped it: not in an orphaned process group (the kernel
# discards the stop there, for the child too), not when TSTP was
# ignored at startup.

import os, signal, subprocess, sys

sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)


def start(prefix, **kw):
    p = subprocess.Popen(prefix + WRAP + [RUNNER, "-v", "2", "sleep", "30"],
                         stderr=subprocess.PIPE, **kw)
    return p, child_running(p.pid, "sleep")


def finish(p):
    p.send_signal(signal.SIGCONT)
    p.send_signal(signal.SIGTERM)
    return stderr_at_end(p)


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
settle(1.0)   # a stop would have come by now
tap.ok(proc_state(p.pid) != "T" and proc_state(child) != "T", "orphaned group: neither the runner nor the child stops", (proc_state(p.pid), proc_state(child)))
err = finish(p)
tap.ok("SIGTSTP %s" % from_me(os.getpid()) in err and "stopping itself" not in err, "  the TSTP was forwarded, no self-stop", err)

# 3. TSTP ignored at startup: the child inherits SIG_IGN, neither stops
p, child = start(["sh", "-c", "trap '' TSTP ; exec \"$@\"", "sh"], process_group=0)
p.send_signal(signal.SIGTSTP)
settle(1.0)   # a stop would have come by now
tap.ok(proc_state(p.pid) != "T" and proc_state(child) != "T", "TSTP ignored at startup: neither stops", (proc_state(p.pid), proc_state(child)))
finish(p)

tap.done()
