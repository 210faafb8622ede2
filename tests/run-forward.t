#!/usr/bin/env python3
# ISC license. selfpipe-run forwards what it catches: every forwardable
# signal, in order, from its own pid; a burst stays in order; a signal
# caught before the child exists still reaches it.

import os, signal, sys, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)

# a fault signal that was sent (not raised by the CPU) is forwarded as any
# other; valgrind asserts when one comes from outside while it runs client
# code, so that pass leaves them to the plain and sanitizer ones
FAULTS = (signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE, signal.SIGILL, signal.SIGTRAP, signal.SIGSYS)
FORWARDABLE = [s for s in range(1, CATCH_MAX + 1)
               if s not in (signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD) and not 32 <= s < RTMIN
               and not (s in FAULTS and os.environ.get("SP_PHASE") == "valgrind")]
# default action: terminate (or core); the others stop or are ignored
KILLING = [s for s in FORWARDABLE if s not in (signal.SIGCONT, signal.SIGTSTP, signal.SIGTTIN,
                                                 signal.SIGTTOU, signal.SIGURG, signal.SIGWINCH)]

# 1. each forwardable signal, caught by the child: it sees it from the runner's pid
r = Run([], ["-x", "TERM:0"])
r.ready()
bad = []
sent = [s for s in FORWARDABLE if s != signal.SIGTERM]
for s in sent:
    if r.p.poll() is not None:
        bad.append("the runner exited (%s) before %s" % (r.p.returncode, sig_name(s)))
        break
    n = len(r.sigs())
    r.kill(s)
    if not r.wait_sigs(n + 1, timeout=3):
        bad.append(sig_name(s) + ":lost")
        continue
    rec = r.sigrecs()[-1]
    if s in (signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
        # forwarded, then the runner stops itself until CONT
        if not wait_until(lambda: proc_state(r.pid) == "T", 3):
            bad.append("%s:runner did not stop" % sig_name(s))
        r.kill(signal.SIGCONT)
        if not r.wait_sigs(n + 2, timeout=3) or r.sigs()[-1] != "SIGCONT":
            bad.append("%s:CONT not forwarded after" % sig_name(s))
    if rec[2] != sig_name(s):
        bad.append("%s:got %s" % (sig_name(s), rec[2]))
    elif int(rec[7]) != r.pid:
        bad.append("%s:from pid %s" % (sig_name(s), rec[7]))
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(not bad, "each of %d forwardable signals reaches the child, from the runner's pid" % len(sent), bad)
tap.ok(rc == 0, "the child's exit 0 after TERM is the runner's (got %s)" % rc)
tap.ok(r.sigs()[-1:] == ["SIGTERM"], "TERM was the last signal the child saw")
lines = r.norm(os.getpid())
want = []
for s in sent + [signal.SIGTERM]:
    want.append("selfpipe-run: info: %s %s -> %s to pid CHILD" % (sig_name(s), from_me(), sig_name(s)))
    if s in (signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
        want.append("selfpipe-run: info: SIGCONT %s -> SIGCONT to pid CHILD" % from_me())
got = [l for l in lines if " from pid " in l]
import difflib
tap.ok(got == want, "one log line per forwarded signal, in order, exact text", "\n".join(difflib.unified_diff(want, got, "want", "got", lineterm="", n=1)))
tap.ok(lines[-1:] == ["selfpipe-run: info: child CHILD exited 0"], "last log line: child CHILD exited 0", lines[-3:])
r.cleanup()

# 2. 128+N: the forwarded signal kills a child that keeps the default action
todo = KILLING if PHASE != "valgrind" else [signal.SIGHUP, signal.SIGINT, signal.SIGTERM, signal.SIGUSR2, 40, CATCH_MAX]
bad = []
for s in todo:
    r = Run(["-v", "0"], ["-d", str(s)])
    if not r.ready():
        bad.append(sig_name(s) + ":no ready")
    else:
        r.kill(s)
        rc = r.wait()
        if rc != 128 + s:
            bad.append("%s:%s" % (sig_name(s), rc))
    r.cleanup()
tap.ok(not bad, "forwarded N kills the child: runner exits 128+N (%d signals)" % len(todo), bad)

# 3. paced signals keep their order (reverse numeric order, so the
#    kernel's own ordering of pending signals cannot produce it)
order = [CATCH_MAX, RTMIN + 5, signal.SIGUSR2, signal.SIGALRM, signal.SIGUSR1,
         signal.SIGQUIT, signal.SIGINT, signal.SIGHUP]
r = Run([], ["-x", "TERM:0"])
r.ready()
for i, s in enumerate(order):
    r.kill(s)
    r.wait_sigs(i + 1)   # each one there before the next is sent
r.kill(signal.SIGTERM)
r.wait()
tap.ok(r.sigs() == [sig_name(s) for s in order] + ["SIGTERM"], "paced signals arrive in the order sent", r.sigs())
r.cleanup()

# 4. a burst of 1000 alternating USR1/USR2: an in-order subsequence
def is_subsequence(got, sent):
    it = iter(sent)
    return all(any(g == s for s in it) for g in got)

r = Run([], ["-x", "HUP:0"])
child = int(r.ready()[3])
sent = []
for i in range(1000):
    s = signal.SIGUSR1 if i % 2 == 0 else signal.SIGUSR2
    os.kill(r.pid, s)
    sent.append(sig_name(s))
drained(r.pid, signal.SIGUSR1, signal.SIGUSR2)   # the runner has taken the whole burst
# and the child has taken what the runner forwarded: a HUP pending beside
# a USR1 would be delivered first (the lowest number), and end the child
wait_until(lambda: {"SIGUSR1", "SIGUSR2"} <= set(r.sigs()), 10)
drained(child, signal.SIGUSR1, signal.SIGUSR2)
r.kill(signal.SIGHUP)
rc = r.wait()
got = r.sigs()
tap.ok(rc == 0 and got[-1:] == ["SIGHUP"], "after the burst, the final HUP arrives last (exit %s)" % rc, got[-5:])
burst = got[:-1]
tap.ok(len(burst) >= 2 and is_subsequence(burst, sent),
       "burst of 1000 alternating USR1/USR2: the child saw an in-order subsequence (%d signals)" % len(burst),
       " ".join(burst[:60]))
tap.ok("SIGUSR1" in burst and "SIGUSR2" in burst, "both USR1 and USR2 came through")
logged = []
for l in r.errlines():
    m = re.match(r"selfpipe-run: info: (SIGUSR[12]) %s -> (SIGUSR[12]) to pid \d+( \(repeated \d+ times\)|)" % from_me_re(os.getpid()), l)
    if m:
        logged.append(m.group(1))
tap.ok(len(logged) >= 2 and is_subsequence(logged, sent), "the log lines of the burst are in order too (%d lines)" % len(logged))
r.cleanup()

# 5. a signal caught right after the traps are in place, before the child
#    exists (or just after), still reaches it
# (valgrind catches every signal itself, so the runner's SigCgt says
# nothing there: wait for the child to exist instead)
def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return f.read().split()
    except OSError:
        return []
tries = 20 if PHASE == "plain" else 3
when = "the runner traps it" if PHASE != "valgrind" else "the child exists"
bad = []
for i in range(tries):
    r = Run(["-v", "0"], prog=["sleep", "20"])
    if PHASE == "valgrind":
        wait_until(lambda: children(r.pid) or r.p.poll() is not None, 10)
    else:
        wait_until(lambda: traps_ready(r.pid) or r.p.poll() is not None, 10)
    r.kill(signal.SIGTERM)
    rc = r.wait(timeout=10)
    if rc != 128 + signal.SIGTERM:
        bad.append(rc)
    r.cleanup()
tap.ok(not bad, "TERM sent as soon as %s: the child dies by it, exit 143 (%d runs)" % (when, tries), bad)

# 6. the runner's own SIGPIPE (from its stderr) is not forwarded; a PIPE sent by a process is
r = Run([], ["-x", "TERM:0"], stderr=subprocess.PIPE)
r.ready()
r.p.stderr.close()
r.kill(signal.SIGUSR1)   # its log line hits a broken pipe
r.wait_sigs(1)
settle(0.2)   # a forwarded SIGPIPE would have come by now
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(rc == 0, "stderr a broken pipe: the runner does not die of SIGPIPE, exit 0 (got %s)" % rc)
tap.ok(r.sigs() == ["SIGUSR1", "SIGTERM"], "  and the child got USR1, TERM and no SIGPIPE", r.sigs())
r.cleanup()

# 7. the runner's own SIGXFSZ (its stderr, a file, hits RLIMIT_FSIZE) is not forwarded
import resource
def small_files():
    resource.setrlimit(resource.RLIMIT_FSIZE, (3000, resource.RLIM_INFINITY))
r = Run([], ["-x", "TERM:0"], preexec_fn=small_files)
r.ready()
for i in range(50):
    r.kill(signal.SIGUSR1 if i % 2 == 0 else signal.SIGUSR2)   # alternating: no line folds
    if not r.wait_sigs(i + 1, timeout=3):
        break
wait_until(lambda: os.path.getsize(r.errpath) > 2000, 3)   # the log lines written past the limit's signal
size = os.path.getsize(r.errpath)
r.kill(signal.SIGTERM)
rc = r.wait()
tap.ok(size > 2000 and rc == 0, "stderr past RLIMIT_FSIZE: the runner survives its SIGXFSZ, exit 0 (got %s, %d bytes)" % (rc, size))
tap.ok(r.sigs() == ["SIGUSR1", "SIGUSR2"] * 25 + ["SIGTERM"], "  the child got 50 USR1/USR2 and TERM, no SIGXFSZ",
       [x for x in r.sigs() if x not in ("SIGUSR1", "SIGUSR2")])
r.cleanup()

tap.done()
