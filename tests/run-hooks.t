#!/usr/bin/env python3
# ISC license. selfpipe-run -c sig:hook: the hook exiting 0 means forward;
# anything else holds the signal; hooks run asynchronously, coalesce,
# time out (-w); their environment and output.

import os, signal, stat, sys, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)
me, uid = os.getpid(), os.getuid()
hd = tempfile.mkdtemp(prefix="sprun-hooks-")

def hook(name, body):
    return sh_script(hd, name, body)

log = os.path.join(hd, "hooklog")
passes = hook("pass", 'echo "$SELFPIPE_SIGNAL $SELFPIPE_CHILD [$SELFPIPE_SENDER]" >> %s\nexit 0' % log)
fails = hook("fail", 'echo "$SELFPIPE_SIGNAL" >> %s\nexit 1' % log)
slow = hook("slow", 'echo start >> %s\nsleep 1\necho end >> %s\nexit 0' % (log, log))
hangs = hook("hang", 'exec sleep 30')
talks = hook("talk", 'echo "hook stdout says hi"\necho "hook stderr says hi" 1>&2\nexit 0')

def hooklog():
    return file_lines(log)

def reset():
    try:
        os.unlink(log)
    except OSError:
        pass

def hook_started(path, started):
    """A runner gating HUP with the hook at path, its first HUP's hook
    running (it has written started, its first line)."""
    reset()
    r = Run(["-c", "HUP:" + path], ["-x", "TERM:0"])
    r.ready()
    r.kill(signal.SIGHUP)
    wait_until(lambda: hooklog()[:1] == [started], 5)
    return r

# 1. a hook that exits 0: the signal is forwarded; the hook's environment
reset()
r = Run(["-c", "HUP:" + passes], ["-x", "TERM:0"])
r.ready()
r.kill(signal.SIGHUP)
r.wait_sigs(1)
tap.ok(r.sigs() == ["SIGHUP"], "hook exits 0: HUP is forwarded", r.sigs())
tap.ok(hooklog() == ["SIGHUP %d [%d]" % (r.child, me)],
       "hook env: SELFPIPE_SIGNAL=SIGHUP SELFPIPE_CHILD=<child> SELFPIPE_SENDER=<sender>", hooklog())
r.kill(signal.SIGTERM)
r.wait()
got = r.norm(me)
tap.ok(got[:1] == ["selfpipe-run: info: SIGHUP %s -> SIGHUP to pid CHILD" % from_me()],
       "  the usual forward line", "\n".join(got))
r.cleanup()

# 2. a hook that exits 1: held, the exact line
reset()
r = Run(["-c", "HUP:" + fails], ["-x", "TERM:0"])
r.ready()
r.kill(signal.SIGHUP)
wait_until(lambda: any("held" in l for l in r.errlines()), 5)
settle(0.2)   # a wrong forward would have come by now
tap.ok(r.sigs() == [], "hook exits 1: HUP is not forwarded", r.sigs())
tap.ok(hooklog() == ["SIGHUP"], "  the hook ran once", hooklog())
r.kill(signal.SIGTERM)
r.wait()
got = r.norm(me)
tap.ok(got[:1] == ["selfpipe-run: info: SIGHUP %s -> held: hook %s exited 1" % (from_me(), fails)],
       "  the held line, exactly", "\n".join(got))
r.cleanup()

# 3. -m and -c together: the hook gates, the remap applies after it
reset()
r = Run(["-c", "HUP:" + passes, "-m", "HUP:USR2"], ["-x", "TERM:0"])
r.ready()
r.kill(signal.SIGHUP)
r.wait_sigs(1)
tap.ok(r.sigs() == ["SIGUSR2"] and hooklog()[:1] == ["SIGHUP %d [%d]" % (r.child, me)],
       "-c HUP -m HUP:USR2: the hook sees SIGHUP, the child gets USR2", (r.sigs(), hooklog()))
r.cleanup()

# 4. asynchronous: while HUP's hook runs, other signals are forwarded at once
r = hook_started(slow, "start")
t0 = time.monotonic()
r.kill(signal.SIGUSR1)
r.wait_sigs(1)
dt = time.monotonic() - t0
tap.ok(r.sigs()[:1] == ["SIGUSR1"] and "end" not in hooklog(),
       "USR1 is forwarded while HUP's hook still runs (%.3f s)" % dt, (r.sigs(), hooklog()))
r.wait_sigs(2)
tap.ok(r.sigs() == ["SIGUSR1", "SIGHUP"], "  then HUP once its hook passed", r.sigs())
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

# 5. coalescing: 5 HUPs while the hook runs = one more run after it
r = hook_started(slow, "start")
for i in range(5):
    r.kill(signal.SIGHUP)
    drained(r.pid, signal.SIGHUP)   # taken: the next one is a delivery of its own
wait_until(lambda: hooklog().count("end") >= 2, 6)
settle(1.5)   # a third run would have started by now
tap.ok(hooklog() == ["start", "end", "start", "end"], "5 HUPs during the hook: exactly one re-run after it", hooklog())
tap.ok(r.sigs() == ["SIGHUP", "SIGHUP"], "  and two forwards", r.sigs())
hl = [l for l in r.errlines() if "SIGHUP" in l]
tap.ok(len(hl) >= 3, "  the coalesced deliveries are logged too (%d HUP lines)" % len(hl), "\n".join(r.errlines()))
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

# 5b. the re-run checks the newest delivery: its sender, not the first one's
slowenv = hook("slowenv", 'echo "start [$SELFPIPE_SENDER]" >> %s\nsleep 1\nexit 0' % log)
r = hook_started(slowenv, "start [%d]" % me)
other = subprocess.run(["sh", "-c", "kill -HUP %d; echo $$" % r.pid], capture_output=True, text=True).stdout.strip()
drained(r.pid, signal.SIGHUP)   # taken: the third is a delivery of its own
third = subprocess.run(["sh", "-c", "kill -HUP %d; echo $$" % r.pid], capture_output=True, text=True).stdout.strip()
wait_until(lambda: len(hooklog()) >= 2, 6)
settle(1.2)   # a third run would have started by now
tap.ok(hooklog() == ["start [%d]" % me, "start [%s]" % third],
       "the coalesced re-run sees the newest delivery's sender (%s, not %s)" % (third, other), hooklog())
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

# 6. -w: a hook that runs too long is killed, the signal held, a warning
r = Run(["-c", "HUP:" + hangs, "-w", "300"], ["-x", "TERM:0"])
r.ready()
t0 = time.monotonic()
r.kill(signal.SIGHUP)
w = wait_until(lambda: [l for l in r.errlines() if "warning" in l], 5)
dt = time.monotonic() - t0
tap.ok(w and 0.25 < dt < scaled(4), "-w 300: a hanging hook fails after about 300 ms with a warning (%.2f s)" % dt, r.errlines())
tap.ok(any("held" in l and "SIGHUP" in l for l in r.errlines()), "  the HUP is held (a held line)", r.errlines())
settle(0.2)   # a wrong forward would have come by now
tap.ok(r.sigs() == [], "  the child did not get HUP", r.sigs())
out = subprocess.run(["pgrep", "-f", "^sleep 30$", "-P", str(r.pid)], capture_output=True, text=True).stdout.split()
tap.ok(out == [], "  the hook was killed", out)
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

# 7. the hook's stdout and stderr go to the runner's stderr
r = Run(["-c", "HUP:" + talks], ["-x", "TERM:0"], stdout=subprocess.DEVNULL)
r.ready()
r.kill(signal.SIGHUP)
r.wait_sigs(1)
wait_until(lambda: {"hook stdout says hi", "hook stderr says hi"} <= set(r.errlines()), 3)
lines = r.errlines()
tap.ok("hook stdout says hi" in lines and "hook stderr says hi" in lines, "the hook's stdout and stderr go to the runner's stderr", lines)
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

# 8. a hook that cannot start (made non-executable after startup): held, warning
h = hook("gone", "exit 0")
r = Run(["-c", "HUP:" + h], ["-x", "TERM:0"])
r.ready()
os.chmod(h, 0o644)
r.kill(signal.SIGHUP)
wait_until(lambda: any("warning" in l for l in r.errlines()) and any("held" in l for l in r.errlines()), 5)
tap.ok(r.sigs() == [] and r.p.poll() is None, "a hook that cannot start: HUP held, the runner goes on", r.sigs())
tap.ok(any("warning" in l for l in r.errlines()) and any("held" in l for l in r.errlines()), "  a warning and a held line", r.errlines())
r.kill(signal.SIGTERM)
tap.ok(r.wait() == 0, "  TERM still ends it, exit 0")
r.cleanup()

# 9. the hook's descriptors: the runner's inherited ones, nothing more
#    (its stdout is the runner's stderr); its signal state is the original one
state = os.path.join(hd, "state")
fdhook = hook("fds", 'exec %s -R -e 0 -o %s' % (CHILD, state))
direct = subprocess.run([CHILD, "-R", "-e", "0"], capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout.split("\n")[0].split()
r = Run(["-c", "HUP:" + fdhook], ["-x", "TERM:0"])
r.ready()
r.kill(signal.SIGHUP)
r.wait_sigs(1)
try:
    with open(state) as f:
        got = f.read().split("\n")[0].split()
except OSError:
    got = []
tap.ok(got[6:8] == direct[6:8] and got[6:8] != [], "the hook gets no extra descriptor (%s)" % " ".join(got[6:8]), (got, direct))
tap.ok(got[2:6] == direct[2:6] and got[2:6] != [], "the hook starts with the original SigBlk/SigIgn", (got, direct))
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()

# 10. the child dies while a hook runs: the runner exits at once and kills the hook
r = Run(["-c", "HUP:" + hangs, "-w", "0"], ["-x", "TERM:0"])
r.ready()
r.kill(signal.SIGHUP)
def hookpids():
    out = subprocess.run(["pgrep", "-P", str(r.pid), "-x", "sleep"], capture_output=True, text=True).stdout.split()
    return [int(x) for x in out]
hp = wait_until(hookpids, 5)
t0 = time.monotonic()
r.kill(signal.SIGTERM)
rc = r.wait()
dt = time.monotonic() - t0
tap.ok(hp and rc == 0 and dt < scaled(2), "the child exits while a hook runs (-w 0): the runner exits at once (%.2f s, exit %s)" % (dt, rc))
tap.ok(hp and wait_until(lambda: all(not alive(p) for p in hp), 3), "  and the hook is killed", hp)
for p in hp or []:
    if alive(p):
        os.kill(p, signal.SIGKILL)
r.cleanup()

# 11. -v 2 says when a hook starts and ends; -v 1 does not
def hooklines(v):
    r = Run(["-v", str(v), "-c", "HUP:" + passes], ["-x", "TERM:0"])
    r.ready()
    r.kill(signal.SIGHUP)
    r.wait_sigs(1)
    r.kill(signal.SIGTERM)
    r.wait()
    lines = [l for l in r.errlines() if passes in l]
    r.cleanup()
    return lines
l2, l1 = hooklines(2), hooklines(1)
tap.ok(any(re.match(r"selfpipe-run: debug: hook %s pid \d+ started for SIGHUP$" % re.escape(passes), l) for l in l2)
       and any(re.match(r"selfpipe-run: debug: hook %s pid \d+ exited 0$" % re.escape(passes), l) for l in l2),
       "-v 2: debug lines for the hook's start and end", l2)
tap.ok(l1 == [], "-v 1: no line about a hook that passed", l1)

subprocess.call(["rm", "-rf", hd])
tap.done()
