#!/usr/bin/env python3
# ISC license. Rollouts that fail, under load, under s6 and runit: a
# small LISTEN_FDS HTTP service (tests/gen_http.py, answering with its
# generation and pid) behind
#   selfpipe-bind -t 127.0.0.1:PORT selfpipe-gen -U ALRM,3000 -x 1
#     -S TERM/5000,KILL selfpipe-listenfds gen_http.py
# once with -N (ready on READY=1) and once with -C gen_check.py (ready
# when its health socket says ok). The new generation, told by the mode
# file: exits at once (-N); never says READY=1 (-N, "hang": a second
# trigger meanwhile is ignored); never passes its check (-C). Each time:
# 0 failed requests, every answer from the one pid that served before,
# exactly 2 attempts (-x 1) rolled back with the reason in the log, then
# given up; and a good rollout still works after them.
import os, re, shutil, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intlib import *
from genlib import *

HERE = os.path.dirname(os.path.abspath(__file__))
ANSWER = r'generation (\d+) pid (\d+)\n$'


def service(h, sup, port, gate):
    def setup(svc):
        line = ('exec selfpipe-bind -t 127.0.0.1:%d selfpipe-gen %s -U ALRM,3000 -x 1 -S TERM/5000,KILL '
                'selfpipe-listenfds python3 %s/gen_http.py %s' % (port, gate(svc), svc, svc))
        generic_service(h, sup, line)(svc)
        for f in ('gen_http.py', 'gen_check.py'):
            shutil.copy(os.path.join(HERE, f), os.path.join(svc, f))
    return setup


def failed_rollout(h, sup, svc, logdir, load, mode, why, cur, what, busy=False):
    """mode in DIR/mode, a trigger: 2 attempts rolled back for why, given up, cur (gen, pid) served throughout."""
    STARTED = r'selfpipe-gen: info: generation \d+ \(pid \d+\) started'
    GIVEN = r'keeps serving; rollout given up after 2 attempts$'
    start = len(h.logtext(logdir).splitlines())
    started, given = len(h.wait_log(logdir, STARTED, 0)), len(h.wait_log(logdir, GIVEN, 0))
    h.write(os.path.join(svc, 'mode'), mode + '\n')
    t = time.monotonic()
    alarm(h, sup, svc)
    if busy:   # once the candidate runs, another trigger
        h.wait_log(logdir, STARTED, 20, count=started + 1)
        alarm(h, sup, svc)
    given = len(h.wait_log(logdir, GIVEN, 30, count=given + 1)) > given
    back = rollback_lines(h, logdir, sup.stamp, start)
    h.ok(given and [b[3] for b in back] == ['retry 1 of 1 in 1000 ms', 'rollout given up after 2 attempts']
         and all(re.match(why, b[2]) for b in back),
         '%s: %s: exactly 2 attempts (-x 1), each rolled back: "%s", then given up'
         % (what, mode, back[0][2] if back else why), '\n'.join(h.logtext(logdir).splitlines()[start:]))
    if busy:
        h.ok(h.wait_log(logdir, r'selfpipe-gen: warning: SIGALRM from pid \d+ .* -> rollout already under way: ignored$', 0),
             '  a trigger during the rollout is logged and ignored', '\n'.join(h.logtext(logdir).splitlines()[start:]))
    served = load.ok
    h.wait_for(lambda: load.ok >= served + 30, 20)
    answers = set(load.since(t))
    h.ok(answers == {(str(cur[0]), str(cur[1]))},
         '  generation %d (pid %d) answered every request meanwhile: %s' % (cur[0], cur[1], sorted(answers)))
    return [b[0] for b in back]


def good_rollout(h, sup, svc, logdir, load, cur, n, what):
    h.write(os.path.join(svc, 'mode'), 'good\n')
    r = rollout(h, sup, svc, logdir, n, 30)
    ok = r is not None and r.old == cur[0] and r.how == 'exited 0' and \
        wait_until(lambda: load.first_since(r.seen_at, (str(r.new), str(r.newpid))), 20, 0.02)
    h.ok(ok and not [g for g in load.since(r.seen_at) if int(g[0]) < r.new],
         '%s: then a good rollout: generation %s (pid %s) answers, generation %d retired (exited 0), %s ms after the trigger'
         % (what, r and r.new, r and r.newpid, cur[0], r and r.ms), h.logtext(logdir))
    return r


def story_for(h, sup, svc, port, gate, stories):
    logdir = log_of(svc)
    sup.up(svc)
    first = h.wait_for(lambda: h.http_get(port), 30)
    m = re.match(ANSWER, first or '')
    if not h.ok(m and m.group(1) == '1', '%s, %s: generation 1 answers on 127.0.0.1:%d: %r' % (sup.name, gate, port, first),
                h.logtext(logdir) + h.read_outputs()):
        raise SystemExit(1)
    cur = (1, int(m.group(2)))
    before, t0 = uptime(h, sup, svc), time.monotonic()
    load = GenLoad(port, ANSWER, keepalive=3, fresh=3, rate=60)
    load.start()
    wait_running(load)
    bad = []
    for mode, why, busy in stories:
        bad += failed_rollout(h, sup, svc, logdir, load, mode, why, cur, '%s, %s' % (sup.name, gate), busy)
    r = good_rollout(h, sup, svc, logdir, load, cur, 1, '%s, %s' % (sup.name, gate))
    load.finish()
    n = load.report(h, '%s, %s' % (sup.name, gate))
    h.ok(load.failed == 0, '  0 failed requests of %d' % n, load.errors)
    h.ok(not set(bad) & set(int(g[0]) for (t, g) in load.seen),
         '  no rolled back generation (%s) answered a request' % bad)
    same_service(h, sup, svc, before, t0, '  ' + sup.name)
    sup.down(svc)
    h.ok(h.wait_for(lambda: sup.is_down(svc), 30), '  %s: down' % sup.name, sup.status(svc) + h.logtext(logdir))


def story(h, sup):
    h.require([('sh', 'dash'), ('python3', 'python3')])
    gen_programs(h)
    pn, pc = h.free_port(), h.free_port()
    while pc == pn:
        pc = h.free_port()
    dirs = supervise(h, sup, {
        'notify': service(h, sup, pn, lambda svc: '-N'),
        'check': service(h, sup, pc, lambda svc: '-C %s/gen_check.py' % svc)})
    story_for(h, sup, dirs['notify'], pn, '-N', [
        ('exit', r'it exited 1 before it was ready$', False),
        ('hang', r'no READY=1 from it in 3000 ms$', True)])
    story_for(h, sup, dirs['check'], pc, '-C', [
        ('unhealthy', r'it did not pass its check in 3000 ms$', False)])


main('int-gen-rollback', story, [S6, Runit])
