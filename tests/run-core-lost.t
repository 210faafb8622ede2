#!/usr/bin/env python3
# ISC license. selfpipe-run when its signal pipe overflows: 40000 queued
# real-time signals land at once (sent while it is stopped, delivered on
# SIGCONT). The runner counts every delivery, either in its log lines or
# in one "N deliveries of SIG... lost" warning, forwards the lost ones
# once, and goes on working.

import os, re, signal, subprocess, sys, time

sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()


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
    tap.skip("overflow", "only %d signals could be queued (ulimit -i)" % sent)
    tap.done()

tap.ok(alive, "the runner survives %d deliveries at once" % sent)
tap.ok(lost > 0, "a loss warning names SIGRTMIN+1 and counts %d lost" % lost, "\n".join(lines[-6:]))
tap.ok(seen + lost == sent, "logged %d + lost %d == %d sent" % (seen, lost, sent), "\n".join(lines[-6:]))
tap.ok(unknown >= 1, "the lost deliveries are acted on once, from an unknown sender", "\n".join(lines[-6:]))
tap.ok(p.returncode == 128 + signal.SIGTERM, "TERM afterwards still forwarded: exit 143 (got %s)" % p.returncode)
tap.ok(lines[-1:] and re.match(r"selfpipe-run: info: child \d+ killed by SIGTERM$", lines[-1]), "  the last line is the child's end", lines[-3:])

tap.done()
