#!/usr/bin/env python3
# ISC license. A real nginx (Debian's 1.22, /usr/sbin/nginx) rolled out
# 3 times under load by selfpipe-gen, as an s6 service:
#   selfpipe-bind -t 127.0.0.1:PORT selfpipe-gen -U ALRM -C check
#     -m TERM:QUIT -k 10000 selfpipe-listenfds -D nginx sh -c
#     'exec /usr/sbin/nginx -c CONF -g "pid DIR/nginx.$SELFPIPE_GENERATION.pid; daemon off;"'
# nginx takes fd 3 from NGINX="3;" (selfpipe-listenfds' nginx dialect:
# "using inherited sockets from"). Each generation has a pidfile of its
# own: nginx removes its pidfile when it exits, so a shared one would go
# with the retiring generation (and a second master would refuse or
# overwrite it). nginx has no readiness protocol: -C check says a new
# generation is ready when its pidfile names it, it has a worker, and
# the port answers (which alone the old generation could do). -m
# TERM:QUIT makes QUIT, nginx's graceful shutdown (TERM is its fast
# one), the signal that retires a generation, and the one s6-svc -d
# turns into. Before each rollout the test rewrites the file that the
# location includes: each generation serves the answer it read at its
# start; a request sent after "rollout done" gets the new one. 0
# failed requests; the same s6-supervise child all along.
import os, re, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intlib import *
from genlib import *

ROLLOUTS = 3
NGINX = '/usr/sbin/nginx'

CHECK = r'''#!/usr/bin/env python3
# selfpipe-gen -C: generation SELFPIPE_NEWMASTER of nginx is ready when
# its own pidfile names it, a worker runs under it, and the port answers
import glob, http.client, os, sys
new = os.environ.get('SELFPIPE_NEWMASTER', '')
def pid(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ''
if not any(pid(p) == new for p in glob.glob('%(dir)s/nginx.*.pid')):
    sys.exit(1)
try:
    with open('/proc/%%s/task/%%s/children' %% (new, new)) as f:
        if not f.read().split():
            sys.exit(1)
    c = http.client.HTTPConnection('127.0.0.1', %(port)d, timeout=2)
    c.request('GET', '/')
    sys.exit(0 if c.getresponse().status == 200 else 1)
except (OSError, http.client.HTTPException):
    sys.exit(1)
'''


def conf(h, path, port, answer):
    # no pid line: each generation is given its own with -g
    h.nginx_conf(path, port, None, pid=False, location='include %s;' % answer, connections=256)


def set_answer(h, path, v):
    h.write(path, 'return 200 "version %s\\n";\n' % v)


def story(h, sup):
    h.require([('sh', 'dash'), ('python3', 'python3')])
    if not installed(h, NGINX, 'nginx rollouts', 'apt-get install nginx-light'):
        return
    gen_programs(h)
    port = h.free_port()
    cf, answer, check = (os.path.join(h.tmp, n) for n in ('nginx.conf', 'answer.conf', 'check'))
    conf(h, cf, port, answer)
    set_answer(h, answer, '1')
    h.write(check, CHECK % {'dir': h.tmp, 'port': port}, 0o755)
    line = ('exec selfpipe-bind -t 127.0.0.1:%d selfpipe-gen -U ALRM -C %s -m TERM:QUIT -k 10000 '
            "selfpipe-listenfds -D nginx sh -c 'exec %s -c %s -g \"pid %s/nginx.$SELFPIPE_GENERATION.pid; daemon off;\"'"
            % (port, check, NGINX, cf, h.tmp))
    svc = supervise(h, sup, {'nginx': generic_service(h, sup, line)})['nginx']
    logdir = log_of(svc)
    sup.up(svc)
    ans = h.wait_for(lambda: h.http_get(port), 30)
    if not h.ok(ans == 'version 1\n', 'nginx answers on 127.0.0.1:%d: %r' % (port, ans), h.logtext(logdir) + h.read_outputs()):
        raise SystemExit(1)
    h.ok(h.wait_log(logdir, r'using inherited sockets from "3;"', 10),
         '  nginx says: using inherited sockets from "3;" (NGINX=, not a socket of its own)', h.logtext(logdir))
    h.ok(read_pid(os.path.join(h.tmp, 'nginx.1.pid')) in h.children(sup.pid(svc) or 0),
         '  generation 1 writes nginx.1.pid, naming selfpipe-gen\'s child')
    before, t0 = uptime(h, sup, svc), time.monotonic()

    load = GenLoad(port, r'version (\w+)\n$', keepalive=3, fresh=3, rate=60)
    load.start()
    wait_running(load)

    def edit(i):
        set_answer(h, answer, str(i + 2))
        return str(i + 2)
    done, answers, bad = rollouts(h, sup, svc, logdir, load, ROLLOUTS, edit, lambda v, g: (v,))
    passed = h.wait_log(logdir, r'selfpipe-gen: info: rollout: generation \d+ \(pid \d+\) passed its check in \d+ ms: '
                        r'it is the current generation -> SIGQUIT to generation \d+', 0)
    h.ok(bad is None and len(passed) == ROLLOUTS,
         'nginx: %d rollouts by s6-svc -a: each new generation passed its check, the old one got SIGQUIT '
         '(-m TERM:QUIT) and exited 0, the new answer served after "rollout done"' % ROLLOUTS,
         '%s\n%s' % (bad, h.logtext(logdir)))
    h.ok(len(h.wait_log(logdir, r'gracefully shutting down', 0)) >= len(done),
         '  each retired master logged "gracefully shutting down"', h.logtext(logdir))
    pids = sorted(n for n in os.listdir(h.tmp) if re.match(r'nginx\.\d+\.pid$', n))
    h.ok(done and pids == ['nginx.%d.pid' % done[-1].new],
         '  only the current generation\'s pidfile is left: %s' % pids)
    load.finish()
    n = load.report(h, 'nginx')
    h.ok(load.failed == 0, '  0 failed requests of %d' % n, load.errors)
    stale, odd = stale_answers(load, done, answers, (1, ('1',)))
    h.ok(not stale and not odd, '  no request sent after a "rollout done" was answered by an older generation', (stale, odd))
    same_service(h, sup, svc, before, t0, '  nginx')
    h.note('nginx: rollout trigger -> old generation retired: %s' % spread([r.ms for r in done]))
    h.note('nginx: new generation spawned -> its check passed: %s' % spread([r.ready for r in done]))

    nginxes = lambda: [p for p in h._descendants() if h.stat(p) and h.stat(p)[2] == 'nginx' and h.alive(p)]
    sup.down(svc)
    h.ok(h.wait_for(lambda: sup.is_down(svc), 30), '  down', sup.status(svc) + h.logtext(logdir))
    h.ok(h.wait_for(lambda: not nginxes(), 20), '  no nginx process is left', nginxes())


main('int-gen-nginx', story, [S6])
