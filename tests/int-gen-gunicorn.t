#!/usr/bin/env python3
# ISC license. A real gunicorn (Debian's 20.1, /usr/bin/gunicorn) rolled
# out ten times under load by selfpipe-gen, under s6 and under runit,
# from the service directories doc/examples/gunicorn-gen-s6 and
# doc/examples/gunicorn-gen-runit as they are (only the port changes):
#   selfpipe-bind -t 127.0.0.1:PORT selfpipe-gen -N [-n 5] -U ALRM
#     -S TERM/10000,KILL selfpipe-listenfds gunicorn --preload app:app
# gunicorn takes fd 3 from LISTEN_FDS and says READY=1 on the
# generation's own NOTIFY_SOCKET. Its TERM is the graceful stop (the
# workers finish the request in hand, arbiter.stop(graceful=True));
# QUIT and INT are the fast one (workers get QUIT and sys.exit at once,
# dropping what they serve): the schedule retires with TERM.
# Before each rollout (s6-svc -a, sv alarm) the test edits app.py's
# VERSION: the answers show the new code and generation once the log
# says "rollout done", never the old one after it. A load of fresh and
# keep-alive connections runs throughout: 0 failed requests; the
# supervisor shows the same pid, up all along. Halfway, app.py is
# broken (an import that fails): with --preload gunicorn dies before
# READY=1, so each of the 3 attempts (-x 2) is rolled back, the serving
# generation is never touched, and the next good edit rolls out.
import os, re, subprocess, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intlib import *
from genlib import *

ROLLOUTS = 10
BROKEN_AFTER = 5
VERSION = "VERSION = '1'"


def set_version(h, svc, text):
    h.write(os.path.join(svc, 'app.py'), text)


def app_text(h, example, version):
    with open(os.path.join(h.src, 'doc', 'examples', example, 'app.py')) as f:
        text = f.read()
    return text.replace(VERSION, "VERSION = '%s'" % version)


def started(h, sup, svc, logdir, port):
    """Up, and (s6) ready by s6-svwait -U: the notification-fd (5) newline
    that -n 5 writes once generation 1 said READY=1."""
    sup.up(svc)
    if sup.name == 's6':
        rc, out = h.run(['s6-svwait', '-U', '-t', str(int(scaled(60) * 1000)), svc], timeout=70)
        m = h.wait_log(logdir, r'selfpipe-gen: info: service ready: READY=1 from pid (\d+)$', 10)
        h.ok(rc == 0 and m, 's6: s6-svwait -U returns once generation 1 said READY=1 (pid %s)'
             % (m[0].group(1) if m else '?'), out + h.logtext(logdir))
    ans = h.wait_for(lambda: h.http_get(port), 60)
    if not h.ok(ans == 'version 1, generation 1\n', '%s: gunicorn answers on 127.0.0.1:%d: %r' % (sup.name, port, ans),
                h.logtext(logdir) + h.read_outputs()):
        raise SystemExit(1)
    h.ok(h.wait_log(logdir, r'\[INFO\] Listening at: http://127\.0\.0\.1:%d ' % port, 10),
         '  gunicorn took fd 3 from LISTEN_FDS (it listens where selfpipe-bind bound)', h.logtext(logdir))


def broken_rollout(h, sup, svc, logdir, load, cur, example):
    """app.py that does not import: 3 attempts rolled back, cur serves."""
    start = len(h.logtext(logdir).splitlines())
    set_version(h, svc, 'import selfpipe_no_such_module\n' + app_text(h, example, 'broken'))
    t = time.monotonic()
    alarm(h, sup, svc)
    given = h.wait_log(logdir, r'rolled back after \d+ ms: .*; rollout given up after 3 attempts$', 60)
    back = rollback_lines(h, logdir, sup.stamp, start)
    why = [b[2] for b in back]
    tails = [b[3] for b in back]
    h.ok(given and tails == ['retry 1 of 2 in 1000 ms', 'retry 2 of 2 in 2000 ms', 'rollout given up after 3 attempts']
         and all(re.match(r'it exited \d+ before it was ready$', w) for w in why),
         '%s: a broken app.py (an import that fails): gunicorn --preload dies before READY=1, '
         'rolled back 3 times (-x 2), then given up' % sup.name, h.logtext(logdir))
    h.note('  why: %s' % '; '.join(sorted(set(why))))
    served = load.ok
    h.wait_for(lambda: load.ok >= served + 30, 20)
    gens = set(g[1] for g in load.since(t))
    h.ok(gens == {str(cur)}, '  generation %d served every request meanwhile: %s' % (cur, sorted(gens)))
    return [b[0] for b in back]


def story(h, sup):
    h.require([('sh', 'dash')] + ([('s6-svwait', 's6')] if sup.name == 's6' else []))
    if not installed(h, GUNICORN, '%s: gunicorn rollouts' % sup.name, 'apt-get install gunicorn'):
        return
    gen_programs(h)
    example = 'gunicorn-gen-%s' % sup.name
    port = h.free_port()

    def setup(svc):
        h.copy_service(example, svc, [('run', '127.0.0.1:8080', '127.0.0.1:%d' % port)])
    svc = supervise(h, sup, {'gunicorn': setup})['gunicorn']
    logdir = log_of(svc)
    started(h, sup, svc, logdir, port)
    before, t0 = uptime(h, sup, svc), time.monotonic()

    load = GenLoad(port, r'version (\w+), generation (\d+)\n$', keepalive=3, fresh=3, rate=60)
    load.start()
    wait_running(load)
    broken = []

    def between(i, cur):
        if i == BROKEN_AFTER:
            broken.extend(broken_rollout(h, sup, svc, logdir, load, cur, example))

    def edit(i):
        set_version(h, svc, app_text(h, example, str(i + 2)))
        return str(i + 2)
    done, answers, bad = rollouts(h, sup, svc, logdir, load, ROLLOUTS, edit, lambda v, g: (v, str(g)), between=between)
    h.ok(bad is None, '%s: %d rollouts by %s: each "rollout done", generation N retired by TERM (exited 0), '
         'the edited app.py served after it' % (sup.name, ROLLOUTS, ' '.join(ALARM[sup.name])),
         '%s\n%s' % (bad, h.logtext(logdir)))
    load.finish()
    n = load.report(h, sup.name)
    h.ok(load.failed == 0 and n / load.elapsed >= 200,
         '  %d requests (%.0f/s, fresh and keep-alive connections), 0 failed: %d' % (n, n / load.elapsed, load.failed),
         load.errors)
    stale, odd = stale_answers(load, done, answers, (1, ('1', '1')))
    h.ok(not stale and not odd, '  no request sent after a "rollout done" was answered by an older generation, '
         'and each generation served its own version of app.py', (stale, odd))
    h.ok(broken and not set(broken) & set(int(g[1]) for (t, g) in load.seen),
         '  no broken generation (%s) answered a request' % broken)
    same_service(h, sup, svc, before, t0, '  ' + sup.name)
    h.note('%s: rollout trigger -> old generation retired ("ms after the trigger"): %s'
           % (sup.name, spread([r.ms for r in done])))
    h.note('%s: new generation spawned -> its READY=1: %s' % (sup.name, spread([r.ready for r in done])))

    gunicorns = lambda: [p for p in h._descendants() if h.stat(p) and h.stat(p)[2].startswith('gunicorn') and h.alive(p)]
    sup.down(svc)
    h.ok(h.wait_for(lambda: sup.is_down(svc), 30), '  %s: down' % sup.name, sup.status(svc) + h.logtext(logdir))
    h.ok(h.wait_for(lambda: not gunicorns(), 20), '  no gunicorn process is left', gunicorns())


main('int-gen-gunicorn', story, [S6, Runit])
