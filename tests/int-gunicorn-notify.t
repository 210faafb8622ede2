#!/usr/bin/env python3
# ISC license. A real gunicorn (Debian's 20.1, /usr/bin/gunicorn) as an
# s6 service through selfpipe-run -N -n 3 -P pidfile -U ALRM, with
# notification-fd 3. gunicorn says READY=1 from each master (also the
# new one after USR2) when NOTIFY_SOCKET is set: s6-svwait -U returns
# only once it did, and each -U upgrade (s6-svc -a) waits for the new
# master's own READY=1 before the old master is told to quit ("upgrade
# done"), with TERM (-q TERM): gunicorn's QUIT is its quick shutdown,
# which drops the requests in flight. Daemonized (--daemon) and in the foreground, where the old
# master is the runner's direct child and exits 0 while the new master
# goes on (by hand: USR2, then TERM; and by -U). A load client runs
# throughout: 0 failed requests, the same runner.
import os, re, subprocess, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intlib import *

UPGRADES = 3
TPL = 'exec selfpipe-run -N -n 3 -H -r -k 10000 -- your-daemon --foreground'


def lines_of(h, logdir):
    return h.logtext(logdir).splitlines()


def index_of(lines, regex, start=0):
    for i in range(start, len(lines)):
        if re.search(regex, lines[i]):
            return i
    return -1


def wait_ready(h, sup, svc, logdir, what):
    """s6-svwait -U on svc (just brought up): returns once READY=1 came.
    Up before ready is seen (s6-svstat), then ready after READY=1."""
    waiter = subprocess.Popen(['s6-svwait', '-U', '-t', str(int(scaled(60) * 1000)), svc], env=h.env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = set()
    end = time.monotonic() + scaled(60)
    while waiter.poll() is None and time.monotonic() < end:
        rc, out = h.run(['s6-svstat', '-o', 'up,ready', svc])
        seen.add(out.strip())
        time.sleep(0.01)
    rc = waiter.wait()
    log = h.logtext(logdir)
    m = re.search(r'selfpipe-run: info: service ready: READY=1 from pid (\d+)(, before it was followed)?$', log, re.M)
    boot = re.search(r'notify: STATUS=Gunicorn arbiter booted from pid (\d+)$', log, re.M)
    h.ok(rc == 0 and m and boot and m.group(1) == boot.group(1),
         '%s: s6-svwait -U returns once gunicorn\'s master said READY=1 (pid %s%s)'
         % (what, m.group(1) if m else '?', m.group(2) or '' if m else ''), log)
    h.ok('true false' in seen, '  s6-svstat showed it up and not ready before that (%s)' % sorted(seen))
    return int(m.group(1)) if m else 0


def upgrade(h, sup, svc, logdir, pidfile, old, n):
    """s6-svc -a: the n-th -U upgrade; returns (new master, ms) or (0, why)."""
    st = sup.stamp
    h.run(['s6-svc', '-a', svc])
    d = h.wait_log(logdir, r'^%sselfpipe-run: info: upgrade done: following (\d+) (\d+) ms after the trigger$' % st, 60, count=n)
    if not d:
        return 0, 'no "upgrade done" after trigger %d' % n
    new, ms = int(d[n - 1].group(1)), int(d[n - 1].group(2))
    lines = lines_of(h, logdir)
    t = index_of(lines, r'upgrade: SIGUSR2 to pid %d$' % old)
    r = index_of(lines, r'upgrade: READY=1 from pid %d, ' % new, max(t, 0))
    q = index_of(lines, r'upgrade: new master %d said READY=1 -> SIGTERM to old master %d$' % (new, old), max(r, 0))
    sw = index_of(lines, r'master %d exited \(exited 0\); following %d$' % (old, new), max(q, 0))
    if new == old or min(t, r, q, sw) < 0:
        return 0, 'upgrade %d: not trigger, READY=1 from %d, QUIT to %d, switch, in that order: %s' % (n, new, old, (t, r, q, sw))
    return new, ms


def upgrades(h, sup, svc, logdir, pidfile, load, master, what):
    runner = sup.pid(svc)
    times, fed, broken = [], 0, None
    for i in range(UPGRADES):
        new, ms = upgrade(h, sup, svc, logdir, pidfile, master, i + 1)
        if not new:
            broken = ms
            break
        times.append(ms)
        master = new
        served = load.ok
        fed += bool(h.wait_for(lambda: load.ok >= served + 30, 20))
    h.ok(broken is None, '%s: %d upgrades by s6-svc -a (-U ALRM): USR2, READY=1 from the new master\'s pid, '
         'then TERM (-q: gunicorn\'s graceful stop) to the old one, "upgrade done"' % (what, UPGRADES), '%s\n%s' % (broken, h.logtext(logdir)))
    h.ok(sup.pid(svc) == runner, '  s6 shows the same selfpipe-run (pid %s) throughout' % runner)
    h.ok(fed == len(times), '  every new master served before the next upgrade (%d of %d)' % (fed, len(times)))
    h.note('%s: trigger -> "upgrade done": %s ms' % (what, ', '.join(str(t) for t in times)))
    return master


def service(h, sup, name, port, pidfile, daemon):
    line = ('exec selfpipe-run -N -n 3 -U ALRM -q TERM -k 10000 -P %s -- %s %s--pid %s --chdir %s --bind 127.0.0.1:%d '
            '--workers 2 --graceful-timeout 10 --error-logfile - hello:app'
            % (pidfile, GUNICORN, '--daemon ' if daemon else '', pidfile, h.tmp, port))

    def setup(svc):
        h.copy_service('s6/notify', svc, [('run', TPL, line)])
    return setup


def finish(h, sup, svc, logdir, load, what):
    load.finish()
    h.note('%s: %d requests in %.1f s (%.0f/s), %d failed, %d keep-alive retries'
           % (what, load.ok + load.failed, load.elapsed, (load.ok + load.failed) / load.elapsed, load.failed, load.retried))
    h.ok(load.failed == 0, '  %s: 0 failed requests of %d' % (what, load.ok + load.failed), load.errors)
    gunicorns = lambda: [p for p in h._descendants() if h.stat(p) and h.stat(p)[2].startswith('gunicorn') and h.alive(p)]
    sup.down(svc)
    h.ok(h.wait_for(lambda: sup.is_down(svc), 30), '  %s: s6-svc -d: down' % what, sup.status(svc) + h.logtext(logdir))
    h.ok(h.wait_for(lambda: not gunicorns(), 20), '  no gunicorn process is left', gunicorns())


def daemonized(h, sup, svc, port, pidfile):
    logdir = log_of(svc)
    sup.up(svc)
    master = wait_ready(h, sup, svc, logdir, 'gunicorn --daemon')
    h.ok(master and master == read_pid(pidfile), '  the ready master is the one the pidfile names (%d)' % master)
    load = Load(port, 'gunicorn says hello', keepalive=2, fresh=3)
    load.start()
    h.wait_for(lambda: load.ok > 30, 20)
    upgrades(h, sup, svc, logdir, pidfile, load, master, 'gunicorn --daemon')
    finish(h, sup, svc, logdir, load, 'gunicorn --daemon')


def foreground(h, sup, svc, port, pidfile):
    logdir = log_of(svc)
    st = sup.stamp
    sup.up(svc)
    master = wait_ready(h, sup, svc, logdir, 'gunicorn in the foreground')
    runner = sup.pid(svc)
    h.ok(master and master in h.children(runner), '  the master %d is the runner\'s direct child' % master, h.children(runner))
    load = Load(port, 'gunicorn says hello', keepalive=2, fresh=3)
    load.start()
    h.wait_for(lambda: load.ok > 30, 20)
    # by hand: USR2, the new master in FILE.2, TERM to the old one
    os.kill(master, signal.SIGUSR2)
    newm = h.wait_for(lambda: read_pid(pidfile + '.2') not in (0, master) and
                      len(h.children(read_pid(pidfile + '.2'))) >= 2 and read_pid(pidfile + '.2'), 60)
    if master > 1:
        os.kill(master, signal.SIGTERM)
    f = newm and h.wait_log(logdir, r'^%sselfpipe-run: info: following pid %d from pidfile %s$' % (st, newm, re.escape(pidfile)), 60)
    h.ok(f and sup.pid(svc) == runner and not h.wait_log(logdir, r'selfpipe-run: info: (upgrade|child %d exited)' % master, 0),
         'foreground, by hand: USR2, TERM to the old master (the runner\'s child, which exits 0): '
         'the runner follows new master %s, the service goes on' % newm, h.logtext(logdir))
    served = load.ok
    h.ok(h.wait_for(lambda: load.ok >= served + 30, 20), '  the new master serves')
    upgrades(h, sup, svc, logdir, pidfile, load, newm or master, 'gunicorn in the foreground')
    finish(h, sup, svc, logdir, load, 'gunicorn in the foreground')


def story(h, sup):
    h.require([('sh', 'dash'), ('s6-svwait', 's6')])
    if not gunicorn_app(h, '%s: gunicorn readiness' % sup.name):
        return
    pd, pf = os.path.join(h.tmp, 'gd.pid'), os.path.join(h.tmp, 'gf.pid')
    pdport, pfport = h.free_port(), h.free_port()
    while pfport == pdport:
        pfport = h.free_port()
    dirs = supervise(h, sup, {'gdaemon': service(h, sup, 'gdaemon', pdport, pd, True),
                              'gfore': service(h, sup, 'gfore', pfport, pf, False)})
    daemonized(h, sup, dirs['gdaemon'], pdport, pd)
    foreground(h, sup, dirs['gfore'], pfport, pf)


main('int-gunicorn-notify', story, [S6])
