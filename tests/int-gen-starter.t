#!/usr/bin/env python3
# ISC license. The baseline: the rollout of int-gen-gunicorn.t under
# Server::Starter (start_server, Debian's libserver-starter-perl), then
# under selfpipe-gen, one after the other on this machine, both as s6
# services, with the same app, the same gunicorn line, the same load
# and the same clock (the s6-log stamps of the trigger's line and of
# the old generation's end), for a comparison that is fair.
#   start_server --port=127.0.0.1:PORT --signal-on-hup=TERM
#     --signal-on-term=TERM -- starter_listenfds.sh gunicorn ...
# gunicorn does not read SERVER_STARTER_PORT (Perl's Server::Starter
# clients do): tests/starter_listenfds.sh turns it into LISTEN_FDS. On
# HUP (s6-svc -h) start_server forks a new worker, sleeps --interval
# (1 s), and if that worker is still alive sends --signal-on-hup (TERM:
# gunicorn's graceful stop) to the old one. No readiness: the old
# generation goes after a fixed second, whether the new one is serving
# or still starting; a new one that died within the second is started
# again, 1 s apart, without end, until one lives (the old one serves
# meanwhile). This test asserts what is stable: each HUP ends with the
# new code served and the old worker gone; the broken app.py is retried
# while the old one serves, and picked up fixed without another HUP. The
# failed requests, switch times and the longest wait for an answer
# (also through the rollout of an app that takes 2 s to import) are
# printed, not asserted, for start_server; the selfpipe-gen run asserts
# what int-gen-gunicorn.t does, and that the slow app's old generation
# served until the new one said READY=1.
import os, re, shutil, statistics, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intlib import *
from genlib import *

ROLLOUTS = 10
SLOW = 2
START_SERVER = '/usr/bin/start_server'
VERSION = "VERSION = '1'"
ANSWER = r'version (\w+), generation (\d+)\n$'
GUNICORN_ARGS = '--preload --workers 2 --threads 4 --graceful-timeout 9 app:app'


def stamp(line):
    """A TAI64N stamp's seconds (s6-log t)."""
    m = re.match(r'@([0-9a-f]{16})([0-9a-f]{8}) ', line)
    return int(m.group(1), 16) - 2 ** 62 + int(m.group(2), 16) / 1e9 if m else None


def lines(h, logdir):
    return h.logtext(logdir).splitlines()


def app_text(h, version, broken=False, slow=False):
    with open(os.path.join(h.src, 'doc', 'examples', 'gunicorn-gen-s6', 'app.py')) as f:
        text = f.read().replace(VERSION, "VERSION = '%s'" % version)
    if slow:      # an app that takes 2 s to import (gunicorn --preload: before READY=1)
        text = 'import time\ntime.sleep(%d)\n' % SLOW + text
    return ('import selfpipe_no_such_module\n' if broken else '') + text


def served(load, n=50):
    k = load.ok
    wait_until(lambda: load.ok >= k + n, 20, 0.02)


def starter_rollout(h, sup, svc, logdir, load, i, old):
    """The i-th HUP (from 1): (new worker pid, switch seconds by the stamps, seen_at) or (None, why, 0)."""
    start = len(lines(h, logdir))
    h.run(['s6-svc', '-h', svc])
    died = h.wait_log(logdir, r'^%sold worker %d died, status:(\d+)$' % (TAI64N, old), 60)
    seen_at = time.monotonic()
    text = lines(h, logdir)[start:]
    hup = [l for l in text if l.endswith('received HUP, spawning a new worker')]
    new = [re.search(r'starting new worker (\d+)$', l) for l in text]
    new = [int(m.group(1)) for m in new if m]
    end = [l for l in text if re.search(r'old worker %d died, status:' % old, l)]
    if not (died and hup and new and end):
        return None, 'HUP %d: no new worker, or old worker %d did not die: %s' % (i, old, text), 0
    return new[-1], stamp(end[0]) - stamp(hup[0]), seen_at


def workers(h, logdir):
    """The pids of every worker start_server started, in order: the n-th
    is SERVER_STARTER_GENERATION n (it counts the ones that died too)."""
    return [int(x) for x in re.findall(r'starting new worker (\d+)$', h.logtext(logdir), re.M)]


def starter_service(h, port):
    line = ('export PYTHONDONTWRITEBYTECODE=1 ; exec %s --port=127.0.0.1:%d --signal-on-hup=TERM --signal-on-term=TERM '
            '-- sh %s %s %s' % (START_SERVER, port, os.path.join(h.src, 'tests', 'starter_listenfds.sh'), GUNICORN, GUNICORN_ARGS))

    def setup(svc):
        generic_service(h, S6(h), line)(svc)
        h.write(os.path.join(svc, 'app.py'), app_text(h, '1'))
    return setup


def first_answer(h, sup, svc, port, who):
    """Brings svc up: its log directory once generation 1 answers, else None."""
    logdir = log_of(svc)
    sup.up(svc)
    ans = h.wait_for(lambda: h.http_get(port), 30)
    if not h.ok(ans == 'version 1, generation 1\n', '%s: gunicorn answers on 127.0.0.1:%d: %r' % (who, port, ans),
                h.logtext(logdir) + h.read_outputs()):
        return None
    return logdir


def starter(h, sup, svc, port):
    """start_server's story: (rollout switch seconds, the load) or None when it could not run."""
    logdir = first_answer(h, sup, svc, port, 'start_server')
    if logdir is None:
        return None
    h.ok(h.wait_log(logdir, r'\[INFO\] Listening at: http://127\.0\.0\.1:%d ' % port, 10),
         '  gunicorn took start_server\'s socket through starter_listenfds.sh (LISTEN_FDS)', h.logtext(logdir))
    cur = workers(h, logdir)[-1]
    before, t0 = uptime(h, sup, svc), time.monotonic()
    load = GenLoad(port, ANSWER, keepalive=3, fresh=3, rate=60)
    load.start()
    wait_running(load)
    times, done, bad = [], [], None
    for i in range(ROLLOUTS):
        if i == 5:
            broken_starter(h, sup, svc, logdir, load, cur, len(workers(h, logdir)))
            # start_server's own retry picks the fixed app.py up, with no HUP
            if not h.wait_log(logdir, r'^%sold worker %d died, status:\d+$' % (TAI64N, cur), 60):
                bad = 'the fixed app.py was not rolled out'
                break
            cur = workers(h, logdir)[-1]
            served(load)
        v = str(i + 2)
        h.write(os.path.join(svc, 'app.py'), app_text(h, v))
        new, sw, seen_at = starter_rollout(h, sup, svc, logdir, load, i + 1, cur)
        if new is None:
            bad = sw
            break
        g = len(workers(h, logdir))
        if not wait_until(lambda: load.first_since(seen_at, (v, str(g))), 20, 0.02):
            bad = 'HUP %d: version %s generation %d not served after the old worker died' % (i + 1, v, g)
            break
        times.append(sw)
        done.append((seen_at, v, g))
        cur = new
        served(load)
    h.ok(bad is None, 'start_server: %d HUPs (s6-svc -h): each a new worker, the old one TERMed and gone, '
         'the edited app.py served after it' % ROLLOUTS, '%s\n%s' % (bad, h.logtext(logdir)))
    slow = None
    if bad is None:
        # an app slow to start: the old worker goes after --interval all the same
        t = time.monotonic()
        h.write(os.path.join(svc, 'app.py'), app_text(h, 'slow', slow=True))
        new, sw, seen_at = starter_rollout(h, sup, svc, logdir, load, ROLLOUTS + 1, cur)
        g = len(workers(h, logdir))
        ok = new and wait_until(lambda: load.first_since(seen_at, ('slow', str(g))), 20, 0.02)
        served(load)
        slow = (load.slowest(0, t), load.slowest(t), sw)
        h.ok(ok, 'start_server: an app that takes %d s to import, rolled out too' % SLOW, h.logtext(logdir))
    load.finish()
    n = load.report(h, 'start_server')
    stale = sum(1 for (t, v, g) in done for a in load.since(t) if int(a[1]) < g)
    h.note('start_server: %d failed requests of %d (not asserted); %d answers from an older generation after '
           'the old worker was gone' % (load.failed, n, stale))
    if load.errors:
        h.note('start_server: failures: %s' % '; '.join(str(e) for e in load.errors[:5]))
    same_service(h, sup, svc, before, t0, '  start_server')
    sup.down(svc)
    h.wait_for(lambda: sup.is_down(svc), 30)
    return times, load, slow


def broken_starter(h, sup, svc, logdir, load, cur, gen):
    """A broken app.py under start_server: retried 1 s apart with no end
    while cur (generation gen) serves, then fixed."""
    t = time.monotonic()
    k = len(h.wait_log(logdir, r'seems to have failed to start', 0))
    h.write(os.path.join(svc, 'app.py'), app_text(h, 'broken', broken=True))
    h.run(['s6-svc', '-h', svc])
    fails = h.wait_log(logdir, r'new worker \d+ seems to have failed to start, exit status:\d+$', 30, count=k + 3)
    answers = set(a[1] for a in load.since(t))
    h.ok(len(fails) >= k + 3 and answers == {str(gen)},
         'start_server: a broken app.py: the new worker dies, start_server starts another 1 s later, '
         '%d times so far (no limit), generation %d serves meanwhile' % (len(fails) - k, gen),
         '%s %s' % (answers, h.logtext(logdir)))
    h.write(os.path.join(svc, 'app.py'), app_text(h, 'fixed'))


def gen_service(h, port):
    def setup(svc):
        h.copy_service('gunicorn-gen-s6', svc, [('run', '127.0.0.1:8080', '127.0.0.1:%d' % port)])
    return setup


def gen(h, sup, svc, port):
    """selfpipe-gen's story, the same way: rollout switch seconds by the stamps."""
    logdir = first_answer(h, sup, svc, port, 'selfpipe-gen')
    if logdir is None:
        return None
    load = GenLoad(port, ANSWER, keepalive=3, fresh=3, rate=60)
    load.start()
    wait_running(load)

    def edit(i):
        h.write(os.path.join(svc, 'app.py'), app_text(h, str(i + 2)))
        return str(i + 2)
    done, answers, bad = rollouts(h, sup, svc, logdir, load, ROLLOUTS, edit, lambda v, g: (v, str(g)))
    h.ok(bad is None, 'selfpipe-gen: %d rollouts (s6-svc -a), each "rollout done", the edited app.py served after it'
         % ROLLOUTS, '%s\n%s' % (bad, h.logtext(logdir)))
    slow = None
    if bad is None:
        t = time.monotonic()
        h.write(os.path.join(svc, 'app.py'), app_text(h, 'slow', slow=True))
        r = rollout(h, sup, svc, logdir, ROLLOUTS + 1)
        ok = r and wait_until(lambda: load.first_since(r.seen_at, ('slow', str(r.new))), 20, 0.02)
        served(load)
        slow = (load.slowest(0, t), load.slowest(t), r.ms / 1000 if r else 0)
        h.ok(ok and r.ready >= SLOW * 1000, 'selfpipe-gen: an app that takes %d s to import: the old generation '
             'serves until the new one said READY=1 (%s ms after its start)' % (SLOW, r and r.ready), h.logtext(logdir))
    load.finish()
    n = load.report(h, 'selfpipe-gen')
    h.ok(load.failed == 0, '  selfpipe-gen: 0 failed requests of %d' % n, load.errors)
    text = lines(h, logdir)
    trig = [stamp(l) for l in text if re.search(r'selfpipe-gen: info: SIGALRM from .* -> rollout: starting generation', l)]
    end = [stamp(l) for l in text if re.search(r'selfpipe-gen: info: rollout done: ', l)]
    sup.down(svc)
    h.wait_for(lambda: sup.is_down(svc), 30)
    return [e - t for t, e in zip(trig, end)][:ROLLOUTS], load, [r.ms for r in done], slow


def ms(ts):
    return [int(t * 1000) for t in ts]


def story(h, sup):
    h.require([('sh', 'dash')])
    if not installed(h, GUNICORN, 'gunicorn rollouts, start_server and selfpipe-gen', 'apt-get install gunicorn'):
        return
    gen_programs(h)
    ps, pg = h.free_port(), h.free_port()
    while pg == ps:
        pg = h.free_port()
    services = {'gen': gen_service(h, pg)}
    if installed(h, START_SERVER, 'start_server rollouts', 'apt-get install libserver-starter-perl'):
        services['starter'] = starter_service(h, ps)
    dirs = supervise(h, sup, services)
    ss = starter(h, sup, dirs['starter'], ps) if 'starter' in dirs else None
    sg = gen(h, sup, dirs['gen'], pg)
    if ss:
        h.note('start_server: HUP -> old generation gone (s6-log stamps): %s' % spread(ms(ss[0])))
    if sg:
        h.note('selfpipe-gen: ALRM -> old generation gone (s6-log stamps): %s; by its own log: %s'
               % (spread(ms(sg[0])), spread(sg[2])))
    for what, st in (('start_server', ss), ('selfpipe-gen', sg)):
        slow = st and st[-1]
        if slow:
            h.note('%s: longest wait for an answer: %d ms through the %d rollouts; %d ms through the one of an app '
                   'that takes %d s to start (trigger -> old generation gone: %d ms)'
                   % (what, slow[0], ROLLOUTS, slow[1], SLOW, slow[2] * 1000))
    if ss and sg:
        h.note('compared: start_server retires the old generation a fixed --interval (1 s) after the new one '
               'started, ready or not (median %d ms), and starts a new one that dies again and again with no limit; '
               'selfpipe-gen retires it once the new one said READY=1 (median %d ms), rolls back one that dies or '
               'stays silent, and gives up after -x retries. Failed requests: start_server %d of %d, selfpipe-gen '
               '%d of %d.' % (statistics.median(ms(ss[0])), statistics.median(ms(sg[0])), ss[1].failed,
                              ss[1].ok + ss[1].failed, sg[1].failed, sg[1].ok + sg[1].failed))
        if ss[2] and sg[3]:
            h.note('compared, an app %d s slow to start: under start_server a request waited up to %d ms (the old '
                   'generation gone, the new one not accepting yet: the connections wait in the backlog), under '
                   'selfpipe-gen %d ms (the old one serves until READY=1).' % (SLOW, ss[2][1], sg[3][1]))


main('int-gen-starter', story, [S6])
