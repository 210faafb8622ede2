#!/usr/bin/env python3
# ISC license. An sd_notify daemon (tests/notify_daemon.py) as an s6
# service through doc/examples/s6/notify: selfpipe-run -N -n 3 with
# notification-fd 3. s6-svwait -U returns only once the daemon has said
# READY=1, and soon after it (the gap is measured); a HUP with
# RELOADING=1 ... READY=1 is a "reload done" line in s6-log.
import os, re, subprocess, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intlib import *

PY = '/usr/bin/python3' if os.access('/usr/bin/python3', os.X_OK) else sys.executable


def story(h, sup):
    h.require([('sh', 'dash'), ('s6-svwait', 's6')])
    rec, ctl = os.path.join(h.tmp, 'rec'), os.path.join(h.tmp, 'ctl')
    os.mkfifo(ctl)
    daemon = '%s %s/tests/notify_daemon.py %s %s onhup ok 100' % (PY, h.src, rec, ctl)
    tpl = 'exec selfpipe-run -N -n 3 -H -r -k 10000 -- your-daemon --foreground'
    line = 'exec selfpipe-run -N -n 3 -H -r -k 10000 -- ' + daemon

    def setup(svc):
        h.copy_service('s6/notify', svc, [('run', tpl, line)])
    svc = supervise(h, sup, {'notify': setup})['notify']
    logdir = log_of(svc)

    def records():
        return [l.split() for l in file_lines(rec)]

    def cmd(text):
        with open(ctl, 'w') as f:
            f.write(text + '\n')

    sup.up(svc)
    runner, parent, child = service_running(h, sup, svc, 'python3', 'notify')
    h.wait_for(lambda: [r for r in records() if r[0] == 'start'], 30)
    waiter = subprocess.Popen(['s6-svwait', '-U', '-t', str(int(scaled(30) * 1000)), svc], env=h.env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    settle(0.5)
    rc, out = h.run(['s6-svstat', '-o', 'up,ready', svc])
    h.ok(waiter.poll() is None and out.split() == ['true', 'false'],
         's6-svwait -U still waits while the daemon runs and has not said READY=1 (s6-svstat: %s)' % out.strip())
    cmd('send READY=1')
    end = time.monotonic() + scaled(30)
    # a fine poll: the gap measured is a few ms
    while waiter.poll() is None and time.monotonic() < end:
        time.sleep(0.0005)
    t_up = time.monotonic()
    sent = [r for r in records() if r[:2] == ['done', 'send']]
    gap = (t_up - float(sent[0][2])) * 1000 if sent else -1
    h.ok(waiter.returncode == 0 and sent, 's6-svwait -U returns once READY=1 is sent (exit %s)' % waiter.returncode)
    # s6-svwait polls nothing: s6-supervise's event fifo wakes it
    # the order is the behaviour; the latency is the machine's (1.4 to
    # 2.9 ms when quiet), noted here, not a pass or fail under load
    h.ok(0 <= gap, '  s6 up only after READY=1 was sent')
    h.note('READY=1 -> s6 up: %.2f ms' % gap)
    rc, out = h.run(['s6-svstat', '-o', 'up,ready', svc])
    h.ok(out.split() == ['true', 'true'], '  s6-svstat: up and ready (%s)' % out.strip())
    h.ok(h.wait_log(logdir, r'^%sselfpipe-run: info: service ready: READY=1 from pid %d$' % (sup.stamp, child), 10),
         '  s6-log has "service ready: READY=1 from pid %d"' % child, h.logtext(logdir))

    sup.hup(svc)
    m = h.wait_log(logdir, r'^%sselfpipe-run: info: reload done in (\d+) ms$' % sup.stamp, 10)
    h.ok(m and int(m[0].group(1)) >= 100, 's6-svc -h, RELOADING=1, READY=1 100 ms later: "reload done in %s ms"'
         % (m[0].group(1) if m else '?'), h.logtext(logdir))
    rc, out = h.run(['s6-svstat', '-o', 'up,ready', svc])
    h.ok(out.split() == ['true', 'true'] and sup.pid(svc) == runner, '  the service is still up and ready, the same runner')

    sup.down(svc)
    h.ok(h.wait_for(lambda: sup.is_down(svc), 30), 's6-svc -d: the daemon takes TERM, the service is down')
    h.ok(sup.exit_status(svc) == ('exit', 0), '  exit 0 (%s)' % (sup.exit_status(svc),))


main('int-s6-notify', story, [S6])
