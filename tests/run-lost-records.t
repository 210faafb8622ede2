#!/usr/bin/env python3
# ISC license. selfpipe-run when its signal pipe overflows: 40,000 queued
# real-time signals land at once (sent while it is stopped, delivered on
# SIGCONT: the kernel runs its handler for all of them before its main
# loop can drain the self-pipe, which holds 32,768 records). Every
# delivery is accounted for, in its log lines or in one "N deliveries of
# SIG... lost" warning; the lost ones are acted on once; it goes on
# working. That is when the runner polls a descriptor besides its
# signals (-N's notify socket here): then the handler takes each
# delivery. With nothing else to wait for, the runner holds its signals
# and takes them from the kernel itself, which queues them all: nothing
# overflows, nothing is lost (the last case).
#  1. an ignored signal (-m RTMIN+1:0): the log lines count every one;
#  2. forwarded to a child that counts what it gets, as nobody: what the
#     child did not get is counted and logged, exactly, at -v 0
#     (warnings only), at -v 1 (a burst of one signal folds into
#     "repeated" lines), and with two signals sent in turn;
#  3. the same flood, held: every delivery reaches the child, no loss.

import os, re, signal, subprocess, sys

sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)

FLOOD = 40000

# 1. ignored: every delivery is in a log line or counted lost
sig = RTMIN + 1
p = subprocess.Popen(WRAP + [RUNNER, "-N", "-m", "RTMIN+1:0", "sleep", "60"], stderr=subprocess.PIPE)
tap.ok(child_running(p.pid, "sleep"), "the runner runs its child")
sent = queue_while_stopped(p.pid, sig, FLOOD)
os.kill(p.pid, signal.SIGCONT)
drained(p.pid, sig, timeout=30)
alive = p.poll() is None
p.send_signal(signal.SIGTERM)
lines = stderr_at_end(p, 30).splitlines()

seen = 0
lost = 0
unknown = 0
for l in lines:
    m = re.match(r"selfpipe-run: info: SIGRTMIN\+1 %s -> ignored(?: \(repeated (\d+) times\))?$" % from_me_re(os.getpid()), l)
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
else:
    tap.ok(alive, "the runner survives %d deliveries at once" % sent)
    tap.ok(lost > 0, "a loss warning names SIGRTMIN+1 and counts %d lost" % lost, "\n".join(lines[-6:]))
    tap.ok(seen + lost == sent, "logged %d + lost %d == %d sent" % (seen, lost, sent), "\n".join(lines[-6:]))
    tap.ok(unknown >= 1, "the lost deliveries are acted on once, from an unknown sender", "\n".join(lines[-6:]))
    tap.ok(p.returncode == 128 + signal.SIGTERM, "TERM afterwards still forwarded: exit 143 (got %s)" % p.returncode)
    tap.ok(lines[-1:] and re.match(r"selfpipe-run: info: child \d+ killed by SIGTERM$", lines[-1]),
           "  the last line is the child's end", lines[-3:])

# 2. forwarded, as nobody (root's pending signals are shared by the whole
# machine). A loss report makes the runner forward the signal once (so
# the child sees it after the loss): received == forwarded records +
# reports. A forward that fails (EAGAIN: the child's queue is full) must
# be logged.
SENTINEL = CATCH_MAX
LOST_RE = re.compile(r"^selfpipe-run: warning: (\d+) deliveries of (SIG[A-Z0-9+-]+) lost")
LINES_LOST_RE = re.compile(r"^selfpipe-run: warning: (\d+) lines lost")
FAILED_RE = re.compile(r"^selfpipe-run: warning: (SIG[A-Z0-9+-]+) from .* -> (SIG[A-Z0-9+-]+) to pid \d+ failed: ")


def sig_queued(pid):
    """the signals queued for pid's real user, from /proc/pid/status SigQ"""
    return int((proc_field(pid, "SigQ") or "-1/0").split("/")[0])


def counted_flood(opts, sigs, what, polled=True):
    # Past the receiver's RLIMIT_SIGPENDING (its default depends on the
    # RAM), the kernel merges a kill()ed real-time signal with a pending
    # one, silently, before the runner can see it: room for all of them.
    r = Counted(sigs + [SENTINEL], opts=(["-N"] if polled else []) + opts, wrap=["prlimit", "--sigpending=%d" % (2 * FLOOD)] + AS_NOBODY)
    tap.ok(r.ready(), "%s: the counting child is ready" % what)
    os.kill(r.pid, signal.SIGSTOP)
    wait_state(r.pid, "T", 5)
    for i in range(FLOOD):
        os.kill(r.pid, sigs[i % len(sigs)])
    sigq = sig_queued(r.pid)
    tap.ok(sigq >= FLOOD, "%s: the kernel queued all %d for the stopped runner (SigQ %d)" % (what, FLOOD, sigq))
    os.kill(r.pid, signal.SIGCONT)
    # The sentinel goes last and is the highest signal: the child takes
    # the lowest pending first, so it sees the sentinel after every
    # earlier forward (then a little more time for a late loss report's).
    os.kill(r.pid, SENTINEL)

    # a busy machine gives the counting child little time (seen: nothing
    # for seconds at a load of 190): wait as long as its count grows, and
    # give up only after 30 s (scaled) without
    while not (r.counts.get(SENTINEL) or r.ended):
        before = r.total
        r.pump(r.total + 1, 30)
        if r.total == before:
            break
    tap.ok(r.counts.get(SENTINEL), "%s: the sentinel came after the flood" % what)
    r.pump(1 << 62, 0.5)
    rc = r.finish()
    lines = expand(r.log())
    got = sum(r.counts.get(s, 0) for s in sigs)
    names = [sig_name(s) for s in sigs]
    lost = reports = lines_lost = failed = 0
    for l in lines:
        m = FAILED_RE.match(l)
        if m and m.group(2) in names:
            failed += 1
        m = LOST_RE.match(l)
        if m and m.group(2) in names:
            lost += int(m.group(1))
            reports += 1
        m = LINES_LOST_RE.match(l)
        if m:
            lines_lost += int(m.group(1))
    if polled:
        tap.ok(lost > 0 and got + failed - reports + lost == FLOOD,
               "%s: the pipe overflowed and nothing was lost silently: %d received + %d failed forwards - %d loss reports + %d reported lost == %d sent"
               % (what, got, failed, reports, lost, FLOOD),
               "%d log lines, %d lines lost\n%s" % (len(lines), lines_lost, "\n".join(l for l in lines if "lost" in l)))
    else:
        tap.ok(lost == 0 and reports == 0 and got + failed == FLOOD,
               "%s: nothing overflowed, nothing was lost: %d received + %d failed forwards == %d sent, %d reported lost"
               % (what, got, failed, FLOOD, lost),
               "%d log lines, %d lines lost\n%s" % (len(lines), lines_lost, "\n".join(l for l in lines if "lost" in l)))
    if "-v0" not in opts:
        # a forward line per delivery the child got, the CONT, sentinel and
        # TERM forwards and the child's end (and the loss warnings): each
        # one written or counted in a "lines lost" line
        want = got + 4
        written = len([l for l in lines if not LINES_LOST_RE.match(l)])
        tap.ok(written + lines_lost >= want,
               "%s: every log line written or counted lost: %d written + %d lost >= %d" % (what, written, lines_lost, want))
    tap.ok(rc == 0, "%s: exit code 0 after the flood (got %s)" % (what, rc))
    r.cleanup()


RT2, RT3 = RTMIN + 2, RTMIN + 3
counted_flood(["-v0"], [RT2], "-v 0, one signal")
counted_flood([], [RT2], "-v 1, one signal")
counted_flood([], [RT2, RT3], "-v 1, two signals")
counted_flood([], [RT2, RT3], "held, -v 1, two signals", polled=False)

tap.done()
