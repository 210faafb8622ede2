#!/usr/bin/env python3
# ISC license. A real uWSGI (Debian's 2.0, uwsgi-core with
# uwsgi-plugin-python3) rolled out 3 times under load by selfpipe-gen,
# as an s6 service:
#   selfpipe-bind -t 127.0.0.1:PORT selfpipe-gen -N -n 5 -U ALRM
#     -S TERM/10000,KILL selfpipe-listenfds uwsgi --protocol http11 ...
# What uWSGI 2.0 does, found by running it:
#  - it takes LISTEN_FDS natively (core/socket.c: LISTEN_PID must be its
#    pid, fds 3.. become its sockets, "SystemD socket activation
#    detected"), so selfpipe-listenfds' plain systemd dialect is all it
#    needs; those sockets speak the uwsgi protocol unless --protocol
#    says otherwise: http11 is HTTP/1.1 with keep-alive (http closes
#    after each answer). --http-socket fd://3 would do without
#    LISTEN_FDS.
#  - with NOTIFY_SOCKET its master says READY=1 ("uWSGI is ready") once
#    the app is loaded (not lazy-apps) and without --need-app a failed
#    load still says it, serving 500s: --need-app makes it exit instead.
#  - SIGTERM is a brutal *reload* in 2.0 (it re-execs itself, LISTEN_FDS
#    gone: "The -s/--socket option is missing", exit 1), SIGINT and
#    SIGQUIT a brutal stop. --hook-master-start "unix_signal:15
#    gracefully_kill_them_all" makes TERM the graceful stop (workers
#    finish their requests, "goodbye to uWSGI", exit 0): the schedule's
#    TERM retires a generation with it.
# 0 failed requests, each rollout's edited app served after it, the same
# s6-supervise child all along.
import os, re, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intlib import *
from genlib import *

ROLLOUTS = 3
UWSGI = '/usr/bin/uwsgi'
VERSION = "VERSION = '1'"


def story(h, sup):
    h.require([('sh', 'dash'), ('s6-svwait', 's6')])
    if not installed(h, UWSGI, 'uwsgi rollouts', 'apt-get install uwsgi-core uwsgi-plugin-python3'):
        return
    if not os.path.exists('/usr/lib/uwsgi/plugins/python3_plugin.so'):
        h.tap.skip('uwsgi rollouts', "uwsgi's python3 plugin is not installed (apt-get install uwsgi-plugin-python3)")
        return
    gen_programs(h)
    port = h.free_port()
    app = os.path.join(h.tmp, 'app.py')
    with open(os.path.join(h.src, 'doc', 'examples', 'gunicorn-gen-s6', 'app.py')) as f:
        code = f.read()
    h.write(app, code)
    line = ('exec selfpipe-bind -t 127.0.0.1:%d selfpipe-gen -N -n 5 -U ALRM -S TERM/10000,KILL '
            'selfpipe-listenfds %s --plugin python3 --master --processes 2 --threads 4 --protocol http11 '
            '--need-app --disable-logging --wsgi-file %s --callable app '
            '--hook-master-start "unix_signal:15 gracefully_kill_them_all"' % (port, UWSGI, app))

    def setup(svc):
        generic_service(h, sup, line)(svc)
        h.write(os.path.join(svc, 'notification-fd'), '5\n')
    svc = supervise(h, sup, {'uwsgi': setup})['uwsgi']
    logdir = log_of(svc)
    sup.up(svc)
    rc, out = h.run(['s6-svwait', '-U', '-t', str(int(scaled(60) * 1000)), svc], timeout=70)
    h.ok(rc == 0 and h.wait_log(logdir, r'selfpipe-gen: info: service ready: READY=1 from pid \d+$', 10),
         'uwsgi: s6-svwait -U returns once generation 1 said READY=1', out + h.logtext(logdir))
    ans = h.wait_for(lambda: h.http_get(port), 30)
    if not h.ok(ans == 'version 1, generation 1\n', 'uwsgi answers on 127.0.0.1:%d: %r' % (port, ans),
                h.logtext(logdir) + h.read_outputs()):
        raise SystemExit(1)
    h.ok(h.wait_log(logdir, r'SystemD socket activation detected', 10),
         '  uwsgi took fd 3 from LISTEN_FDS ("SystemD socket activation detected")', h.logtext(logdir))
    before, t0 = uptime(h, sup, svc), time.monotonic()

    load = GenLoad(port, r'version (\w+), generation (\d+)\n$', keepalive=3, fresh=3, rate=60)
    load.start()
    wait_running(load)

    def edit(i):
        h.write(app, code.replace(VERSION, "VERSION = '%d'" % (i + 2)))
        return str(i + 2)
    done, answers, bad = rollouts(h, sup, svc, logdir, load, ROLLOUTS, edit, lambda v, g: (v, str(g)))
    h.ok(bad is None, 'uwsgi: %d rollouts by s6-svc -a: each "rollout done", the old master retired by TERM '
         '(graceful with the hook: exited 0), the edited app served after it' % ROLLOUTS,
         '%s\n%s' % (bad, h.logtext(logdir)))
    h.ok(len(h.wait_log(logdir, r'goodbye to uWSGI', 0)) >= len(done),
         '  each retired master said "goodbye to uWSGI" (a graceful stop, not a reload)', h.logtext(logdir))
    load.finish()
    n = load.report(h, 'uwsgi')
    h.ok(load.failed == 0, '  0 failed requests of %d' % n, load.errors)
    stale, odd = stale_answers(load, done, answers, (1, ('1', '1')))
    h.ok(not stale and not odd, '  no request sent after a "rollout done" was answered by an older generation', (stale, odd))
    same_service(h, sup, svc, before, t0, '  uwsgi')
    h.note('uwsgi: rollout trigger -> old generation retired: %s' % spread([r.ms for r in done]))
    h.note('uwsgi: new generation spawned -> its READY=1: %s' % spread([r.ready for r in done]))

    uwsgis = lambda: [p for p in h._descendants() if h.stat(p) and h.stat(p)[2].startswith('uwsgi') and h.alive(p)]
    sup.down(svc)
    h.ok(h.wait_for(lambda: sup.is_down(svc), 30), '  down', sup.status(svc) + h.logtext(logdir))
    h.ok(h.wait_for(lambda: not uwsgis(), 20), '  no uwsgi process is left', uwsgis())


main('int-gen-uwsgi', story, [S6])
