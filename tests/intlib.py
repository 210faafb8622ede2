# ISC license. Harness for the tests/int-*.t tests: real supervisors, a
# real nginx, all in a private temporary directory.
#
# The harness makes itself a child subreaper, so every process a test
# starts (the supervisor, s6-supervise/runsv/supervise, the loggers,
# selfpipe-run, nginx and its workers) stays its descendant even when
# orphaned. At exit, whatever happened, it freezes that whole tree with
# SIGSTOP (a stopped process cannot fork, so the tree stops growing),
# SIGKILLs every pid in it and reaps them. Nothing is ever killed by name:
# other people run tests on this machine at the same time.

import ctypes
import http.client
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent():
    # The supervisor dies if the harness is SIGKILLed before its teardown.
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Harness:
    def __init__(self, name):
        self.name = name
        self.count = 0
        self.failures = 0
        self.src = os.environ.get('SP_SRC') or \
            os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        self.runner = os.environ.get('SELFPIPE_RUN') or \
            os.path.join(self.src, 'build', 'selfpipe-run')
        if _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            self.bail('prctl(PR_SET_CHILD_SUBREAPER) failed: errno %d' % ctypes.get_errno())
        self.tmp = tempfile.mkdtemp(prefix='sp-%s-' % name)
        self.down = False
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(s, self._on_signal)
        bindir = os.path.join(self.tmp, 'bin')
        os.mkdir(bindir)
        os.symlink(self.runner, os.path.join(bindir, 'selfpipe-run'))
        self.env = dict(os.environ)
        path = os.environ.get('PATH', '/usr/bin:/bin').split(':')
        # nginx is in /usr/sbin, not in every user's PATH
        path += [d for d in ('/usr/sbin', '/sbin') if d not in path]
        self.env['PATH'] = ':'.join([bindir] + path)
        for v in ('SVDIR', 'SVWAIT'):
            self.env.pop(v, None)

    def _on_signal(self, sig, frame):
        raise SystemExit('%s: interrupted by signal %d' % (self.name, sig))

    # --- TAP ---------------------------------------------------------
    def ok(self, cond, what, diag=None):
        self.count += 1
        if cond:
            print('ok %d - %s' % (self.count, what), flush=True)
        else:
            self.failures += 1
            print('not ok %d - %s' % (self.count, what), flush=True)
            if diag:
                for line in str(diag).rstrip('\n').split('\n')[-40:]:
                    print('#   ' + line, flush=True)
        return bool(cond)

    def note(self, text):
        for line in str(text).rstrip('\n').split('\n'):
            print('# ' + line, flush=True)

    def bail(self, why):
        self.ok(False, why)
        raise SystemExit(1)

    def require(self, commands):
        """commands: (command, Debian package) pairs. A missing one is a failure naming the package."""
        missing = 0
        for cmd, pkg in commands:
            if shutil.which(cmd, path=self.env['PATH']) is None:
                self.ok(False, '%s is missing: apt-get install %s (or run tools/install-deps)' % (cmd, pkg))
                missing += 1
        if not (os.path.isfile(self.runner) and os.access(self.runner, os.X_OK)):
            self.ok(False, 'selfpipe-run is not built at %s: run make' % self.runner)
            missing += 1
        if missing:
            raise SystemExit(1)

    def finish(self):
        print('1..%d' % self.count, flush=True)
        return 1 if self.failures else 0

    # --- processes ---------------------------------------------------
    def start(self, argv, logname):
        out = open(os.path.join(self.tmp, logname), 'wb')
        p = subprocess.Popen(argv, cwd=self.tmp, env=self.env, stdin=subprocess.DEVNULL,
                             stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        out.close()
        return p.pid

    def read_outputs(self):
        """What the processes started by start() wrote."""
        out = []
        for n in sorted(os.listdir(self.tmp)):
            if n.endswith('.out'):
                with open(os.path.join(self.tmp, n), errors='replace') as f:
                    out.append('%s:\n%s' % (n, f.read()))
        return ''.join(out)

    def run(self, argv, timeout=30):
        """Runs a command to completion: (exit code, stdout+stderr)."""
        try:
            r = subprocess.run(argv, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired:
            return (-1, '%s: timed out after %s s' % (' '.join(argv), timeout))
        return (r.returncode, r.stdout.decode(errors='replace'))

    @staticmethod
    def stat(pid):
        """(state, ppid, comm) of a pid, None if it does not exist."""
        try:
            with open('/proc/%d/stat' % pid) as f:
                s = f.read()
        except (OSError, ValueError):
            return None
        rest = s[s.rindex(')') + 2:].split()
        return (rest[0], int(rest[1]), s[s.index('(') + 1:s.rindex(')')])

    def alive(self, pid):
        st = self.stat(pid)
        return st is not None and st[0] not in ('Z', 'X')

    def children(self, pid):
        out = []
        for d in os.listdir('/proc'):
            if d.isdigit():
                st = self.stat(int(d))
                if st is not None and st[1] == pid and st[0] not in ('Z', 'X'):
                    out.append(int(d))
        return out

    def wait_child(self, pid, comm, timeout):
        """The pid of pid's only child once that child runs comm (a shell
        that execs it counts once it has), None at the deadline."""
        def found():
            kids = self.children(pid) if pid else []
            st = self.stat(kids[0]) if len(kids) == 1 else None
            return kids[0] if st is not None and st[2] == comm else None
        return self.wait_for(found, timeout)

    def _descendants(self):
        kids = {}
        for d in os.listdir('/proc'):
            if d.isdigit():
                st = self.stat(int(d))
                if st is not None:
                    kids.setdefault(st[1], []).append(int(d))
        out, todo = [], [os.getpid()]
        while todo:
            for c in kids.get(todo.pop(), ()):
                out.append(c)
                todo.append(c)
        return out

    def teardown(self):
        if self.down:
            return
        self.down = True
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        stopped = set()
        for _ in range(100):
            fresh = [p for p in self._descendants() if p not in stopped]
            if not fresh:
                break
            for p in fresh:
                try:
                    os.kill(p, signal.SIGSTOP)
                except OSError:
                    pass
                stopped.add(p)
        for p in stopped:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                time.sleep(0.01)
        if os.environ.get('SP_KEEP_TMP'):
            self.note('kept %s' % self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # --- waiting -----------------------------------------------------
    @staticmethod
    def wait_for(fn, timeout):
        """Polls fn() until it returns something true; that value, or the last one at the deadline."""
        deadline = time.monotonic() + timeout
        pause = 0.002
        while True:
            v = fn()
            if v or time.monotonic() >= deadline:
                return v
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    # --- files -------------------------------------------------------
    @staticmethod
    def write(path, text, mode=0o644):
        # write then rename: a reader (nginx, a hook) never sees half a file
        tmp = path + '.new'
        with open(tmp, 'w') as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.rename(tmp, path)

    def copy_service(self, example, dest, subs=()):
        """Copies doc/examples/<example> to dest, applying (file, old, new) substitutions;
        an old string that is not in the file is an error."""
        shutil.copytree(os.path.join(self.src, 'doc', 'examples', example), dest, symlinks=True)
        for name, old, new in subs:
            path = os.path.join(dest, name)
            with open(path) as f:
                text = f.read()
            if old not in text:
                self.bail('%s/%s no longer contains %r: update the test' % (example, name, old))
            self.write(path, text.replace(old, new), os.stat(path).st_mode & 0o7777)

    @staticmethod
    def logtext(logdir):
        """Everything a logger wrote in logdir: archives in order, then current."""
        try:
            names = sorted(n for n in os.listdir(logdir) if n.startswith('@'))
        except OSError:
            return ''
        out = []
        for n in names + ['current']:
            try:
                with open(os.path.join(logdir, n), 'rb') as f:
                    out.append(f.read().decode(errors='replace'))
            except OSError:
                pass
        return ''.join(out)

    def wait_log(self, logdir, regex, timeout, count=1):
        """Waits until regex (multiline) matches count times in logdir: the list of matches."""
        r = re.compile(regex, re.M)

        def found():
            m = list(r.finditer(self.logtext(logdir)))
            return m if len(m) >= count else None
        return self.wait_for(found, timeout) or list(r.finditer(self.logtext(logdir)))

    # --- network -----------------------------------------------------
    @staticmethod
    def free_port():
        """A loopback port free right now, below the ephemeral range when
        possible, so that no outgoing connection takes it before nginx does."""
        try:
            with open('/proc/sys/net/ipv4/ip_local_port_range') as f:
                low = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            low = 0
        candidates = [random.randrange(10000, low) for _ in range(100)] if low > 10100 else []
        for port in candidates + [0]:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.bind(('127.0.0.1', port))
                return s.getsockname()[1]
            except OSError:
                pass
            finally:
                s.close()
        raise OSError('no free loopback port')

    @staticmethod
    def http_get(port):
        """The body served at http://127.0.0.1:port/, None when nothing answers."""
        try:
            c = http.client.HTTPConnection('127.0.0.1', port, timeout=3)
            c.request('GET', '/')
            body = c.getresponse().read().decode(errors='replace')
            c.close()
            return body
        except (OSError, http.client.HTTPException):
            return None

    def nginx_conf(self, path, port, answer):
        """An nginx configuration that only touches files under the temporary directory."""
        p = os.path.join(self.tmp, 'nginx')
        os.makedirs(p, exist_ok=True)
        user = 'user root;\n' if os.geteuid() == 0 else ''
        self.write(path, '''worker_processes 1;
%spid %s/nginx.pid;
error_log stderr notice;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path %s/body;
  proxy_temp_path %s/proxy;
  fastcgi_temp_path %s/fastcgi;
  uwsgi_temp_path %s/uwsgi;
  scgi_temp_path %s/scgi;
  default_type text/plain;
  server {
    listen 127.0.0.1:%d;
    location / { return 200 "%s"; }
  }
}
''' % (user, p, p, p, p, p, p, port, answer))


def main(name, body):
    """Runs body(harness) and tears everything down whatever happened."""
    h = None
    rc = 1
    try:
        h = Harness(name)
        body(h)
        rc = h.finish()
    except SystemExit as e:
        if isinstance(e.code, str):
            if h is not None:
                h.ok(False, e.code)
            else:
                print('not ok 1 - %s' % e.code, flush=True)
        if h is not None:
            h.finish()
    except Exception:
        import traceback
        if h is not None:
            h.ok(False, 'the test itself failed', traceback.format_exc())
            h.finish()
        else:
            print('not ok 1 - the test itself failed', flush=True)
            traceback.print_exc(file=sys.stdout)
    finally:
        if h is not None:
            h.teardown()
    sys.exit(rc)


# --- the three supervision suites --------------------------------------
# Each adapter drives one suite with its own tools; the stories below only
# use these methods.

TAI64N = r'@[0-9a-f]{24} '


class S6:
    name = 's6'
    supervisor = 's6-supervise'
    needs = [(c, 's6') for c in ('s6-svscan', 's6-supervise', 's6-svc', 's6-svstat', 's6-svok', 's6-log')]
    stamp = TAI64N
    stamp_what = 'a TAI64N stamp'
    reports_exit = True

    def __init__(self, h):
        self.h = h

    def start(self, scan):
        return self.h.start(['s6-svscan', scan], 's6-svscan.out')

    def ready(self, svc):
        return self.h.run(['s6-svok', svc])[0] == 0

    def up(self, svc):
        return self.h.run(['s6-svc', '-u', svc])

    def hup(self, svc):
        return self.h.run(['s6-svc', '-h', svc])

    def down(self, svc):
        return self.h.run(['s6-svc', '-d', svc])

    def kill(self, svc):
        return self.h.run(['s6-svc', '-k', svc])

    def status(self, svc):
        return self.h.run(['s6-svstat', svc])[1].strip()

    def pid(self, svc):
        rc, out = self.h.run(['s6-svstat', '-o', 'up,pid', svc])
        w = out.split()
        return int(w[1]) if rc == 0 and len(w) == 2 and w[0] == 'true' else None

    def is_down(self, svc):
        rc, out = self.h.run(['s6-svstat', '-o', 'up', svc])
        return rc == 0 and out.strip() == 'false'

    def exit_status(self, svc):
        """What the supervisor saw: ('exit', code) or ('signal', name)."""
        rc, out = self.h.run(['s6-svstat', '-o', 'exitcode,signal', svc])
        w = out.split()
        if rc != 0 or len(w) != 2 or w == ['-1', 'NA']:
            return None
        return ('exit', int(w[0])) if w[0] != '-1' else ('signal', w[1])


class Runit:
    name = 'runit'
    supervisor = 'runsv'
    needs = [(c, 'runit') for c in ('runsvdir', 'runsv', 'sv', 'svlogd')]
    stamp = r'\d{4}-\d\d-\d\d_\d\d:\d\d:\d\d\.\d+ '
    stamp_what = "svlogd's -tt stamp"
    reports_exit = True

    def __init__(self, h):
        self.h = h

    def start(self, scan):
        return self.h.start(['runsvdir', scan], 'runsvdir.out')

    def ready(self, svc):
        rc, out = self.h.run(['sv', 'status', svc])
        return rc == 0 and re.match(r'(run|down): ', out) is not None

    def up(self, svc):
        return self.h.run(['sv', 'up', svc])

    def hup(self, svc):
        return self.h.run(['sv', 'hup', svc])

    def down(self, svc):
        return self.h.run(['sv', 'down', svc])

    def kill(self, svc):
        return self.h.run(['sv', 'kill', svc])

    def status(self, svc):
        return self.h.run(['sv', 'status', svc])[1].strip()

    def pid(self, svc):
        m = re.match(r'run: [^:]*: \(pid (\d+)\)', self.status(svc))
        return int(m.group(1)) if m else None

    def is_down(self, svc):
        return self.status(svc).startswith('down: ')

    def exit_status(self, svc):
        """runsv keeps no exit status: ./finish's two arguments say it."""
        try:
            with open(os.path.join(svc, 'finish.args')) as f:
                w = f.read().split()
        except OSError:
            return None
        if len(w) < 2:
            return None
        return ('exit', int(w[0])) if w[0] != '-1' else ('signal', signal.Signals(int(w[1])).name)


class Daemontools:
    name = 'daemontools'
    supervisor = 'supervise'
    needs = [(c, 'daemontools') for c in ('svscan', 'supervise', 'svc', 'svstat', 'svok', 'multilog')]
    stamp = TAI64N
    stamp_what = 'a TAI64N stamp'
    reports_exit = False   # supervise records no exit status

    def __init__(self, h):
        self.h = h

    def start(self, scan):
        return self.h.start(['svscan', scan], 'svscan.out')

    def ready(self, svc):
        return self.h.run(['svok', svc])[0] == 0

    def up(self, svc):
        return self.h.run(['svc', '-u', svc])

    def hup(self, svc):
        return self.h.run(['svc', '-h', svc])

    def down(self, svc):
        return self.h.run(['svc', '-d', svc])

    def status(self, svc):
        return self.h.run(['svstat', svc])[1].strip()

    def pid(self, svc):
        m = re.search(r': up \(pid (\d+)\)', self.status(svc))
        return int(m.group(1)) if m else None

    def is_down(self, svc):
        return re.search(r': down \d+ seconds', self.status(svc)) is not None

    def exit_status(self, svc):
        return None


def record_finish(svc):
    """A ./finish that records its arguments (what the supervisor saw of ./run's end)."""
    Harness.write(os.path.join(svc, 'finish'),
                  '#!/bin/sh\necho "$@" > finish.args.new && mv finish.args.new finish.args\n', 0o755)


def supervise(h, sup, services):
    """Starts sup on a fresh scan directory holding services (name -> setup function);
    every service has a down file, so nothing runs before the test says up."""
    scan = os.path.join(h.tmp, 'scan')
    os.mkdir(scan)
    dirs = {}
    for name, setup in services.items():
        svc = os.path.join(scan, name)
        setup(svc)
        open(os.path.join(svc, 'down'), 'w').close()
        dirs[name] = svc
    sup.start(scan)
    for name, svc in dirs.items():
        if not h.ok(h.wait_for(lambda: sup.ready(svc), 30), '%s supervises %s' % (sup.name, name),
                    h.read_outputs() + h.logtext(os.path.join(svc, 'log', 'main'))):
            raise SystemExit(1)
    return dirs


# --- stories -----------------------------------------------------------

def nginx_story(h, sup):
    """doc/examples/<suite>/nginx as shipped (only nginx's config path changed)."""
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
    if os.path.exists(os.path.join(svc, 'timeout-kill')):
        with open(os.path.join(svc, 'timeout-kill')) as f:
            tk = int(f.read())
        with open(os.path.join(svc, 'run')) as f:
            k = int(re.search(r' -k (\d+) ', f.read()).group(1))
        h.ok(tk > k, "timeout-kill (%d ms) leaves selfpipe-run's -k (%d ms) the time to act" % (tk, k))
    logdir = os.path.join(svc, 'log', 'main')
    log = lambda: h.logtext(logdir)
    st = sup.stamp

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

    fwd = r'^%sselfpipe-run: info: SIGHUP from pid %d uid %d -> SIGHUP to pid %d$' % (st, parent, uid, nginx)
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
    held = r'^%sselfpipe-run: info: SIGHUP from pid %d uid %d -> held: hook \./check-config exited 1$' % (st, parent, uid)
    h.ok(h.wait_log(logdir, held, 30), 'hup with a broken config: the log has the "held" line with %s' % sup.stamp_what, log())
    time.sleep(0.5)   # a wrongly forwarded HUP would have reached nginx by now
    text = log()
    h.ok(len(re.findall(fwd, text, re.M)) == 1 and len(re.findall(got_hup, text)) == 1,
         'the held SIGHUP never reached nginx', text)
    h.ok(h.http_get(port) == 'config B' and h.alive(nginx), 'nginx still runs and answers with config B', text)

    # down: TERM becomes QUIT, nginx shuts down gracefully
    sup.down(svc)
    quit = r'^%sselfpipe-run: info: SIGTERM from pid %d uid %d -> SIGQUIT to pid %d$' % (st, parent, uid, nginx)
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


def generic_story(h, sup):
    """doc/examples/<suite>/generic: -k against a child that ignores QUIT,
    -r (the supervisor sees the signal) and the same without -r, a hook
    under the supervisor's hups, and the supervisor's SIGKILL with and
    without -p."""
    tpl = 'exec selfpipe-run -r -k 10000 -- your-daemon --foreground'

    def service(line):
        def setup(svc):
            h.copy_service(sup.name + '/generic', svc, [('run', tpl, line)])
            record_finish(svc)
        return setup
    dirs = supervise(h, sup, {
        'stubborn': service("exec selfpipe-run -r -m TERM:QUIT -k 1000 -- sh -c \"trap '' QUIT; exec sleep 100000\""),
        'reraise': service('exec selfpipe-run -r -k 10000 -- sleep 100000'),
        'noreraise': service('exec selfpipe-run -k 10000 -- sleep 100000'),
        'pdeath': service('exec selfpipe-run -r -p TERM -k 10000 -- sleep 100000'),
        'orphan': service('exec selfpipe-run -r -k 10000 -- sleep 100000'),
        'gate': gate_service(h, sup, tpl)})
    uid = os.geteuid()
    st = sup.stamp
    for svc in dirs.values():
        sup.up(svc)
    info = {}
    for name, svc in dirs.items():
        runner = h.wait_for(lambda: sup.pid(svc), 30)
        kid = h.wait_child(runner, 'sleep', 30)
        if not h.ok(kid, '%s: up, selfpipe-run %s runs sleep' % (name, runner),
                    '%s %s' % (sup.status(svc), h.children(runner) if runner else None)):
            raise SystemExit(1)
        info[name] = (runner, h.stat(runner)[1], kid)

    runner, parent, child = info['stubborn']
    with open('/proc/%d/status' % child) as f:
        ign = int(re.search(r'^SigIgn:\s*([0-9a-f]+)', f.read(), re.M).group(1), 16)
    h.ok(ign & (1 << (signal.SIGQUIT - 1)), 'stubborn: the child really ignores SIGQUIT')
    t0 = time.monotonic()
    for name in ('stubborn', 'reraise', 'noreraise'):
        sup.down(dirs[name])

    logdir = os.path.join(dirs['stubborn'], 'log', 'main')
    log = lambda: h.logtext(logdir)
    h.ok(h.wait_log(logdir, r'^%sselfpipe-run: info: SIGTERM from pid %d uid %d -> SIGQUIT to pid %d$' % (st, parent, uid, child), 20),
         'stubborn: down sends SIGTERM, remapped to SIGQUIT', log())
    h.ok(h.wait_for(lambda: not h.alive(child), 30), 'stubborn: the child is dead')
    elapsed = time.monotonic() - t0
    h.ok(elapsed >= 0.9, 'stubborn: the child lived through the 1000 ms -k timeout (%.2f s)' % elapsed)
    h.ok(h.wait_log(logdir, r'^%sselfpipe-run: warning: child %d alive 1000 ms after SIGTERM -> SIGKILL$' % (st, child), 20),
         'stubborn: the -k warning is in the log', log())
    h.ok(h.wait_log(logdir, r'^%sselfpipe-run: info: child %d killed by SIGKILL$' % (st, child), 20),
         'stubborn: the log says the child was killed by SIGKILL', log())
    saw = h.wait_for(lambda: sup.exit_status(dirs['stubborn']), 20)
    h.ok(saw == ('signal', 'SIGKILL'), 'stubborn: %s saw SIGKILL as the end of ./run (-r): %s' % (sup.name, saw),
         sup.status(dirs['stubborn']))

    def finish_args(name):
        path = os.path.join(dirs[name], 'finish.args')
        if not h.wait_for(lambda: os.path.exists(path), 30):
            return None
        with open(path) as f:
            return f.read().split()
    # s6-supervise gives ./finish "256 SIG", runsv gives "-1 SIG"
    by_signal = '256' if sup.name == 's6' else '-1'
    for name, want, what in (('reraise', [by_signal, '15'], 'the signal (-r)'), ('noreraise', ['143'], 'exit code 143 (no -r)')):
        logdir = os.path.join(dirs[name], 'log', 'main')
        child = info[name][2]
        h.ok(h.wait_log(logdir, r'^%sselfpipe-run: info: child %d killed by SIGTERM$' % (st, child), 20),
             '%s: the log says the child was killed by SIGTERM' % name, h.logtext(logdir))
        args = finish_args(name)
        h.ok(args is not None and args[:len(want)] == want,
             "%s: ./finish got %s: %s" % (name, what, ' '.join(args or ['nothing'])), sup.status(dirs[name]))

    gate_story(h, sup, dirs['gate'], info['gate'])

    # the supervisor's SIGKILL reaches the runner only: -p passes it on
    for name in ('pdeath', 'orphan'):
        sup.kill(dirs[name])
    runner, parent, child = info['pdeath']
    h.ok(h.wait_for(lambda: not h.alive(runner), 20) and h.wait_for(lambda: not h.alive(child), 20),
         'pdeath: %s kill SIGKILLs selfpipe-run, and -p TERM makes its child die with it' % sup.name)
    runner, parent, child = info['orphan']
    gone = h.wait_for(lambda: not h.alive(runner), 20)
    time.sleep(0.5)
    st = h.stat(child)
    h.ok(gone and st is not None and st[0] not in ('Z', 'X') and st[2] == 'sleep' and st[1] == os.getpid(),
         'orphan: without -p the child outlives its SIGKILLed runner, orphaned', st)


def gate_service(h, sup, tpl):
    """A service whose HUP goes through a 2-second hook that records its environment."""
    line = "exec selfpipe-run -r -c HUP:./slow-check -k 10000 -- sh -c \"trap '' HUP; exec sleep 100000\""

    def setup(svc):
        h.copy_service(sup.name + '/generic', svc, [('run', tpl, line)])
        h.write(os.path.join(svc, 'slow-check'), '#!/bin/sh\n'
                'echo "$SELFPIPE_SIGNAL $SELFPIPE_SENDER $SELFPIPE_CHILD" >> hook.runs\nexec sleep 2\n', 0o755)
    return setup


def gate_story(h, sup, svc, info):
    """hups sent while the hook runs fold into one re-run of the hook."""
    runner, parent, child = info
    logdir = os.path.join(svc, 'log', 'main')
    runs = os.path.join(svc, 'hook.runs')

    def hook_runs():
        try:
            with open(runs) as f:
                return f.read().splitlines()
        except OSError:
            return []
    sup.hup(svc)
    h.ok(h.wait_for(lambda: len(hook_runs()) == 1, 20), 'gate: a hup starts the hook')
    t0 = time.monotonic()
    for _ in range(4):
        sup.hup(svc)
    sent = time.monotonic() - t0
    fwd = r'^%sselfpipe-run: info: SIGHUP from pid %d uid %d -> SIGHUP to pid %d$' % (sup.stamp, parent, os.geteuid(), child)
    folded = r'^%sselfpipe-run: info: SIGHUP from pid %d uid %d -> coalesced: hook \./slow-check running' % (sup.stamp, parent, os.geteuid())
    h.ok(h.wait_log(logdir, folded, 20), 'gate: 4 more hups while it runs (sent in %.2f s) are logged as coalesced' % sent,
         h.logtext(logdir))
    h.ok(h.wait_log(logdir, fwd, 30, 2), 'gate: the HUP is forwarded after the first run and after the re-run',
         h.logtext(logdir))
    time.sleep(0.5)   # a third run would have started by now
    want = ['SIGHUP %d %d' % (parent, child)] * 2
    h.ok(hook_runs() == want and len(re.findall(fwd, h.logtext(logdir), re.M)) == 2,
         'gate: exactly one re-run, with SELFPIPE_SIGNAL, SELFPIPE_SENDER (the %s) and SELFPIPE_CHILD' % sup.supervisor,
         '%s\n%s' % (hook_runs(), h.logtext(logdir)))


def burst_story(h, sup, count):
    """count paced hups, each awaited in the logger: one line per signal, none lost."""
    tpl = 'exec selfpipe-run -r -k 10000 -- your-daemon --foreground'
    line = "exec selfpipe-run -r -k 10000 -- sh -c \"trap '' HUP; exec sleep 100000\""
    svc = supervise(h, sup, {'hup': lambda svc: h.copy_service(sup.name + '/generic', svc, [('run', tpl, line)])})['hup']
    logdir = os.path.join(svc, 'log', 'main')
    sup.up(svc)
    runner = h.wait_for(lambda: sup.pid(svc), 30)
    child = h.wait_child(runner, 'sleep', 30)
    if not h.ok(child, 'up: selfpipe-run %s runs sleep' % runner, sup.status(svc)):
        raise SystemExit(1)
    fwd = re.compile(r'^%sselfpipe-run: info: SIGHUP from pid %d uid %d -> SIGHUP to pid %d$'
                     % (sup.stamp, h.stat(runner)[1], os.geteuid(), child), re.M)
    counted = lambda: len(fwd.findall(h.logtext(logdir)))
    t0 = time.monotonic()
    sent = 0
    for i in range(1, count + 1):
        rc, out = sup.hup(svc)
        if rc != 0:
            break
        sent = i
        if h.wait_for(lambda: counted() >= i, 20) is False:
            break
    elapsed = time.monotonic() - t0
    h.ok(sent == count, '%d hups sent in %.1f s' % (sent, elapsed))
    text = h.logtext(logdir)
    n = len(fwd.findall(text))
    h.ok(n == count, 'the logger has exactly one "SIGHUP ... -> SIGHUP" line per hup: %d of %d' % (n, count),
         '\n'.join(text.split('\n')[-20:]))
    other = [l for l in text.split('\n') if 'selfpipe-run:' in l and not fwd.match(l)]
    h.ok(not other, 'and no other line from selfpipe-run (nothing lost, nothing folded)', '\n'.join(other[:20]))
    h.ok(h.alive(runner) and h.alive(child), 'selfpipe-run and its child still run')

