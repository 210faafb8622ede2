#!/usr/bin/env python3
# ISC license. 1000 paced s6-svc -h to a service under selfpipe-run, each
# awaited in s6-log before the next: every signal arrives as exactly one
# line, nothing lost, nothing folded.
import os, re, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intlib import *

COUNT = 1000


def story(h, sup):
    h.require([('sh', 'dash'), ('sleep', 'coreutils')])
    line = "exec selfpipe-run -r -k 10000 -- sh -c \"trap '' HUP; exec sleep 100000\""
    svc = supervise(h, sup, {'hup': generic_service(h, sup, line)})['hup']
    logdir = log_of(svc)
    sup.up(svc)
    runner, parent, child = service_running(h, sup, svc, 'sleep', 'hup')
    # the child ignores HUP (trap ''): each forward line says so
    fwd = re.compile(r'^%sselfpipe-run: info: SIGHUP %s -> SIGHUP to pid %d \(ignored by it\)$'
                     % (sup.stamp, sent_by(parent, os.geteuid(), sup.supervisor), child), re.M)
    counted = lambda: len(fwd.findall(h.logtext(logdir)))

    # one hup at a time, each one's line awaited before the next
    t0 = time.monotonic()
    sent = 0
    for i in range(1, COUNT + 1):
        rc, out = sup.hup(svc)
        if rc != 0:
            break
        sent = i
        if not h.wait_for(lambda: counted() >= i, 20):
            break
    elapsed = time.monotonic() - t0
    h.ok(sent == COUNT, '%d hups sent in %.1f s' % (sent, elapsed))

    text = h.logtext(logdir)
    n = len(fwd.findall(text))
    h.ok(n == COUNT, 'the logger has exactly one "SIGHUP ... -> SIGHUP" line per hup: %d of %d' % (n, COUNT),
         '\n'.join(text.split('\n')[-20:]))
    other = [l for l in text.split('\n') if 'selfpipe-run:' in l and not fwd.match(l)]
    h.ok(not other, 'and no other line from selfpipe-run (nothing lost, nothing folded)', '\n'.join(other[:20]))
    h.ok(h.alive(runner) and h.alive(child), 'selfpipe-run and its child still run')


main('int-s6-burst', story, [S6])
