#!/usr/bin/env python3
# ISC license. A real haproxy (Debian's 2.6) takes its listening socket
# from selfpipe-bind through selfpipe-listenfds -D haproxy -n HTTP_FD:
# its configuration says "bind fd@${HTTP_FD}", and it answers on the
# port selfpipe-bind bound, as an s6 service (selfpipe-bind,
# selfpipe-run, selfpipe-listenfds, haproxy -db).
import os, re, socket, sys
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intlib import *


def story(h, sup):
    if not installed(h, 'haproxy', 'haproxy takes its socket from fd@${HTTP_FD}', 'apt-get install haproxy'):
        return
    build = os.path.dirname(h.runner)
    port = h.free_port()
    conf = os.path.join(h.tmp, 'haproxy.cfg')
    answer = 'haproxy through fd@'
    h.write(conf, '''global
  log stderr format raw local0 notice
defaults
  mode http
  log global
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend web
  bind "fd@${HTTP_FD}"
  http-request return status 200 content-type text/plain string "%s"
''' % answer)
    line = ('exec %s -t 127.0.0.1:%d selfpipe-run -r -k 10000 -- %s -D haproxy -n HTTP_FD haproxy -db -f %s'
            % (os.path.join(build, 'selfpipe-bind'), port, os.path.join(build, 'selfpipe-listenfds'), conf))
    svc = supervise(h, sup, {'haproxy': generic_service(h, sup, line)})['haproxy']
    logdir = log_of(svc)
    sup.up(svc)
    h.ok(h.wait_for(lambda: h.http_get(port) == answer, 60),
         'haproxy answers on 127.0.0.1:%d, the port of fd 3 (HTTP_FD=3); its configuration names no port' % port,
         h.logtext(logdir) + h.read_outputs())
    load = Load(port, answer)
    load.start()
    wait_until(lambda: load.ok > 100, 20, 0.02)
    load.finish()
    h.ok(load.ok > 100 and load.failed == 0, '  under load: %d requests, %d failed' % (load.ok, load.failed),
         '\n'.join(load.errors))
    sup.down(svc)
    h.ok(h.wait_for(lambda: sup.is_down(svc), 30), 'down', sup.status(svc))


main('haproxy-listenfds', story, [S6])
