#!/usr/bin/env python3
# ISC license. selfpipe-run -P: a daemon that forks is followed through
# its pidfile; a bad pidfile never gets a signal sent; across a binary
# upgrade (the old master forks the new one) the runner switches masters;
# without -P, a child that exits 0 leaving processes behind is named.

import os, re, signal, subprocess, sys, tempfile
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)
me, uid = os.getpid(), os.getuid()
ME = from_me_re(me)   # "from pid ME (run-follow.t) uid U by kill"
DAEMON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "follow_daemon.py")


def send(pid, sig):
    """kill(), never to 0 or -1 (a master that never came would make
    that our own process group, or everyone)."""
    if not pid or pid <= 1:
        raise SystemExit("no such master: %r" % pid)
    os.kill(pid, sig)


def logline(r, pattern, timeout=5):
    """r's first log line matching pattern, once it is there."""
    def f():
        for l in r.errlines():
            if re.search(pattern, l):
                return l
        return None
    return wait_until(f, timeout)


def old_master_stays(r, old, what):
    """After a roll-back: a HUP reaches the old master, which saw only
    the USR2 before it, and TERM ends the service."""
    r.kill(signal.SIGHUP)
    wait_until(lambda: "SIGHUP" in r.msigs(old), 5)
    tap.ok(r.msigs(old) == ["SIGUSR2", "SIGHUP"], what, r.records())
    r.kill(signal.SIGTERM)
    tap.ok(r.wait() == 4, "  and TERM ends it")
    r.cleanup()


def ended(r, *masters):
    """TERM to the runner, then no fake master left behind."""
    r.kill(signal.SIGTERM)
    r.wait()
    for p in masters:
        if p and alive(p):
            os.kill(p, signal.SIGKILL)
    r.cleanup()


def triggered(opts, dopts):
    """A runner following a fake master, once it said so, sent the -U
    trigger (ALRM): the runner and the old master's pid."""
    r = Daemon(opts, dopts)
    old = r.master()
    logline(r, r"following pid")
    r.kill(signal.SIGALRM)
    return r, old


class Daemon(Run):
    """selfpipe-run opts -P dir/pid[,ms] -- python3 follow_daemon.py dopts dir/pid rec"""

    def __init__(self, ropts, dopts=(), ms=None):
        d = tempfile.mkdtemp(prefix="sprun-follow-")
        self.pidfile = os.path.join(d, "pid")
        arg = self.pidfile if ms is None else "%s,%d" % (self.pidfile, ms)
        rec = os.path.join(d, "rec")
        Run.__init__(self, list(ropts) + ["-P", arg], prog=[CHILD_PY, DAEMON] + list(dopts) + [self.pidfile, rec])
        self.rec = rec
        self.ddir = d

    def masters(self):
        """The masters' pids, in the order they became ready."""
        return [int(r[1]) for r in self.records() if len(r) > 2 and r[2] == "ready"]

    def master(self, n=1, timeout=10):
        """The n-th master's pid once it is ready, 0 at the deadline."""
        return wait_until(lambda: len(self.masters()) >= n and self.masters()[n - 1], timeout)

    def msigs(self, pid):
        return [r[3] for r in self.records() if len(r) > 3 and r[1] == str(pid) and r[2] == "sig"]

    def cleanup(self):
        for pid in self.masters():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        Run.cleanup(self)
        subprocess.call(["rm", "-rf", self.ddir])


# 1. followed: the master gets the signals, the runner exits with its code
r = Daemon([], ["-t", "5"])
m = r.master()
l = logline(r, r"following pid")
tap.ok(m and l == "selfpipe-run: info: following pid %d from pidfile %s" % (m, r.pidfile),
       "the launcher exits 0: 'following pid N from pidfile F'", r.errlines())
r.kill(signal.SIGHUP)
wait_until(lambda: r.msigs(m), 5)
tap.ok(r.msigs(m) == ["SIGHUP"] and logline(r, r"SIGHUP %s -> SIGHUP to pid %d$" % (ME, m)),
       "  a HUP to the runner reaches the master, the line names it", r.errlines())
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(rc == 5, "  TERM: the master exits 5, so does the runner (exit %s)" % rc)
tap.ok(logline(r, r"^selfpipe-run: info: child %d exited 5$" % m, 0), "  'child N exited 5'", r.errlines())
r.cleanup()

# 2. -r: the master killed by a signal, the runner re-raises it; -g: the
#    master's group (it leads its session) gets the signals
r = Daemon(["-r", "-g"])
m = r.master()
logline(r, r"following pid")
r.kill(signal.SIGUSR1)
wait_until(lambda: r.msigs(m), 5)
tap.ok(logline(r, r"SIGUSR1 to group %d$" % m), "-g: the signal goes to the master's group", r.errlines())
send(m, signal.SIGKILL)
rc = r.wait()
tap.ok(rc == -signal.SIGKILL, "-r: the master killed by KILL, the runner dies by KILL (%s)" % rc)
r.cleanup()

# 3. a launcher that fails: its code, no pidfile read
r = Run(["-P", "/nonexistent/pid"], prog=["/bin/sh", "-c", "exit 3"])
rc = r.wait()
tap.ok(rc == 3 and not any("fatal" in l for l in r.errlines()), "a launcher exiting 3: the runner exits 3 (exit %s)" % rc, r.errlines())
r.cleanup()

# 4. bad pidfiles: a fatal line, exit 111, nothing sent to anyone
stranger = Run([], ["-w", "60000"])   # a process of another tree, recording what it gets
stranger.ready()
done = subprocess.Popen(["true"])
done.wait()
d = tempfile.mkdtemp(prefix="sprun-follow-bad-")
bad = [
    ("pid 1", "echo 1 > $F", "it names pid 1"),
    ("the runner itself", "echo $PPID > $F", "it names the runner itself"),
    ("a process outside the tree", "echo %d > $F" % stranger.child, "not a living descendant"),
    ("a pid that died", "echo %d > $F" % done.pid, "not a living descendant"),
    ("an empty file", ": > $F", "it is empty"),
    ("garbage", "echo 12abc > $F", "it does not hold a pid"),
    ("a negative pid", "echo -%d > $F" % stranger.child, "it does not hold a pid"),
    ("1 MB of garbage", "head -c 1048576 /dev/urandom > $F", "it is too long"),
    ("a symlink to /dev/zero", "ln -sf /dev/zero $F", "not a regular file"),
    ("a fifo", "mkfifo $F", "not a regular file"),
    ("a missing file", "rm -f $F", "it does not exist"),
]
for what, script, why in bad:
    f = os.path.join(d, "pid")
    subprocess.call(["rm", "-f", f])
    r = Run(["-P", f + ",300"], prog=["/bin/sh", "-c", script], env=dict(os.environ, F=f))
    logline(r, r"fatal|following", 5)
    r.kill(signal.SIGHUP)     # held while no master is followed: sent to nobody
    rc = r.wait()
    fatal = [l for l in r.errlines() if "fatal" in l]
    tap.ok(rc == 111 and fatal and why in fatal[0] and fatal[0].startswith("selfpipe-run: fatal: pidfile %s: " % f),
           "%s: exit 111, '%s' (exit %s)" % (what, why, rc), r.errlines())
    r.cleanup()
tap.ok(stranger.sigs() == [] and alive(stranger.child), "  the stranger got no signal", stranger.sigs())
stranger.cleanup()
subprocess.call(["rm", "-rf", d])

# 5. the pidfile comes late: the runner waits for it, holding a signal
r = Run(["-v2", "-P", "%s,5000" % os.path.join(tempfile.gettempdir(), "sprun-follow-late-%d" % me)],
        prog=["/bin/sh", "-c", 'sh -c "trap \\"echo HUP >> $F.rec\\" HUP; sleep 1; echo \\$\\$ > $F; while :; do sleep 0.05; done" & exit 0'],
        env=dict(os.environ, F=os.path.join(tempfile.gettempdir(), "sprun-follow-late-%d" % me)))
late = os.path.join(tempfile.gettempdir(), "sprun-follow-late-%d" % me)
logline(r, r"launcher \d+ exited 0: reading pidfile", 5)
r.kill(signal.SIGHUP)
held = logline(r, r"SIGHUP %s -> held: no master followed yet$" % ME, 5) and not os.path.exists(late)
fl = logline(r, r"following pid", 10)
got = wait_until(lambda: "HUP" in file_lines(late + ".rec"), 5)
tap.ok(held and fl and got, "a pidfile written 1 s late: followed; a HUP meanwhile is held, then delivered", r.errlines())
r.kill(signal.SIGKILL)
r.wait()
pid = int(file_lines(late)[0]) if file_lines(late) else 0
if pid:
    os.kill(pid, signal.SIGKILL)
subprocess.call(["rm", "-f", late, late + ".rec"])
r.cleanup()


# 6. an upgrade, the nginx way: USR2 to the master forks the new one,
#    which writes the pidfile; QUIT to the old one; the runner switches
r = Daemon([], ["-w", "2", "-t", "4"])
old = r.master()
logline(r, r"following pid")
send(old, signal.SIGUSR2)
new = r.master(2)
wait_until(lambda: file_lines(r.pidfile) == [str(new)], 5)
send(old, signal.SIGQUIT)
l = logline(r, r"master %d exited" % old, 10)
tap.ok(new and l == "selfpipe-run: info: master %d exited (exited 0); following %d" % (old, new),
       "an upgrade: 'master OLD exited (exited 0); following NEW'", r.errlines())
tap.ok(r.p.poll() is None, "  the runner goes on")
r.kill(signal.SIGHUP)
wait_until(lambda: r.msigs(new), 5)
tap.ok(wait_until(lambda: r.msigs(new) == ["SIGHUP"], 5) and logline(r, r"-> SIGHUP to pid %d$" % new, 5), "  a HUP now reaches the new master", [r.errlines(), r.records()])
# a second upgrade, the master being the runner's child now
send(new, signal.SIGUSR2)
third = r.master(3)
wait_until(lambda: file_lines(r.pidfile) == [str(third)], 5)
send(new, signal.SIGQUIT)
tap.ok(third and logline(r, r"master %d exited \(exited 0\); following %d$" % (new, third), 10), "  a second upgrade: following the third master", r.errlines())
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(rc == 4, "  TERM: the third master exits 4, so does the runner (exit %s)" % rc)
r.cleanup()

# 7. the gunicorn way: the new master writes pid.2; the old one deletes
#    pid as it exits; pid.2 becomes pid 700 ms later. Signals meanwhile
#    are held and go to the new master.
r = Daemon(["-v2"], ["-g", "700"])
old = r.master()
logline(r, r"following pid")
send(old, signal.SIGUSR2)
new = r.master(2)
wait_until(lambda: os.path.exists(r.pidfile + ".2"), 5)
send(old, signal.SIGQUIT)
wait_until(lambda: not alive(old), 5)
r.kill(signal.SIGHUP)
held = logline(r, r"SIGHUP %s -> held: no master followed yet$" % ME, 5)
early = os.path.exists(r.pidfile)
l = logline(r, r"master %d exited" % old, 10)
wait_until(lambda: r.msigs(new), 5)
tap.ok(held and not early and l == "selfpipe-run: info: master %d exited (exited 0); following %d" % (old, new),
       "the pidfile gap: a HUP meanwhile is held, then the switch", r.errlines())
tap.ok(r.msigs(new) == ["SIGHUP"] and r.msigs(old) == ["SIGUSR2", "SIGQUIT"], "  the HUP reached the new master, not the old one", r.records())
r.kill(signal.SIGTERM)
tap.ok(r.wait() == 0, "  and TERM ends it")
r.cleanup()

# 8. a switch is not a stop: the QUIT that retires the old master is a
#    -t stop signal sent through the runner; its -k deadline is not
#    carried to the new master
r = Daemon(["-t", "QUIT,TERM", "-k", "500"])
old = r.master()
logline(r, r"following pid")
send(old, signal.SIGUSR2)
new = r.master(2)
wait_until(lambda: file_lines(r.pidfile) == [str(new)], 5)
r.kill(signal.SIGQUIT)
l = logline(r, r"master %d exited" % old, 10)
tap.ok(l == "selfpipe-run: info: master %d exited (exited 0); following %d; the stop by SIGQUIT ended with %d: a switch is not a stop" % (old, new, old),
       "QUIT through the runner retires the old master: the line says the stop ended with it", r.errlines())
settle(1.0)
tap.ok(alive(new) and r.p.poll() is None and not logline(r, r"SIGKILL", 0), "  the new master is alive well after the 500 ms -k deadline, no KILL", r.errlines())
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(rc == 0, "  a new stop still works (exit %s)" % rc)
r.cleanup()

# 9. no new master: the master exits, the pidfile is gone, nothing of the
#    tree is left: the runner ends at once, not after the -P timeout
r = Daemon([], ["-t", "6"], ms=20000)
m = r.master()
logline(r, r"following pid")
send(m, signal.SIGTERM)
rc = r.wait(5)
tap.ok(rc == 6 and logline(r, r"^selfpipe-run: info: child %d exited 6$" % m, 0), "no new master: the runner exits with the master's code at once (exit %s)" % rc, r.errlines())
r.cleanup()

# 10. no new master, a worker left behind: waits the -P timeout, then says why
r = Daemon([], ["-w", "1", "-l", "1"], ms=400)
m = r.master()
logline(r, r"following pid")
worker = wait_until(lambda: children(m), 5)
send(m, signal.SIGKILL)
rc = r.wait(10)
tap.ok(rc == 137 and logline(r, r"no new master: pidfile %s: it names the master that exited$" % re.escape(r.pidfile), 0),
       "a master killed, its worker alive, its stale pidfile: 'no new master', exit 137 (exit %s)" % rc, r.errlines())
for w in worker or ():
    os.kill(w, signal.SIGKILL)
r.cleanup()

# 11. without -P, -s: a child that exits 0 leaving processes behind is named
# (the shell waits until both children run sleep, so that their names are known)
r = Run(["-s"], prog=["/bin/sh", "-c", 'sleep 300 & a=$!; sleep 300 & b=$!; '
                      'until [ "$(cat /proc/$a/comm /proc/$b/comm)" = "$(printf "sleep\\nsleep")" ]; do :; done; exit 0'])
rc = r.wait()
l = logline(r, r"descendants still alive", 0)
m = l and re.search(r"child exited 0; 2 descendants still alive: (\d+) \(sleep\), (\d+) \(sleep\): a daemon that forks\? see -P$", l)
tap.ok(rc == 0 and m, "without -P: 'child exited 0; 2 descendants still alive: N (sleep), M (sleep): a daemon that forks? see -P'", r.errlines())
for p in (m.groups() if m else ()):
    os.kill(int(p), signal.SIGKILL)
r.cleanup()

# 12. -U: one signal upgrades, or rolls back
r, old = triggered(["-T", "-U", "ALRM,5000"], ["-t", "4"])
new = r.master(2)
r.kill(signal.SIGALRM)
busy = logline(r, r"SIGALRM %s -> upgrade already under way: ignored$" % ME, 5)
d = logline(r, r"upgrade done", 10)
m = d and re.search(r"upgrade done: following %d (\d+) ms after the trigger$" % new, d)
lines = r.errlines()
want = [r"info: SIGALRM %s -> upgrade: SIGUSR2 to pid %d$" % (ME, old),
        r"info: upgrade: new master %d alive 1000 ms -> SIGQUIT to old master %d$" % (new, old),
        r"info: master %d exited \(exited 0\); following %d$" % (old, new)]
tap.ok(m and all(logline(r, w, 0) for w in want), "-U ALRM: USR2 to the master, the new one alive 1 s, QUIT to the old, switch: 'upgrade done'", lines)
tap.ok(busy and r.msigs(old) == ["SIGUSR2", "SIGQUIT"], "  a second ALRM meanwhile is ignored, with a warning; the old master saw USR2 and QUIT only", r.records())
tap.note("-U: trigger to 'upgrade done': %s ms" % (m.group(1) if m else "?"))
r.kill(signal.SIGTERM)
tap.ok(r.wait() == 4, "  TERM then ends the new master")
r.cleanup()

r, old = triggered(["-U", "ALRM,5000"], ["-t", "4", "-f", "300"])
new = r.master(2)
l = logline(r, r"upgrade rolled back", 10)
tap.ok(l and re.search(r"warning: upgrade rolled back after \d+ ms: the new master died$", l) and r.p.poll() is None and alive(old),
       "-U: a new master that dies within 1 s: 'upgrade rolled back ...: the new master died', the old one followed", r.errlines())
old_master_stays(r, old, "  a HUP then reaches the old master, which never got QUIT")

r, old = triggered(["-U", "ALRM,500"], ["-t", "4", "-n", "1"])
l = logline(r, r"upgrade rolled back", 10)
tap.ok(l and re.search(r"warning: upgrade rolled back after \d+ ms: the pidfile named no new master in time$", l) and alive(old),
       "-U ALRM,500 and no new master: rolled back at the deadline, the old master alive", r.errlines())
r.kill(signal.SIGTERM)
tap.ok(r.wait() == 4, "  TERM ends it")
r.cleanup()

r, old = triggered(["-U", "ALRM,5000"], ["-t", "4"])
new = r.master(2)
wait_until(lambda: file_lines(r.pidfile) == [str(new)], 5)
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(rc == 4 and logline(r, r"upgrade abandoned: the service is stopping$", 0) and wait_until(lambda: not alive(old) and not alive(new), 5),
       "-U: a stop during the upgrade stops both masters (exit %s)" % rc, r.errlines())
r.cleanup()

# 13b. -u: the signal that starts an upgrade in the master
r, old = triggered(["-U", "ALRM,500", "-u", "WINCH"], ["-t", "4", "-n", "1"])
l = logline(r, r"upgrade rolled back", 10)
tap.ok(logline(r, r"info: SIGALRM %s -> upgrade: SIGWINCH to pid %d$" % (ME, old), 0) and l and r.msigs(old) == ["SIGWINCH"],
       "-U ALRM -u WINCH: the trigger sends WINCH, not USR2, to the master", r.errlines() + [str(r.records())])
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

# 13c. -N -U: the new master is ready when it says READY=1 from its own
# pid; here it writes pidfile.2 (gunicorn's way) and says READY=1 1.5 s
# after its pid: it is named as a child of the old master that said so
r = Daemon(["-N", "-U", "ALRM,10000"], ["-t", "4", "-g", "100", "-r", "1500"])
old = r.master()
logline(r, r"following pid")
wait_until(lambda: ["master", str(old), "notified"] in r.records(), 5)
r.kill(signal.SIGALRM)
new = r.master(2)
d = logline(r, r"upgrade done", 15)
recs = [" ".join(x) for x in r.records()]
want = [r"info: upgrade: READY=1 from pid %d, before a new master is named$" % new,
        r"info: upgrade: new master %d, a child of the old master, said READY=1$" % new,
        r"info: upgrade: new master %d said READY=1 -> SIGQUIT to old master %d$" % (new, old),
        r"info: upgrade done: following %d " % new]
lines = r.errlines()
idx = [next((i for i, l in enumerate(lines) if re.search(w, l)), -1) for w in want]
qi = recs.index("master %d sig SIGQUIT" % old) if "master %d sig SIGQUIT" % old in recs else -1
ni = recs.index("master %d notified" % new) if "master %d notified" % new in recs else -1
tap.ok(d and all(i >= 0 for i in idx) and idx == sorted(idx),
       "-N -U ALRM: READY=1 from the new master's pid, then QUIT to the old one, then 'upgrade done'", lines)
tap.ok(0 <= ni < qi, "  the old master got QUIT only after the new one said READY=1", recs)
r.kill(signal.SIGTERM)
tap.ok(r.wait() == 4, "  TERM then ends the new master")
r.cleanup()

# 13d. -N -U and a new master that never says READY=1 and ignores QUIT:
# rolled back, then KILL after -k's time
r, old = triggered(["-N", "-U", "ALRM,800", "-k", "300", "-q", "QUIT"], ["-t", "4", "-Q", "1"])
new = r.master(2)
l = logline(r, r"upgrade rolled back", 10)
k = logline(r, r"rolled-back new master", 10)
tap.ok(l and re.search(r"warning: upgrade rolled back after \d+ ms: the new master did not say READY=1 in time; SIGQUIT to new master %d$" % new, l),
       "-N -U ALRM,800: no READY=1 from the new master: rolled back, QUIT to it", r.errlines())
tap.ok(k and re.search(r"warning: upgrade: rolled-back new master %d alive 300 ms after SIGQUIT -> SIGKILL$" % new, k)
       and wait_until(lambda: not alive(new), 5) and alive(old) and r.p.poll() is None,
       "  it ignores QUIT: SIGKILL 300 ms later (-k), logged; the old master still followed", r.errlines())
old_master_stays(r, old, "  a HUP then reaches the old master")

# without -k or -S: 5000 ms (here: rolled back before its 1 s alive)
r, old = triggered(["-U", "ALRM,400"], ["-t", "4", "-Q", "1"])
new = r.master(2)
l = logline(r, r"upgrade rolled back", 10)
k = logline(r, r"rolled-back new master", 15)
tap.ok(l and re.search(r"the new master was not settled in time; SIGQUIT to new master %d$" % new, l) and k
       and re.search(r"rolled-back new master %d alive 5000 ms after SIGQUIT -> SIGKILL$" % new, k) and wait_until(lambda: not alive(new), 5),
       "-U ALRM,400 without -k or -S: a rolled-back new master that ignores QUIT gets SIGKILL 5000 ms later", r.errlines())
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

# 13e. -N -P: a master that says READY=1 at once, maybe before the
# runner follows it (gunicorn --daemon): the service is ready all the same
r = Daemon(["-N"], ["-t", "4", "-r", "0"])
m = r.master()
l = logline(r, r"service ready", 10)
tap.ok(l and re.search(r"info: service ready: READY=1 from pid %d(, before it was followed)?$" % m, l),
       "-N -P: READY=1 from the master as it starts: 'service ready' (%s)" % ("before it was followed" if l and "before" in l else "followed first"), r.errlines())
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

# 13f. -q: the signal that retires the old master
r, old = triggered(["-U", "ALRM,5000", "-q", "HUP"], ["-t", "4"])
new = r.master(2)
l = logline(r, r"upgrade: new master \d+ alive 1000 ms", 10)
wait_until(lambda: "SIGHUP" in r.msigs(old), 5)
tap.ok(l and l.endswith("-> SIGHUP to old master %d" % old) and r.msigs(old) == ["SIGUSR2", "SIGHUP"],
       "-U ALRM -q HUP: the old master is retired with HUP, not QUIT", r.errlines() + [str(r.records())])
ended(r, old, new)

# 13g. -C: the new master is ready when its check exits 0; the check
# runs again while it fails, and knows both masters
cdir = tempfile.mkdtemp(prefix="sprun-check-")
flag, clog = os.path.join(cdir, "flag"), os.path.join(cdir, "log")
chk = os.path.join(cdir, "check")
with open(chk, "w") as f:
    f.write('#!/bin/sh\necho "$SELFPIPE_NEWMASTER $SELFPIPE_OLDMASTER" >> %s\ntest -e %s\n' % (clog, flag))
os.chmod(chk, 0o755)


def check_runs():
    try:
        with open(clog) as f:
            return f.read().splitlines()
    except OSError:
        return []


r, old = triggered(["-U", "ALRM,%d" % int(scaled(20) * 1000), "-C", chk], ["-t", "4"])
new = r.master(2)
ran = wait_until(lambda: len(check_runs()) >= 2, 10)
early = [l for l in r.errlines() if "upgrade done" in l or "-> SIGQUIT to old master" in l]
tap.ok(ran and not early and alive(old), "-U -C: a failing check runs again, and the old master is not retired meanwhile (%d runs)" % len(check_runs()), r.errlines())
open(flag, "w").close()
d = logline(r, r"upgrade done: following %d " % new, 10)
tap.ok(d and logline(r, r"info: upgrade: new master %d passed its check -> SIGQUIT to old master %d$" % (new, old), 0),
       "  once it exits 0: 'new master N passed its check', QUIT to the old one, 'upgrade done'", r.errlines())
tap.ok(check_runs() and all(l == "%d %d" % (new, old) for l in check_runs()),
       "  each run had SELFPIPE_NEWMASTER=%d SELFPIPE_OLDMASTER=%d" % (new, old), check_runs())
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

os.unlink(flag)
r, old = triggered(["-U", "ALRM,800", "-k", "300", "-C", chk], ["-t", "4"])
new = r.master(2)
l = logline(r, r"upgrade rolled back", 10)
tap.ok(l and re.search(r"warning: upgrade rolled back after \d+ ms: the new master did not pass its check in time; SIGQUIT to new master %d$" % new, l)
       and alive(old) and r.p.poll() is None,
       "-U ALRM,800 -C, a check that never passes: rolled back, QUIT to the new master, the old one followed", r.errlines())
ended(r, old, new)
subprocess.call(["rm", "-rf", cdir])

# 13. usage errors: exit 100, one line naming the word
for args, want in ((["-P", ""], "-P : an empty file name"),
                   (["-P", ",500"], "-P ,500: an empty file name"),
                   (["-P", "/run/x.pid,0"], "-P /run/x.pid,0: not a positive number of milliseconds after the comma"),
                   (["-P", "/run/x.pid,5s"], "-P /run/x.pid,5s: not a positive number of milliseconds after the comma"),
                   (["-P", "a", "-P", "b"], "-P b: only one pidfile"),
                   (["-P", "/" + "x" * 5000], "the file name is too long"),
                   (["-U", "ALRM"], "-U needs -P"),
                   (["-P", "f", "-U", "ALRM,0"], "-U ALRM,0: not a positive number"),
                   (["-P", "f", "-U", "NOPE"], "-U NOPE: not sig or sig,ms"),
                   (["-P", "f", "-U", "KILL"], "-U KILL: SIGKILL cannot be caught"),
                   (["-P", "f", "-U", "ALRM", "-u", "NOPE"], "-u NOPE: unknown signal"),
                   (["-P", "f", "-U", "ALRM", "-q", "NOPE"], "-q NOPE: unknown signal"),
                   (["-P", "f", "-u", "WINCH"], "-u needs -U"),
                   (["-P", "f", "-q", "TERM"], "-q needs -U"),
                   (["-P", "f", "-C", "/bin/true"], "-C needs -U"),
                   (["-P", "f", "-U", "ALRM", "-C", "/nonexistent/check"], "-C /nonexistent/check: the check is not an executable file")):
    p = subprocess.run(runner_cmd(args + ["true"]), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = [l for l in p.stderr.decode(errors="replace").splitlines() if not re.match(r"^==\d+==", l)]
    tap.ok(p.returncode == 100 and len(err) == 1 and err[0].startswith("selfpipe-run: usage: ") and want in err[0],
           "usage: %s: exit 100, '%s'" % (" ".join(a[:20] for a in args), want), err)
# a comma followed by no number is part of the name
r = Run(["-P", "/nonexistent/a,b"], prog=["/bin/sh", "-c", "exit 4"])
tap.ok(r.wait() == 4, "-P /nonexistent/a,b: a file name with a comma, accepted")
r.cleanup()

tap.done()
