#!/usr/bin/env python3
# ISC license. doc/examples/<suite>/generic under s6 and runit in turn:
#  - stubborn: -k kills a child that ignores the remapped stop signal;
#  - reraise, noreraise: -r makes ./finish see the signal that killed the
#    child, instead of exit code 143 without it;
#  - gate: hups that arrive while a -c hook runs fold into one re-run;
#  - pdeath, orphan: when the supervisor SIGKILLs the runner, -p passes a
#    signal on to the child; without it the child lives on, orphaned;
#  - shipped: the example exactly as shipped (only its placeholder daemon
#    replaced by one that ignores TERM): its -k ends the daemon, under
#    runit within the 7 s that sv stop waits, as every runit example's -k.
import glob, os, re, signal, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intlib import *

# the daemon put in the example as shipped: it ignores TERM, so only -k ends it
STUBBORN = "sh -c \"trap '' TERM; exec sleep 100000\""
# the gate's hook takes 2 s and records its environment
GATE = "exec selfpipe-run -r -c HUP:./slow-check -k 10000 -- sh -c \"trap '' HUP; exec sleep 100000\""
SLOW_CHECK = '#!/bin/sh\necho "$SELFPIPE_SIGNAL $SELFPIPE_SENDER $SELFPIPE_CHILD" >> hook.runs\nexec sleep 2\n'


def story(h, sup):
    h.require([('sh', 'dash'), ('sleep', 'coreutils')])
    service = lambda line: generic_service(h, sup, line, finish=True)
    gate = generic_service(h, sup, GATE)
    dirs = supervise(h, sup, {
        'stubborn': service("exec selfpipe-run -r -m TERM:QUIT -k 1000 -- sh -c \"trap '' QUIT; exec sleep 100000\""),
        'reraise': service('exec selfpipe-run -r -k 10000 -- sleep 100000'),
        'noreraise': service('exec selfpipe-run -k 10000 -- sleep 100000'),
        'pdeath': service('exec selfpipe-run -r -p TERM -k 10000 -- sleep 100000'),
        'orphan': service('exec selfpipe-run -r -k 10000 -- sleep 100000'),
        'shipped': generic_service(h, sup, None, finish=True, daemon=STUBBORN),
        'gate': lambda svc: (gate(svc), h.write(os.path.join(svc, 'slow-check'), SLOW_CHECK, 0o755))})
    uid = os.geteuid()
    st = sup.stamp
    for svc in dirs.values():
        sup.up(svc)
    info = {name: service_running(h, sup, svc, 'sleep', name) for name, svc in dirs.items()}

    # stubborn: TERM becomes QUIT, which the child ignores; -k 1000 kills it
    runner, parent, child = info['stubborn']
    with open('/proc/%d/status' % child) as f:
        ign = int(re.search(r'^SigIgn:\s*([0-9a-f]+)', f.read(), re.M).group(1), 16)
    h.ok(ign & (1 << (signal.SIGQUIT - 1)), 'stubborn: the child really ignores SIGQUIT')
    t0 = time.monotonic()
    for name in ('stubborn', 'reraise', 'noreraise'):
        sup.down(dirs[name])
    logdir = log_of(dirs['stubborn'])
    log = lambda: h.logtext(logdir)
    h.ok(h.wait_log(logdir, r'^%sselfpipe-run: info: SIGTERM %s -> SIGQUIT to pid %d \(ignored by it\)$' % (st, sent_by(parent, uid, sup.supervisor), child), 20),
         'stubborn: down sends SIGTERM, remapped to SIGQUIT', log())
    h.ok(h.wait_for(lambda: not h.alive(child), 30), 'stubborn: the child is dead')
    elapsed = time.monotonic() - t0
    h.ok(elapsed >= 0.9, 'stubborn: the child lived through the 1000 ms -k timeout (%.2f s)' % elapsed)
    h.ok(h.wait_log(logdir, r'^%sselfpipe-run: warning: child %d alive 1000 ms after SIGTERM -> SIGKILL$' % (st, child), 20),
         'stubborn: the -k warning is in the log', log())
    h.ok(h.wait_log(logdir, r'^%sselfpipe-run: info: child %d killed by SIGKILL$' % (st, child), 20),
         'stubborn: the log says the child was killed by SIGKILL', log())
    saw = h.wait_for(lambda: sup.exit_status(dirs['stubborn']), 20)
    h.ok(saw == ('signal', 'SIGKILL'), 'stubborn: %s saw SIGKILL as the end of ./run (-r): %s' % (sup.name, saw),
         sup.status(dirs['stubborn']))

    # reraise, noreraise: what ./finish is told of ./run's end
    def finish_args(name):
        path = os.path.join(dirs[name], 'finish.args')
        if not h.wait_for(lambda: os.path.exists(path), 30):
            return None
        with open(path) as f:
            return f.read().split()
    # s6-supervise gives ./finish "256 SIG", runsv gives "-1 SIG"
    by_signal = '256' if sup.name == 's6' else '-1'
    for name, want, what in (('reraise', [by_signal, '15'], 'the signal (-r)'), ('noreraise', ['143'], 'exit code 143 (no -r)')):
        logdir = log_of(dirs[name])
        child = info[name][2]
        h.ok(h.wait_log(logdir, r'^%sselfpipe-run: info: child %d killed by SIGTERM$' % (st, child), 20),
             '%s: the log says the child was killed by SIGTERM' % name, h.logtext(logdir))
        args = finish_args(name)
        h.ok(args is not None and args[:len(want)] == want,
             "%s: ./finish got %s: %s" % (name, what, ' '.join(args or ['nothing'])), sup.status(dirs[name]))

    # gate: hups sent while the hook runs fold into one re-run of the hook
    svc = dirs['gate']
    runner, parent, child = info['gate']
    logdir = log_of(svc)
    hook_runs = lambda: file_lines(os.path.join(svc, 'hook.runs'))
    sup.hup(svc)
    h.ok(h.wait_for(lambda: len(hook_runs()) == 1, 20), 'gate: a hup starts the hook')
    t0 = time.monotonic()
    for _ in range(4):
        sup.hup(svc)
    sent = time.monotonic() - t0
    fwd = r'^%sselfpipe-run: info: SIGHUP %s -> SIGHUP to pid %d \(ignored by it\)$' % (st, sent_by(parent, uid, sup.supervisor), child)
    folded = r'^%sselfpipe-run: info: SIGHUP %s -> coalesced: hook \./slow-check running' % (st, sent_by(parent, uid, sup.supervisor))
    h.ok(h.wait_log(logdir, folded, 20), 'gate: 4 more hups while it runs (sent in %.2f s) are logged as coalesced' % sent,
         h.logtext(logdir))
    h.ok(h.wait_log(logdir, fwd, 30, 2), 'gate: the HUP is forwarded after the first run and after the re-run',
         h.logtext(logdir))
    settle(0.5)   # a third run would have started by now
    want = ['SIGHUP %d %d' % (parent, child)] * 2
    h.ok(hook_runs() == want and len(re.findall(fwd, h.logtext(logdir), re.M)) == 2,
         'gate: exactly one re-run, with SELFPIPE_SIGNAL, SELFPIPE_SENDER (the %s) and SELFPIPE_CHILD' % sup.supervisor,
         '%s\n%s' % (hook_runs(), h.logtext(logdir)))

    # pdeath, orphan: the supervisor's SIGKILL reaches the runner only;
    # -p passes it on
    for name in ('pdeath', 'orphan'):
        sup.kill(dirs[name])
    runner, parent, child = info['pdeath']
    h.ok(h.wait_for(lambda: not h.alive(runner), 20) and h.wait_for(lambda: not h.alive(child), 20),
         'pdeath: %s kill SIGKILLs selfpipe-run, and -p TERM makes its child die with it' % sup.name)
    runner, parent, child = info['orphan']
    gone = h.wait_for(lambda: not h.alive(runner), 20)
    # reparented to us, the subreaper; then it must live on
    h.wait_for(lambda: (h.stat(child) or (0, 0))[1] == os.getpid(), 20)
    settle(0.5)
    cst = h.stat(child)
    h.ok(gone and cst is not None and cst[0] not in ('Z', 'X') and cst[2] == 'sleep' and cst[1] == os.getpid(),
         'orphan: without -p the child outlives its SIGKILLed runner, orphaned', cst)

    # shipped: the example's own -k kills a daemon that ignores TERM; under
    # runit, sv stop (which waits 7 s) sees it down in time
    svc = dirs['shipped']
    runner, parent, child = info['shipped']
    with open(os.path.join(svc, 'run')) as f:
        k = int(re.search(r' -k (\d+) ', f.read()).group(1))
    t0 = time.monotonic()
    if sup.name == 'runit':
        rc, out = h.run(['sv', 'stop', svc], 30)
        h.ok(rc == 0 and out.startswith('ok: down'),
             'shipped: sv stop (its default 7 s wait) reports the service down: -k %d ends it in time: %s' % (k, out.strip()),
             h.logtext(log_of(svc)))
        for ex in sorted(glob.glob(os.path.join(h.src, 'doc', 'examples', 'runit', '*', 'run'))):
            with open(ex) as f:
                m = re.search(r' -k (\d+) ', f.read())
            h.ok(m and int(m.group(1)) <= 6000, "%s: -k %s leaves 1 s of sv's 7 s wait" % (os.path.relpath(ex, h.src), m and m.group(1)))
    else:
        sup.down(svc)
    h.ok(h.wait_for(lambda: not h.alive(child), 30), 'shipped: the daemon ignoring TERM is dead')
    elapsed = time.monotonic() - t0
    h.ok(elapsed >= k / 1000.0 - 0.1 and h.wait_log(log_of(svc), r'^%sselfpipe-run: warning: child %d alive %d ms after SIGTERM -> SIGKILL$' % (st, child, k), 20),
         'shipped: it lived through the example\'s -k %d (%.2f s), then the -k warning is in the log' % (k, elapsed), h.logtext(log_of(svc)))


main('int-generic', story, [S6, Runit])
