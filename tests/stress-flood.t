#!/usr/bin/env python3
# ISC license. A paced flood through selfpipe-run: 100,000 signals in
# batches of 100 (USR1, USR2 and 98 real-time signals, which queue), each
# batch acknowledged by the child before the next: every one forwarded
# and logged, RSS and the open fd count the same at the end as after the
# first batches. (The unpaced flood, which overflows the signal pipe, is
# tests/run-lost-records.t.) Plain pass only, as every stress-*.t: too
# slow under valgrind, and RSS means nothing there.

import os, signal, sys, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)

PACED = int(os.environ.get("SP_FLOOD_PACED", "100000"))
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
# a leak of even 1 byte per signal would be 100 kB here. What may grow
# legitimately is bounded: the log queue (64 KiB, static) has its pages
# touched only when a burst read at once fills it, which can happen late
# in the flood (the static musl runner has no other page to hide it in),
# plus 16 kB for other pages touched late for the first time.
QUEUE_KB = 64
tap.ok(end_rss - start_rss <= QUEUE_KB + 16,
       "runner RSS bounded: %d kB after 1000 signals, %d kB at the end (log queue %d kB + 16 kB)"
       % (start_rss, end_rss, QUEUE_KB))
tap.ok(end_fds == start_fds, "runner fds constant: %d after 1000 signals, %d at the end" % (start_fds, end_fds))
tap.ok(rc == 0, "exit code 0 (got %s)" % rc)
r.cleanup()

tap.done()
