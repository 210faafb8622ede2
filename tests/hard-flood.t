#!/usr/bin/env python3
# ISC license. Signal floods through selfpipe-run.
#  1. paced: 100,000 signals in batches of 100 (USR1, USR2 and 98
#     real-time signals, which queue), each batch acknowledged by the
#     child before the next: every one forwarded and logged, RSS and the
#     open fd count the same at the end as after the first batches.
#  2. unpaced: the runner is stopped while 40,000 real-time signals queue
#     up for it, then continued: the kernel runs its handler for all of
#     them before its main loop can drain the self-pipe, so the pipe
#     (1 MiB, 32768 records) overflows. What the child did not get must
#     be counted and logged, exactly: at -v 0 (warnings only), at -v 1
#     (a burst of one signal folds into "repeated" lines), and with two
#     signals sent in turn (each counted on its own).

import os, re, signal, sys, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from hard_lib import *

tap = Tap()
need_runner(tap)

PACED = int(os.environ.get("SP_HARD_PACED", "100000"))
BATCH = 100
RT = [RTMIN + i for i in range(1, 5)]

# 1. paced flood
r = Counted([signal.SIGUSR1, signal.SIGUSR2] + RT)
tap.ok(r.ready(), "the counting child is ready")
sent = 0
start_rss = start_fds = None
t0 = time.monotonic()
stalled = False
while sent < PACED:
    batch = [signal.SIGUSR1, signal.SIGUSR2] + [RT[i % len(RT)] for i in range(BATCH - 2)]
    for s in batch:
        os.kill(r.pid, s)
    sent += len(batch)
    if r.pump(sent, 10) < sent:
        stalled = True
        break
    if start_rss is None and sent >= 1000:
        start_rss, start_fds = rss_kb(r.pid), fd_count(r.pid)
end_rss, end_fds = rss_kb(r.pid), fd_count(r.pid)
elapsed = time.monotonic() - t0
rc = r.finish()
tap.ok(not stalled and r.total == sent == PACED,
       "%d paced signals sent, the child got %d (%.1f s)" % (sent, r.total, elapsed))
want = {signal.SIGUSR1: PACED // BATCH, signal.SIGUSR2: PACED // BATCH}
for i in range(BATCH - 2):
    want[RT[i % len(RT)]] = want.get(RT[i % len(RT)], 0) + PACED // BATCH
tap.ok(r.counts == want, "each signal arrived as many times as it was sent",
       "got %r\nwant %r" % (r.counts, want))
logged = forwards_logged(r.log())
wantlog = dict((sig_name(s), n) for s, n in want.items())
wantlog["SIGTERM"] = 1
tap.ok(logged == wantlog, "every forward is logged (%d lines)" % len(r.log()),
       "logged %r\nwant %r" % (logged, wantlog))
# a leak of even 16 bytes per signal would be 1.5 MB here: 16 kB of slack
# only allows for pages touched late for the first time
tap.ok(end_rss - start_rss <= 16, "runner RSS constant: %d kB after 1000 signals, %d kB at the end" % (start_rss, end_rss))
tap.ok(end_fds == start_fds, "runner fds constant: %d after 1000 signals, %d at the end" % (start_fds, end_fds))
tap.ok(rc == 0, "exit code 0 (got %s)" % rc)
r.cleanup()

# 2. unpaced real-time flood, with the runner stopped while it queues,
# as nobody (root's pending signals are shared by the whole machine).
# A loss report makes the runner forward the signal once (so the child
# sees it after the loss): received == forwarded records + reports. A
# forward that fails (EAGAIN: the child's queue is full) must be logged.
FLOOD = 40000
SENTINEL = RTMAX
LOST_RE = re.compile(r"^selfpipe-run: warning: (\d+) deliveries of (SIG[A-Z0-9+-]+) lost")
LINES_LOST_RE = re.compile(r"^selfpipe-run: warning: (\d+) lines lost")
FAILED_RE = re.compile(r"^selfpipe-run: warning: (SIG[A-Z0-9+-]+) from .* -> (SIG[A-Z0-9+-]+) to pid \d+ failed: ")


def unpaced(opts, sigs, what):
    # Past the receiver's RLIMIT_SIGPENDING (its default depends on the
    # RAM), the kernel merges a kill()ed real-time signal with a pending
    # one, silently, before the runner can see it: room for all of them.
    r = Counted(sigs + [SENTINEL], opts=opts, wrap=["prlimit", "--sigpending=%d" % (2 * FLOOD)] + AS_NOBODY)
    tap.ok(r.ready(), "%s: the counting child is ready" % what)
    os.kill(r.pid, signal.SIGSTOP)
    wait_until(lambda: open("/proc/%d/stat" % r.pid).read().rsplit(")", 1)[1].split()[0] == "T", 5)
    queued = FLOOD
    for i in range(FLOOD):
        os.kill(r.pid, sigs[i % len(sigs)])
    sigq = sig_queued(r.pid)
    tap.ok(sigq >= FLOOD, "%s: the kernel queued all %d for the stopped runner (SigQ %d)" % (what, FLOOD, sigq))
    os.kill(r.pid, signal.SIGCONT)
    # The sentinel goes last and is the highest signal: the child takes
    # the lowest pending first, so it sees the sentinel after every
    # earlier forward (then a little more time for a late loss report's).
    os.kill(r.pid, SENTINEL)
    end = time.monotonic() + 60
    while not r.counts.get(SENTINEL) and not r.ended and time.monotonic() < end:
        r.pump(r.total + 1, 1)
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
    tap.ok(lost > 0 and got + failed - reports + lost == queued,
           "%s: the pipe overflowed and nothing was lost silently: %d received + %d failed forwards - %d loss reports + %d reported lost == %d sent"
           % (what, got, failed, reports, lost, queued),
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


def sig_queued(pid):
    """the signals queued for pid's real user, from /proc/pid/status SigQ"""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("SigQ:"):
                return int(line.split()[1].split("/")[0])
    return -1


RT2, RT3 = RTMIN + 2, RTMIN + 3
unpaced(["-v0"], [RT2], "-v 0, one signal")
unpaced([], [RT2], "-v 1, one signal")
unpaced([], [RT2, RT3], "-v 1, two signals")

tap.done()
