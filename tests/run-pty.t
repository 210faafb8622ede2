#!/usr/bin/env python3
# ISC license. selfpipe-run on a terminal: what the terminal sends to the
# foreground process group (^C, ^Z, WINCH) already reached the child and
# is not forwarded again; with -g the child's group takes the terminal
# as a job of its own (a child reading it does not stop; ^Z stops the
# runner too; the terminal comes back when the child ends), unless the
# runner's stdin and stdout are elsewhere: then the runner forwards.

import fcntl, os, signal, struct, sys, termios, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *
from joblib import PTY_LEADER, pty_preexec

tap = Tap()
check_setup(tap)

def on_pty(ropts, cargs, std_on_tty=True, prog=None, env=None):
    """The runner as the foreground job of a terminal (its controlling
    terminal); std_on_tty: its stdin and stdout are the terminal, or
    else /dev/null."""
    master, slave = os.openpty()
    r = Run(ropts, cargs, prog=prog, stdout=slave, start_new_session=True, preexec_fn=pty_preexec(std_on_tty),
            stdin=slave, pre=[sys.executable, "-c", PTY_LEADER], env=env)
    os.close(slave)
    r.master = master
    def runner_pid():
        try:
            with open("/proc/%d/task/%d/children" % (r.p.pid, r.p.pid)) as f:
                kids = f.read().split()
            return int(kids[0]) if kids else None
        except OSError:
            return None
    r.pid = wait_until(runner_pid, 10)
    return r

def fg_ready(r):
    # the terminal's foreground group is the runner's
    try:
        return os.tcgetpgrp(r.master) == os.getpgid(r.pid)
    except OSError:
        return False

def finish(r):
    try:
        os.killpg(os.getpgid(r.pid), signal.SIGCONT)
    except OSError:
        pass
    r.kill(signal.SIGTERM)
    rc = r.wait()
    os.close(r.master)
    return rc

KERNEL = 128  # SI_KERNEL

# 1. ^C: one SIGINT for the child, not two (the child stays 300 ms in its
#    handler, so a second SIGINT forwarded meanwhile would be a second delivery)
r = on_pty([], ["-x", "TERM:0", "-S", "300"])
r.ready()
wait_until(lambda: fg_ready(r), 5)
tap.ok(fg_ready(r), "the runner is in the terminal's foreground group")
os.write(r.master, b"\x03")
r.wait_sigs(1)
settle(0.4)   # a second delivery would have come by now
recs = r.sigrecs()
tap.ok(len(recs) == 1 and recs[0][2] == "SIGINT" and int(recs[0][5]) == KERNEL,
       "^C: the child gets exactly one SIGINT, from the terminal (si_code SI_KERNEL)", recs)
tap.ok(r.p.poll() is None, "  the runner survives it")
tap.ok("selfpipe-run: info: SIGINT from the terminal -> not forwarded: terminal already sent it" in r.errlines(),
       "  log: SIGINT from the terminal -> not forwarded: terminal already sent it", r.errlines())
# a window size change: WINCH from the kernel
fcntl.ioctl(r.master, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 101, 0, 0))
wait_until(lambda: len(r.sigs()) >= 2, 3)
settle(0.4)   # a second delivery would have come by now
tap.ok(r.sigs() == ["SIGINT", "SIGWINCH"], "window resized: the child gets exactly one SIGWINCH", r.sigs())
tap.ok("selfpipe-run: info: SIGWINCH from the terminal -> not forwarded: terminal already sent it" in r.errlines(),
       "  log: SIGWINCH from the terminal -> not forwarded: terminal already sent it", r.errlines())
rc = finish(r)
tap.ok(rc == 0, "  TERM then ends it (exit %s)" % rc)
r.cleanup()

# 2. -g: the child's group gets the terminal's foreground, as a shell's
#    job would; ^C comes to it from the terminal, once, and the runner,
#    now in the background, sees nothing
r = on_pty(["-g"], ["-x", "TERM:0"])
c = r.ready()
held = wait_until(lambda: os.tcgetpgrp(r.master) == r.child, 5)
tap.ok(held and int(c[7]) == r.child, "-g on a terminal: the child's own group is the terminal's foreground group",
       (c, os.tcgetpgrp(r.master)))
os.write(r.master, b"\x03")
r.wait_sigs(1)
settle(0.4)   # a second delivery would have come by now
recs = r.sigrecs()
tap.ok(len(recs) == 1 and recs[0][2] == "SIGINT" and int(recs[0][5]) == KERNEL,
       "-g, ^C: the child gets exactly one SIGINT, from the terminal", recs)
tap.ok(not any("SIGINT" in l for l in r.errlines()), "  the runner, in the background, got none", r.errlines())
finish(r)
r.cleanup()

# 2a. -g: a child that reads the terminal gets its line (no SIGTTIN), and
#     the terminal goes back to the runner's group when the child ends
READER = r"""
import os, sys
line = sys.stdin.readline()
with open(sys.argv[1], "w") as f:
    f.write(line)
"""
d = tempfile.mkdtemp(prefix="sprun-ptyread-")
got, after = os.path.join(d, "got"), os.path.join(d, "after")
r = on_pty(["-g"], None, prog=[CHILD_PY, "-c", READER, got], env=dict(os.environ, SP_FG_AFTER=after))
kid = wait_until(lambda: children(r.pid), 10)
held = wait_until(lambda: kid and os.tcgetpgrp(r.master) == kid[0], 5)
os.write(r.master, b"typed\n")
rc = r.wait()
tap.ok(held and rc == 0 and file_lines(got) == ["typed"],
       "-g: a child reading the terminal gets the line typed (no SIGTTIN stop), exit %s" % rc, (kid, file_lines(got), r.errlines()))
fg = wait_until(lambda: file_lines(after), 5)
tap.ok(fg and fg[0].split()[0] == fg[0].split()[1],
       "  when it ends, the terminal is the runner's group's again", (fg, r.errlines()))
os.close(r.master)
r.cleanup()
subprocess.call(["rm", "-rf", d])

# 2c. -g, ^Z, a child with the default TSTP: the child's group stops, the
#     runner takes the terminal back and stops too (the shell sees its job
#     stopped); CONT to the job: the child's group gets the terminal again
r = on_pty(["-g"], ["-d", "TSTP", "-x", "TERM:0"])
r.ready()
wait_until(lambda: os.tcgetpgrp(r.master) == r.child, 5)
os.write(r.master, b"\x1a")
both = wait_until(lambda: proc_state(r.pid) == "T" and proc_state(r.child) == "T", 5)
tap.ok(both and os.tcgetpgrp(r.master) == os.getpgid(r.pid),
       "-g, ^Z: the child and the runner are stopped, the terminal is the runner's group's (%s, %s)"
       % (proc_state(r.child), proc_state(r.pid)))
os.killpg(os.getpgid(r.pid), signal.SIGCONT)
tap.ok(wait_until(lambda: proc_state(r.child) not in ("T", None) and os.tcgetpgrp(r.master) == r.child, 5),
       "  CONT to the job: the child runs again, its group holding the terminal",
       (proc_state(r.child), os.tcgetpgrp(r.master), r.errlines()))
rc = finish(r)
tap.ok(rc == 0, "  TERM ends it (exit %s)" % rc)
r.cleanup()

# 2b. -g and a hook for INT, the runner's stdin and stdout away from the
#     terminal: the terminal stays the runner's group's, so ^C reaches the
#     runner, which forwards it; it came from the terminal, so the hook's
#     SELFPIPE_SENDER is empty
hd = tempfile.mkdtemp(prefix="sprun-ptyhook-")
hk = os.path.join(hd, "hook")
with open(hk, "w") as f:
    f.write('#!/bin/sh\necho "[$SELFPIPE_SIGNAL] [$SELFPIPE_SENDER]" > %s/env\nexit 0\n' % hd)
os.chmod(hk, 0o755)
r = on_pty(["-g", "-c", "INT:" + hk], ["-x", "TERM:0"], std_on_tty=False)
r.ready()
wait_until(lambda: fg_ready(r), 5)
os.write(r.master, b"\x03")
r.wait_sigs(1)
try:
    with open(os.path.join(hd, "env")) as f:
        env = f.read().strip()
except OSError:
    env = None
tap.ok(env == "[SIGINT] []", "-g -c INT:hook, ^C: the hook runs with SELFPIPE_SENDER empty (a terminal's signal)", env)
tap.ok(r.sigs() == ["SIGINT"] and int(r.sigrecs()[0][7]) == r.pid, "  and passes it on, the runner sending it", r.sigrecs())
finish(r)
r.cleanup()
subprocess.call(["rm", "-rf", hd])

# 3. ^Z: the child gets one SIGTSTP from the terminal; the runner stops with it
#    (so the shell sees the job stopped); CONT to the group resumes both
r = on_pty([], ["-x", "TERM:0"])
r.ready()
wait_until(lambda: fg_ready(r), 5)
os.write(r.master, b"\x1a")
r.wait_sigs(1)
stopped = wait_until(lambda: proc_state(r.pid) == "T", 3)
recs = r.sigrecs()
tap.ok(len(recs) == 1 and recs[0][2] == "SIGTSTP" and int(recs[0][5]) == KERNEL,
       "^Z: the child gets exactly one SIGTSTP, from the terminal", recs)
tap.ok(stopped, "^Z: the runner stops (state %s)" % proc_state(r.pid))
os.killpg(os.getpgid(r.pid), signal.SIGCONT)
resumed = wait_until(lambda: proc_state(r.pid) not in ("T", None), 3)
tap.ok(resumed, "CONT to the job: the runner runs again")
wait_until(lambda: "SIGCONT" in r.sigs(), 3)
tap.ok("SIGCONT" in r.sigs(), "  the child got SIGCONT", r.sigs())
r.kill(signal.SIGUSR1)
tap.ok(wait_until(lambda: "SIGUSR1" in r.sigs(), 3), "  and the runner forwards again")
rc = finish(r)
tap.ok(rc == 0, "  TERM ends it (exit %s)" % rc)
r.cleanup()

# 4. ^Z with a child that stops (default TSTP): both stop, both resume
r = on_pty([], ["-d", "TSTP", "-x", "TERM:0"])
r.ready()
wait_until(lambda: fg_ready(r), 5)
os.write(r.master, b"\x1a")
both = wait_until(lambda: proc_state(r.pid) == "T" and proc_state(r.child) == "T", 3)
tap.ok(both, "^Z, child with the default TSTP: the child and the runner are stopped (%s, %s)"
       % (proc_state(r.child), proc_state(r.pid)))
os.killpg(os.getpgid(r.pid), signal.SIGCONT)
tap.ok(wait_until(lambda: proc_state(r.pid) not in ("T", None) and proc_state(r.child) not in ("T", None), 3),
       "  CONT to the job resumes both")
rc = finish(r)
tap.ok(rc == 0, "  TERM ends it (exit %s)" % rc)
r.cleanup()

tap.done()
