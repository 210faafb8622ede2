#!/usr/bin/env python3
# ISC license. doc/examples/<suite>/haproxy as shipped (only the
# configuration path changes): haproxy -Ws under selfpipe-run -N, under
# s6 (-n 3: s6-svwait -U returns once haproxy's master is ready) and
# runit. A reload under a load client is a "reload done in N ms" with no
# failed request; a broken configuration is refused by the -c gate; a
# down stops it, after haproxy's STOPPING=1.
import os, re, shutil, sys, threading, time
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intlib import *


def haproxy_conf(h, path, port, answer):
    h.write(path, '''global
  log stderr format raw local0 notice
defaults
  mode http
  log global
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:%d
  http-request return status 200 content-type text/plain string "%s"
''' % (port, answer))


def story(h, sup):
    if not installed(h, 'haproxy', 'haproxy -Ws under s6', 'tools/install-deps installs it'):
        return
    port = h.free_port()
    conf = os.path.join(h.tmp, 'haproxy.cfg')
    haproxy_conf(h, conf, port, 'config A')
    old = '-f /etc/haproxy/haproxy.cfg'

    def setup(svc):
        h.copy_service(sup.name + '/haproxy', svc, [('run', old, '-f ' + conf), ('check-config', old, '-f ' + conf)])
    svc = supervise(h, sup, {'haproxy': setup})['haproxy']
    logdir = log_of(svc)
    st = sup.stamp
    log = lambda: h.logtext(logdir)

    sup.up(svc)
    if sup.name == 's6':
        rc, out = h.run(['s6-svwait', '-U', '-t', str(int(scaled(30) * 1000)), svc], 40)
        h.ok(rc == 0, 's6-svwait -U returns: haproxy is ready', out + log())
    runner = h.wait_for(lambda: sup.pid(svc), 30)
    master = h.wait_child(runner, 'haproxy', 10)
    h.ok(h.wait_log(logdir, r'^%sselfpipe-run: info: service ready: READY=1 from pid %d$' % (st, master), 10),
         '"service ready: READY=1 from pid %s" (the master)' % master, log())
    h.ok(h.http_get(port) == 'config A', '  and it answers with config A', log())

    # a reload under load: every request answered
    stats = {'ok': 0, 'failed': 0, 'B': 0}
    stop = threading.Event()

    def client():
        while not stop.is_set():
            b = h.http_get(port)
            if b is None:
                stats['failed'] += 1
            else:
                stats['ok'] += 1
                stats['B'] += b == 'config B'
    t = threading.Thread(target=client)
    t.start()
    wait_until(lambda: stats['ok'] > 20, 10)
    haproxy_conf(h, conf, port, 'config B')
    sup.hup(svc)
    m = h.wait_log(logdir, r'^%sselfpipe-run: info: reload done in (\d+) ms$' % st, 30)
    wait_until(lambda: stats['B'] > 20, 10)
    stop.set()
    t.join()
    h.ok(m, 'hup: HUP -> USR2, RELOADING=1 ... READY=1: "reload done in %s ms"' % (m[0].group(1) if m else '?'), log())
    h.ok(stats['failed'] == 0 and stats['B'] > 0, '  under a load client: %d requests, %d failed, %d answered by config B'
         % (stats['ok'] + stats['failed'], stats['failed'], stats['B']))

    # a broken configuration: the gate refuses, no reload
    h.write(conf, 'this is not { a haproxy configuration\n')
    sup.hup(svc)
    h.ok(h.wait_log(logdir, r'^%sselfpipe-run: info: SIGHUP %s -> held: hook ./check-config exited 1$' % (st, sent_by(None, os.geteuid(), sup.supervisor)), 30),
         'a broken configuration: the -c gate (haproxy -c) refuses the HUP', log())
    settle(0.5)
    h.ok(len(list(re.finditer('reload (done|failed)', log()))) == 1 and h.http_get(port) == 'config B',
         '  no second reload line, haproxy still answers with config B', log())

    sup.down(svc)
    h.ok(h.wait_for(lambda: sup.is_down(svc), 30), 'down: haproxy stops, the service is down', log())
    h.ok(h.wait_log(logdir, r'^%sselfpipe-run: info: notify: stopping: STOPPING=1 from pid %d$' % (st, master), 10),
         '  haproxy said STOPPING=1', log())


main('int-haproxy', story, [S6, Runit])
