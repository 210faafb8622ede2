#!/usr/bin/env python3
# ISC license. selfpipe-run spawns prog with the signal state it was
# started with (SigBlk, SigIgn, an inherited SIG_IGN included) and no
# descriptor beyond those it inherited.

import os, signal, sys
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)

def state(cmd, **kw):
    """Runs cmd (which ends with sprun-child -R -e 0), returns its state line."""
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, **kw)
    for l in out.stdout.splitlines():
        w = l.split()
        if len(w) >= 8 and w[1] == "state":
            return {"blk": w[3], "ign": w[5], "fds": w[7]}, out.returncode
    return None, out.returncode

def with_state(blocked, ignored):
    def pre():
        for s in ignored:
            signal.signal(s, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    return pre

cases = [
    ("default state", [], []),
    ("USR2 ignored (inherited SIG_IGN)", [], [signal.SIGUSR2]),
    ("HUP INT TERM PIPE RTMIN+3 ignored", [], [signal.SIGHUP, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, RTMIN + 3]),
    ("USR1 QUIT RTMAX blocked", [signal.SIGUSR1, signal.SIGQUIT, signal.SIGRTMAX], []),
    ("TERM blocked and WINCH ignored", [signal.SIGTERM], [signal.SIGWINCH]),
    ("CHLD blocked, CHLD ignored", [signal.SIGCHLD], [signal.SIGCHLD]),
]
child = [CHILD, "-R", "-e", "0"]
for what, blocked, ignored in cases:
    if PHASE == "valgrind" and signal.SIGCHLD in ignored:
        tap.skip(what, "valgrind does not pass on an inherited SIG_IGN of SIGCHLD")
        continue
    pre = with_state(blocked, ignored)
    direct, rc1 = state(child, preexec_fn=pre)
    run, rc2 = state(runner_cmd(["-v", "0", "--"] + child), preexec_fn=pre)
    tap.ok(direct is not None and run is not None and direct["blk"] == run["blk"] and direct["ign"] == run["ign"],
           "%s: the child's SigBlk/SigIgn are the runner's at startup" % what, (direct, run))
    if run and run["blk"] == "?" :
        tap.ok(False, "  the state line was read")

# descriptors: exactly what the runner inherited
direct, _ = state(child)
run, _ = state(runner_cmd(["--"] + child))
tap.ok(direct and run and run["fds"] == direct["fds"], "no extra descriptor in the child (%s)" % (run and run["fds"]), (direct, run))
r5, w5 = os.pipe()
os.dup2(w5, 7)
os.set_inheritable(7, True)
run, _ = state(runner_cmd(["--"] + child), pass_fds=(7,))
tap.ok(run and run["fds"] == direct["fds"] + ",7", "an inherited fd 7 is passed on, nothing else (%s)" % (run and run["fds"]), run)
run, _ = state(runner_cmd(["-g", "-s", "-p", "TERM", "-k", "1000", "-T", "-v", "2", "-c", "HUP:/bin/true", "--"] + child), pass_fds=(7,))
tap.ok(run and run["fds"] == direct["fds"] + ",7", "with every option: still no extra descriptor (%s)" % (run and run["fds"]), run)
os.close(7)

# the child's own sigaction state: a signal trapped by the runner is SIG_DFL in the child, not caught
out = subprocess.run(runner_cmd(["--", "sh", "-c", "exec grep ^SigCgt /proc/self/status"]), capture_output=True, text=True).stdout
direct = subprocess.run(["sh", "-c", "exec grep ^SigCgt /proc/self/status"], capture_output=True, text=True).stdout
tap.ok(out.strip() == direct.strip() and out.strip() != "", "the child catches nothing (SigCgt %s)" % out.strip(), (out, direct))

tap.done()
