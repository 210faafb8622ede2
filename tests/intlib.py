# ISC license. Harness for the tests/int-*.t stories: real supervisors,
# a real nginx, all in a private temporary directory. It starts a
# supervision tree, reads the loggers' files, finds a free port, and
# cleans up; the stories themselves are the int-*.t files.
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
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytap import Tap, file_lines, scaled, settle, wait_until  # noqa: E402,F401

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent():
    # The supervisor dies if the harness is SIGKILLed before its teardown.
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _reaped_all():
    """Reaps every child that has exited; True once none is left."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        return True
    return False


class Harness:
    """One supervision tree in its own temporary directory; its TAP lines
    go to tap, shared by every tree of the test."""

    def __init__(self, name, tap):
        self.name = name
        self.tap = tap
        self.ok = tap.ok
        self.note = tap.note
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
        timeout = scaled(timeout)
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
        wait_until(_reaped_all, 20)
        if os.environ.get('SP_KEEP_TMP'):
            self.note('kept %s' % self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


    # --- waiting -----------------------------------------------------
    @staticmethod
    def wait_for(fn, timeout):
        """fn() once it is true, or its last value at the (scaled) deadline;
        each poll may run a supervisor's tool: not too often."""
        return wait_until(fn, timeout, 0.02)

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
            c = http.client.HTTPConnection('127.0.0.1', port, timeout=scaled(3))
            c.request('GET', '/')
            body = c.getresponse().read().decode(errors='replace')
            c.close()
            return body
        except (OSError, http.client.HTTPException):
            return None

    def nginx_conf(self, path, port, answer, pid=True, location=None, connections=64):
        """An nginx configuration that only touches files under the temporary
        directory. pid=False: no pid line (nginx's default path, or -g);
        location: the location's directive instead of returning answer."""
        p = os.path.join(self.tmp, 'nginx')
        os.makedirs(p, exist_ok=True)
        user = 'user root;\n' if os.geteuid() == 0 else ''
        if pid:
            user += 'pid %s/nginx.pid;\n' % p
        if location is None:
            location = 'return 200 "%s";' % answer
        self.write(path, '''worker_processes 1;
%serror_log stderr notice;
events { worker_connections %d; }
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
    location / { %s }
  }
}
''' % (user, connections, p, p, p, p, p, port, location))


# --- load and pidfiles, for the upgrade stories ------------------------

class Load:
    """Threads that GET / without pause, some over keep-alive connections,
    some on a fresh connection each time, each at most rate requests a
    second. A keep-alive connection that the server closed while idle (a
    retiring worker does) is retried once on a new connection, as every
    HTTP client does for an idempotent request: counted as retried, a
    failure only if the retry fails too."""

    def __init__(self, port, want, keepalive=3, fresh=3, rate=60):
        self.port, self.want, self.rate = port, want, rate
        self.ok = self.failed = self.retried = 0
        self.errors = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(k,), daemon=True)
                        for k in [True] * keepalive + [False] * fresh]

    @classmethod
    def running(cls, port, want, **kw):
        """A load started on port, once 50 requests got want (or 10 s)."""
        load = cls(port, want, **kw)
        load.start()
        wait_until(lambda: load.ok > 50, 10, 0.02)
        return load

    def start(self):
        self.t0 = time.monotonic()
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(scaled(10))
        self.elapsed = time.monotonic() - self.t0

    def count(self, good, why=None):
        with self.lock:
            if good:
                self.ok += 1
            else:
                self.failed += 1
                if len(self.errors) < 10:
                    self.errors.append(why)

    def get(self, c):
        c.request('GET', '/')
        r = c.getresponse()
        body = r.read().decode(errors='replace')
        if r.status != 200 or not body.startswith(self.want):
            raise ValueError('status %d body %r' % (r.status, body))

    def run(self, keepalive):
        c, used = None, False
        while not self.stop.is_set():
            t = time.monotonic()
            if c is None:
                c, used = http.client.HTTPConnection('127.0.0.1', self.port, timeout=scaled(5)), False
            try:
                self.get(c)
                self.count(True)
                used = True
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                c.close()
                c = None
                if not (keepalive and used):
                    self.count(False, repr(e))
                else:
                    with self.lock:
                        self.retried += 1
                    c, used = http.client.HTTPConnection('127.0.0.1', self.port, timeout=scaled(5)), False
                    try:
                        self.get(c)
                        self.count(True)
                        used = True
                    except Exception as e2:
                        self.count(False, 'retry: ' + repr(e2))
                        c.close()
                        c = None
            except Exception as e:
                self.count(False, repr(e))
                c.close()
                c = None
            if not keepalive and c is not None:
                c.close()
                c = None
            left = 1.0 / self.rate - (time.monotonic() - t)
            if left > 0:
                time.sleep(left)


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0


def usr2_to_master(pidfile, i):
    """Upgrade i (from 0) by hand: USR2 to the master pidfile names:
    (its pid, None), or (None, why) when it names none."""
    oldm = read_pid(pidfile)
    if oldm <= 1:     # never kill(0) or kill(-1)
        return None, 'upgrade %d: the pidfile names no master' % (i + 1)
    os.kill(oldm, signal.SIGUSR2)
    return oldm, None


def main(name, story, suites):
    """Runs story(harness, suite) once per supervision suite, each in a
    tree of its own, torn down whatever happened; one TAP stream."""
    tap = Tap()
    for cls in suites:
        h = None
        try:
            h = Harness('%s-%s' % (name, cls.name), tap)
            sup = cls(h)
            h.note('under %s' % cls.name)
            h.require(sup.needs)
            story(h, sup)
        except SystemExit as e:
            if isinstance(e.code, str):
                tap.ok(False, e.code)
            elif not tap.failed:
                tap.ok(False, '%s: the story stopped' % cls.name)
        except Exception:
            import traceback
            tap.ok(False, '%s: the test itself failed' % cls.name, traceback.format_exc())
        finally:
            if h is not None:
                h.teardown()
    tap.done()


# --- the three supervision suites --------------------------------------
# Each adapter drives one suite with its own tools; the stories only use
# these methods. cmd names each suite's tool for one action on a service.

TAI64N = r'@[0-9a-f]{24} '


class Suite:
    cmd = {}
    reports_exit = True
    stamp = TAI64N    # the logger's stamp, before each line
    stamp_what = 'a TAI64N stamp'

    @property
    def needs(self):
        return [(c, self.name) for c in self.tools]   # Debian's package is the suite's name

    def __init__(self, h):
        self.h = h

    def start(self, scan):
        return self.h.start([self.scanner, scan], self.scanner + '.out')

    def _do(self, what, svc):
        return self.h.run(self.cmd[what] + [svc])

    def ready(self, svc):
        return self._do('ok', svc)[0] == 0

    def up(self, svc):
        return self._do('up', svc)

    def hup(self, svc):
        return self._do('hup', svc)

    def down(self, svc):
        return self._do('down', svc)

    def kill(self, svc):
        return self._do('kill', svc)

    def status(self, svc):
        return self._do('status', svc)[1].strip()


class S6(Suite):
    name = 's6'
    scanner = 's6-svscan'
    supervisor = 's6-supervise'
    tools = ('s6-svscan', 's6-supervise', 's6-svc', 's6-svstat', 's6-svok', 's6-log')
    cmd = {'ok': ['s6-svok'], 'up': ['s6-svc', '-u'], 'hup': ['s6-svc', '-h'], 'down': ['s6-svc', '-d'],
           'kill': ['s6-svc', '-k'], 'status': ['s6-svstat']}

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


class Runit(Suite):
    name = 'runit'
    scanner = 'runsvdir'
    supervisor = 'runsv'
    tools = ('runsvdir', 'runsv', 'sv', 'svlogd')
    stamp = r'\d{4}-\d\d-\d\d_\d\d:\d\d:\d\d\.\d+ '
    stamp_what = "svlogd's -tt stamp"
    cmd = {'up': ['sv', 'up'], 'hup': ['sv', 'hup'], 'down': ['sv', 'down'], 'kill': ['sv', 'kill'],
           'status': ['sv', 'status']}

    def ready(self, svc):
        rc, out = self.h.run(['sv', 'status', svc])
        return rc == 0 and re.match(r'(run|down): ', out) is not None

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


class Daemontools(Suite):
    name = 'daemontools'
    scanner = 'svscan'
    supervisor = 'supervise'
    tools = ('svscan', 'supervise', 'svc', 'svstat', 'svok', 'multilog')
    reports_exit = False   # supervise records no exit status
    cmd = {'ok': ['svok'], 'up': ['svc', '-u'], 'hup': ['svc', '-h'], 'down': ['svc', '-d'],
           'status': ['svstat']}

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


def generic_service(h, sup, line, finish=False, daemon=None):
    """doc/examples/<suite>/generic with ./run's selfpipe-run line replaced
    by line, or (daemon) only its placeholder daemon replaced by daemon."""
    with open(os.path.join(h.src, 'doc', 'examples', sup.name, 'generic', 'run')) as f:
        tpl = re.search(r'^exec selfpipe-run .*$', f.read(), re.M).group(0)
    if daemon is not None:
        line = tpl.replace('your-daemon --foreground', daemon)

    def setup(svc):
        h.copy_service(sup.name + '/generic', svc, [('run', tpl, line)])
        if finish:
            record_finish(svc)
    return setup


def log_of(svc):
    """The service's logger directory (log/main in every example)."""
    return os.path.join(svc, 'log', 'main')


def sent_by(pid, uid, comm=None):
    """selfpipe-run's words for a delivery that pid sent with kill(), as
    a regex: 'from pid 812 (s6-supervise) uid 0 by kill'. comm: its
    command name; read from /proc now when not given (the sender is a
    supervisor, alive when the test asks); pid None: any pid."""
    if comm is None:
        try:
            with open('/proc/%d/comm' % pid) as f:
                comm = f.read().rstrip('\n')
        except OSError:
            comm = 'gone'
    return r'from pid %s \(%s\) uid %d by kill' % (r'\d+' if pid is None else pid, re.escape(comm), uid)


def service_running(h, sup, svc, comm, what):
    """Waits until svc (up) has its selfpipe-run running comm: (runner,
    its parent, the child); a failure ends the story."""
    runner = h.wait_for(lambda: sup.pid(svc), 30)
    kid = h.wait_child(runner, comm, 30)
    if not h.ok(kid, '%s: up, selfpipe-run %s runs %s' % (what, runner, comm),
                '%s %s' % (sup.status(svc), h.children(runner) if runner else None)):
        raise SystemExit(1)
    return runner, h.stat(runner)[1], kid


def installed(h, program, what, why):
    """True when program (a path, or a name on the tests' PATH) can run;
    else the story is skipped, saying why."""
    found = os.access(program, os.X_OK) if os.sep in program else shutil.which(program, path=h.env['PATH'])
    if not found:
        h.tap.skip(what, '%s is not installed (%s)' % (program, why))
    return bool(found)


GUNICORN = '/usr/bin/gunicorn'
GUNICORN_APP = '''def app(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'gunicorn says hello']
'''


def gunicorn_app(h, what):
    """Writes the test app (hello:app) into h.tmp; False (skipped) when
    Debian's gunicorn is not installed."""
    if not installed(h, GUNICORN, what, 'apt-get install gunicorn'):
        return False
    h.write(os.path.join(h.tmp, 'hello.py'), GUNICORN_APP)
    return True


def up_and_followed(h, sup, svc, port, answer, pidfile, what):
    """Brings svc up, waits until it answers on port and its runner says
    it follows the master of pidfile: (runner, master, the log line);
    a failure to answer ends the story."""
    logdir = log_of(svc)
    sup.up(svc)
    if not h.ok(h.wait_for(lambda: h.http_get(port) == answer, 30),
                'up: %s answers on 127.0.0.1:%d' % (what, port), h.logtext(logdir) + h.read_outputs()):
        raise SystemExit(1)
    master = read_pid(pidfile)
    fl = h.wait_log(logdir, r'^%sselfpipe-run: info: following pid %d from pidfile %s$'
                    % (sup.stamp, master, re.escape(pidfile)), 20)
    return sup.pid(svc), master, fl
