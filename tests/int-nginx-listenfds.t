#!/usr/bin/env python3
# ISC license. A real nginx (Debian's 1.22) takes its listening socket
# from selfpipe-bind through selfpipe-listenfds -D nginx (NGINX=3;),
# as an s6 service: selfpipe-bind, selfpipe-run, selfpipe-listenfds,
# nginx. nginx says it uses the inherited socket, answers on the port
# its listen directive names, reloads on HUP under load with 0 failed
# requests, and the port is free once the service is down.
import os, re, socket, sys
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intlib import *


def story(h, sup):
    if not installed(h, 'nginx', 'nginx takes its socket from NGINX=', 'apt-get install nginx-light'):
        return
    build = os.path.dirname(h.runner)
    port = h.free_port()
    conf = os.path.join(h.tmp, 'nginx.conf')
    answer = 'nginx through NGINX'
    h.nginx_conf(conf, port, answer)
    line = ("exec %s -t 127.0.0.1:%d selfpipe-run -r -k 10000 -- %s -D nginx nginx -c %s -g 'daemon off;'"
            % (os.path.join(build, 'selfpipe-bind'), port, os.path.join(build, 'selfpipe-listenfds'), conf))
    svc = supervise(h, sup, {'nginx': generic_service(h, sup, line)})['nginx']
    logdir = log_of(svc)
    sup.up(svc)
    if not h.ok(h.wait_for(lambda: h.http_get(port) == answer, 60), 'nginx answers on 127.0.0.1:%d' % port,
                h.logtext(logdir) + h.read_outputs()):
        raise SystemExit(1)
    h.ok(h.wait_log(logdir, r'using inherited sockets from "3;"', 10),
         '  nginx says: using inherited sockets from "3;" (it did not bind a socket of its own)', h.logtext(logdir))

    load = Load.running(port, answer)
    sup.hup(svc)
    h.wait_log(logdir, r'reconfiguring', 20)
    settle(1)
    load.finish()
    h.ok(load.ok > 50 and load.failed == 0,
         'a HUP (nginx reloads) under load: %d requests, %d failed' % (load.ok, load.failed),
         '\n'.join(load.errors) + h.logtext(logdir))

    sup.down(svc)
    h.wait_for(lambda: sup.is_down(svc), 30)

    def port_free():
        # nothing listens there: the load's connections that nginx closed
        # sit in TIME_WAIT for a minute, and only SO_REUSEADDR lets a bind
        # past them (it still fails while a listening socket holds the port)
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(('127.0.0.1', port))
                return True
            except OSError:
                return False
    h.ok(h.wait_for(port_free, 30), 'down: nothing listens on 127.0.0.1:%d any more' % port)


main('nginx-listenfds', story, [S6])
