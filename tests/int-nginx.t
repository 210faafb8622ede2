#!/usr/bin/env python3
# ISC license. doc/examples/<suite>/nginx as shipped (only nginx's config
# path changed), under s6, runit and daemontools in turn, with a real
# nginx on a free loopback port: up, gated reload (good then broken
# config), graceful down through the TERM -> QUIT remap.
import os, re, sys
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intlib import *


def story(h, sup):
    h.require([('nginx', 'nginx-light')])
    uid = os.geteuid()
    port = h.free_port()
    conf = os.path.join(h.tmp, 'nginx.conf')
    h.nginx_conf(conf, port, 'config A')
    old = '-c /etc/nginx/nginx.conf'
    new = '-p %s/nginx/ -c %s' % (h.tmp, conf)

    def setup(svc):
        h.copy_service(sup.name + '/nginx', svc, [('run', old, new), ('check-config', old, new)])
        if sup.name == 'runit':
            record_finish(svc)
    svc = supervise(h, sup, {'nginx': setup})['nginx']
    # runit's example stops the runner after timeout-kill: -k must come first
    if os.path.exists(os.path.join(svc, 'timeout-kill')):
        with open(os.path.join(svc, 'timeout-kill')) as f:
            tk = int(f.read())
        with open(os.path.join(svc, 'run')) as f:
            k = int(re.search(r' -k (\d+) ', f.read()).group(1))
        h.ok(tk > k, "timeout-kill (%d ms) leaves selfpipe-run's -k (%d ms) the time to act" % (tk, k))
    logdir = log_of(svc)
    log = lambda: h.logtext(logdir)
    st = sup.stamp

    # up: the supervisor runs selfpipe-run, which runs nginx
    sup.up(svc)
    if not h.ok(h.wait_for(lambda: h.http_get(port) == 'config A', 30),
                'up: nginx answers on 127.0.0.1:%d with config A' % port, log()):
        raise SystemExit(1)
    runner = sup.pid(svc)
    rst = h.stat(runner) if runner else None
    h.ok(rst is not None and rst[2] == 'selfpipe-run',
         '%s supervises selfpipe-run (pid %s)' % (sup.name, runner), '%s\n%s' % (sup.status(svc), rst))
    if rst is None:
        raise SystemExit(1)
    parent = rst[1]
    pst = h.stat(parent)
    h.ok(pst is not None and pst[2] == sup.supervisor, "selfpipe-run's parent is %s (pid %d)" % (sup.supervisor, parent), pst)
    nginx = h.wait_child(runner, 'nginx', 10)
    if not h.ok(nginx, "nginx's master is selfpipe-run's only child", 'children: %s' % h.children(runner)):
        raise SystemExit(1)

    fwd = r'^%sselfpipe-run: info: SIGHUP %s -> SIGHUP to pid %d$' % (st, sent_by(parent, uid, sup.supervisor), nginx)
    got_hup = r'\[notice\] %d#\d+: signal 1 \(SIGHUP\) received from %d, reconfiguring' % (nginx, runner)

    # a good new config: the hook passes, the HUP goes through
    h.nginx_conf(conf, port, 'config B')
    sup.hup(svc)
    h.ok(h.wait_for(lambda: h.http_get(port) == 'config B', 30),
         'hup with a good config: nginx reloads and answers with config B', log())
    h.ok(h.wait_log(logdir, fwd, 20),
         'the log says SIGHUP from the supervisor (pid %d) -> SIGHUP to nginx, with %s' % (parent, sup.stamp_what), log())
    h.ok(h.wait_log(logdir, got_hup, 20), 'nginx logged that SIGHUP from selfpipe-run', log())

    # a broken config: the hook fails, the HUP is held
    h.write(conf, 'this is not { an nginx configuration\n')
    sup.hup(svc)
    held = r'^%sselfpipe-run: info: SIGHUP %s -> held: hook \./check-config exited 1$' % (st, sent_by(parent, uid, sup.supervisor))
    h.ok(h.wait_log(logdir, held, 30), 'hup with a broken config: the log has the "held" line with %s' % sup.stamp_what, log())
    settle(0.5)   # a wrongly forwarded HUP would have reached nginx by now
    text = log()
    h.ok(len(re.findall(fwd, text, re.M)) == 1 and len(re.findall(got_hup, text)) == 1,
         'the held SIGHUP never reached nginx', text)
    h.ok(h.http_get(port) == 'config B' and h.alive(nginx), 'nginx still runs and answers with config B', text)

    # down: TERM becomes QUIT, nginx shuts down gracefully
    sup.down(svc)
    quit = r'^%sselfpipe-run: info: SIGTERM %s -> SIGQUIT to pid %d$' % (st, sent_by(parent, uid, sup.supervisor), nginx)
    h.ok(h.wait_log(logdir, quit, 20), 'down: the log says SIGTERM -> SIGQUIT to nginx', log())
    h.ok(h.wait_log(logdir, r'\[notice\] %d#\d+: signal 3 \(SIGQUIT\) received from %d' % (nginx, runner), 20),
         'nginx got SIGQUIT from selfpipe-run (graceful shutdown)', log())
    end = h.wait_log(logdir, r'^%sselfpipe-run: info: child %d exited (\d+)$' % (st, nginx), 30)
    code = int(end[0].group(1)) if end else None
    h.ok(code == 0, 'the log says nginx exited 0', log())
    h.ok(h.wait_for(lambda: sup.is_down(svc), 30), '%s says the service is down' % sup.name, sup.status(svc))
    if sup.reports_exit:
        saw = h.wait_for(lambda: sup.exit_status(svc), 10)
        h.ok(saw == ('exit', code), '%s saw the exit status selfpipe-run reported (%s)' % (sup.name, saw),
             '%s, runner said %s' % (sup.status(svc), code))
    h.ok(h.wait_for(lambda: not h.alive(nginx) and not h.alive(runner), 20) and h.http_get(port) is None,
         'nginx and selfpipe-run are gone, the port is closed')


main('int-nginx', story, [S6, Runit, Daemontools])
