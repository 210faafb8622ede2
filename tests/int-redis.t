#!/usr/bin/env python3
# ISC license. redis-server --supervised systemd (READY=1 once it
# accepts connections, STOPPING=1 on TERM) through doc/examples/<suite>/notify,
# under s6 and runit: ready only once the real daemon is (under s6,
# s6-svwait -U returns then), and redis answers PING by then; a down:
# STOPPING=1 in the log, exit 0.
import os, re, shutil, socket, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intlib import *


def ping(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=scaled(2)) as s:
            s.sendall(b'PING\r\n')
            return s.recv(64)
    except OSError:
        return None


def story(h, sup):
    if not installed(h, 'redis-server', 'redis-server under s6', 'tools/install-deps installs it'):
        return
    port = h.free_port()
    data = os.path.join(h.tmp, 'redis')
    os.mkdir(data)
    tpl = '-- your-daemon --foreground'
    daemon = ('-- redis-server --port %d --bind 127.0.0.1 --dir %s --save "" --appendonly no '
              '--daemonize no --supervised systemd --logfile ""' % (port, data))

    def setup(svc):
        h.copy_service(sup.name + '/notify', svc, [('run', tpl, daemon)])
        if sup.name == 'runit':
            record_finish(svc)   # runsv keeps no exit status: ./finish's arguments say it
    svc = supervise(h, sup, {'redis': setup})['redis']
    logdir = log_of(svc)
    st = sup.stamp
    log = lambda: h.logtext(logdir)

    sup.up(svc)
    t0 = time.monotonic()
    if sup.name == 's6':
        rc, out = h.run(['s6-svwait', '-U', '-t', str(int(scaled(30) * 1000)), svc], 40)
        h.ok(rc == 0, 's6-svwait -U returns: redis said READY=1 (%.0f ms after up)' % ((time.monotonic() - t0) * 1000), out + log())
        h.ok(ping(port) == b'+PONG\r\n', '  and redis answers PING at once')
    runner = h.wait_for(lambda: sup.pid(svc), 30)
    redis = h.wait_child(runner, 'redis-server', 10)
    h.ok(h.wait_log(logdir, r'^%sselfpipe-run: info: service ready: READY=1 from pid %d$' % (st, redis), 10),
         '"service ready: READY=1 from pid %s"' % redis, log())
    h.ok(ping(port) == b'+PONG\r\n', '  redis answers PING')
    h.ok(h.wait_log(logdir, r'^%sselfpipe-run: info: notify: STATUS=Ready to accept connections from pid %d$' % (st, redis), 10),
         '  its STATUS= is logged', log())
    sup.down(svc)
    h.ok(h.wait_for(lambda: sup.is_down(svc), 30), 'down: redis stops, the service is down', log())
    h.ok(h.wait_log(logdir, r'^%sselfpipe-run: info: notify: stopping: STOPPING=1 from pid %d$' % (st, redis), 10),
         '  redis said STOPPING=1', log())
    h.ok(h.wait_for(lambda: sup.exit_status(svc) == ('exit', 0), 10), '  exit 0 (%s)' % (sup.exit_status(svc),))


main('int-redis', story, [S6, Runit])
