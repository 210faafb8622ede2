#!/usr/bin/env python3
# ISC license. selfpipe-run when its signal pipe overflows: 40000 queued
# real-time signals land at once (sent while it is stopped, delivered on
# SIGCONT). The runner counts every delivery, either in its log lines or
# in one "N deliveries of SIG... lost" warning, forwards the lost ones
# once, and goes on working.

import os, re, shlex, signal, subprocess, sys, time

PHASE = os.environ.get("SP_PHASE", "plain")
WRAP = shlex.split(os.environ.get("SP_WRAP", ""))
RUNNER = os.environ["SELFPIPE_RUN"]
SLOW = {"valgrind": 10.0, "sanitize": 3.0}.get(PHASE, 1.0)
n = 0
failed = 0


def ok(cond, what, diag=None):
    global n, failed
    n += 1
    print("%sok %d - %s" % ("" if cond else "not ", n, what), flush=True)
    if not cond:
        failed += 1
        for line in str(diag).splitlines()[:20]:
            print("#   " + line, flush=True)


def state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    return s[s.rindex(")") + 2]


def wait_state(pid, want, timeout):
    end = time.monotonic() + timeout * SLOW
    while time.monotonic() < end:
        if state(pid) == want:
            return True
        time.sleep(0.02)
    return False


WANT = 40000
sig = int(os.environ.get("SP_SIGRTMIN", signal.SIGRTMIN)) + 1  # the runner's libc decides
p = subprocess.Popen(WRAP + [RUNNER, "-m", "RTMIN+1:0", "sleep", "60"], stderr=subprocess.PIPE)
time.sleep(min(0.5 * SLOW, 3))
os.kill(p.pid, signal.SIGSTOP)
wait_state(p.pid, "T", 3)
sent = 0
try:
    for i in range(WANT):
        os.kill(p.pid, sig)
        sent += 1
except OSError:
    pass   # RLIMIT_SIGPENDING
os.kill(p.pid, signal.SIGCONT)
time.sleep(0.1)
wait_state(p.pid, "S", 10)
alive = p.poll() is None
p.send_signal(signal.SIGTERM)
try:
    err = p.communicate(timeout=30 * SLOW)[1].decode()
except subprocess.TimeoutExpired:
    p.kill()
    err = p.communicate()[1].decode()
lines = err.splitlines()

seen = 0
lost = 0
unknown = 0
for l in lines:
    m = re.match(r"selfpipe-run: info: SIGRTMIN\+1 from pid %d uid \d+ -> ignored(?: \(repeated (\d+) times\))?$" % os.getpid(), l)
    if m:
        seen += int(m.group(1)) if m.group(1) else 1
    m = re.match(r"selfpipe-run: warning: (\d+) deliveries of SIGRTMIN\+1 lost \(the signal pipe was full\)$", l)
    if m:
        lost += int(m.group(1))
    if l == "selfpipe-run: info: SIGRTMIN+1 from unknown sender -> ignored":
        unknown += 1

if sent < 33000 and lost == 0:
    # a pipe of 1 MiB holds 32768 records: with fewer signals pending
    # allowed (ulimit -i), nothing can overflow
    print("ok %d - overflow # SKIP only %d signals could be queued (ulimit -i)" % (n + 1, sent))
    print("1..%d" % (n + 1))
    sys.exit(0)

ok(alive, "the runner survives %d deliveries at once" % sent)
ok(lost > 0, "a loss warning names SIGRTMIN+1 and counts %d lost" % lost, "\n".join(lines[-6:]))
ok(seen + lost == sent, "logged %d + lost %d == %d sent" % (seen, lost, sent), "\n".join(lines[-6:]))
ok(unknown >= 1, "the lost deliveries are acted on once, from an unknown sender", "\n".join(lines[-6:]))
ok(p.returncode == 128 + signal.SIGTERM, "TERM afterwards still forwarded: exit 143 (got %s)" % p.returncode)
ok(lines[-1:] and re.match(r"selfpipe-run: info: child \d+ killed by SIGTERM$", lines[-1]), "  the last line is the child's end", lines[-3:])

print("1..%d" % n)
sys.exit(1 if failed else 0)
