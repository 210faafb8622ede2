#!/usr/bin/env python3
# ISC license. A real gunicorn (Debian's 20.1, /usr/bin/gunicorn) in
# daemon mode under selfpipe-run -P, under s6 and runit: gunicorn's own
# binary upgrade (USR2 to the master, which writes the new master's pid
# into FILE.2; TERM to the old one, which deletes FILE as it exits; the
# new master renames FILE.2 to FILE half a second later) is carried
# across that gap: the runner switches to the new master, no request
# fails, the supervisor sees one runner; a down leaves no gunicorn.
import os, re, signal, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intlib import *

UPGRADES = 5


def story(h, sup):
    if not gunicorn_app(h, '%s: gunicorn binary upgrades' % sup.name):
        return
    port = h.free_port()
    pidfile = os.path.join(h.tmp, 'gunicorn.pid')
    line = ('exec selfpipe-run -P %s -- %s --daemon --pid %s --chdir %s --bind 127.0.0.1:%d --workers 2 '
            '--graceful-timeout 10 --error-logfile - hello:app' % (pidfile, GUNICORN, pidfile, h.tmp, port))
    svc = supervise(h, sup, {'gunicorn': generic_service(h, sup, line)})['gunicorn']
    logdir = log_of(svc)
    log = lambda: h.logtext(logdir)
    st = sup.stamp

    runner, master, fl = up_and_followed(h, sup, svc, port, 'gunicorn says hello', pidfile, 'gunicorn (--daemon)')
    if not h.ok(fl, 'selfpipe-run %s follows master %d' % (runner, master), log()):
        raise SystemExit(1)

    load = Load.running(port, 'gunicorn says hello', keepalive=2, fresh=3)
    times, gaps, broken, fed = [], [], None, 0
    for i in range(UPGRADES):
        oldm, broken = usr2_to_master(pidfile, i)
        if broken:
            break
        newm = h.wait_for(lambda: read_pid(pidfile + '.2') not in (0, oldm) and
                          len(h.children(read_pid(pidfile + '.2'))) >= 2 and read_pid(pidfile + '.2'), 30)
        if not newm:
            broken = 'upgrade %d: no new master in %s.2 after USR2 to %d' % (i + 1, pidfile, oldm)
            break
        t0 = time.monotonic()
        os.kill(oldm, signal.SIGTERM)
        sw = r'^%sselfpipe-run: info: master %d exited \(exited 0\); following %d$' % (st, oldm, newm)
        gap = h.wait_for(lambda: not os.path.exists(pidfile) and time.monotonic() - t0, 30)
        if not h.wait_log(logdir, sw, 30):
            broken = 'upgrade %d: no switch from %d to %d' % (i + 1, oldm, newm)
            break
        times.append(time.monotonic() - t0)
        gaps.append(gap)
        h.wait_for(lambda: read_pid(pidfile) == newm, 10)
        if sup.pid(svc) != runner:
            broken = 'upgrade %d: the supervisor shows runner %s, not %d' % (i + 1, sup.pid(svc), runner)
            break
        served = load.ok
        fed += bool(h.wait_for(lambda: load.ok >= served + 50, 10))
    h.ok(broken is None and len(times) == UPGRADES and all(gaps),
         '%d gunicorn upgrades (USR2, TERM to the old master), each across the gap with no pidfile: '
         '"master OLD exited (exited 0); following NEW"' % UPGRADES, '%s\n%s' % (broken, log()))
    h.ok(sup.pid(svc) == runner, '  %s shows the same selfpipe-run (pid %d) throughout' % (sup.name, runner))
    load.finish()
    rate = (load.ok + load.failed) / load.elapsed
    h.note('%s: %d requests in %.1f s (%.0f/s), %d failed, %d keep-alive retries; TERM to the old master -> "following": %s ms'
           % (sup.name, load.ok + load.failed, load.elapsed, rate, load.failed, load.retried,
              ', '.join('%.0f' % (t * 1000) for t in times)))
    h.ok(load.failed == 0, '  0 failed requests of %d' % (load.ok + load.failed), load.errors)
    # the client asks for more than 200 a second; a busy machine serves
    # fewer (noted above): what counts is that each new master served
    h.ok(fed == UPGRADES, '  every new master served 50 requests or more before the next upgrade (%d of %d)' % (fed, UPGRADES))

    master = read_pid(pidfile)
    gunicorns = lambda: [p for p in h._descendants() if h.stat(p) and h.stat(p)[2].startswith('gunicorn') and h.alive(p)]
    sup.down(svc)
    h.ok(h.wait_for(lambda: sup.is_down(svc), 30), 'down: %s says the service is down' % sup.name, sup.status(svc) + log())
    h.ok(h.wait_for(lambda: not gunicorns(), 20), '  no gunicorn process is left', gunicorns())
    h.ok(h.wait_log(logdir, r'^%sselfpipe-run: info: child %d exited 0$' % (st, master), 10), '  the log says the last master exited 0', log())


main('int-gunicorn-upgrade', story, [S6, Runit])
