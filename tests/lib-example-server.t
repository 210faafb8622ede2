#!/usr/bin/env python3
# ISC license. The server example of doc/libselfpipe.html, driven by
# signals from this process: SIGTERM finishes the connected clients,
# SIGQUIT exits at once, SIGALRM logs a status line.

import html, os, re, shlex, signal, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytap import PHASE, SCALE, Tap, scaled, wait_until

build = os.environ.get("SP_BUILD") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build")
server = os.path.join(build, "examples", "server")
wrap = shlex.split(os.environ.get("SP_WRAP", ""))
TIMEOUT = 20      # for anything to happen (scaled)
# "at once": well below a wait for a timeout
AT_ONCE = (15 if PHASE == "valgrind" else 5) * SCALE
tap = Tap()
ok = tap.ok

class Server:
    def __init__(self, tmp):
        self.path = os.path.join(tmp, "sock")
        self.log = os.path.join(tmp, "log")
        self.logf = open(self.log, "wb")
        self.p = subprocess.Popen(wrap + [server, self.path], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=self.logf)
    def up(self):
        # listening: a connection is accepted (the socket file exists a little before)
        def try_connect():
            if self.p.poll() is not None:
                return True
            try:
                connect(self.path).close()
                return True
            except OSError:
                return False
        return wait_until(try_connect, TIMEOUT) and self.p.poll() is None
    def text(self):
        with open(self.log, "rb") as f:
            return f.read().decode(errors="replace")
    def logged(self, what, count=1):
        return wait_until(lambda: self.text().count(what) >= count, TIMEOUT)
    def exited(self, timeout=TIMEOUT):
        try:
            return self.p.wait(scaled(timeout))
        except subprocess.TimeoutExpired:
            return None
    def kill(self, sig):
        os.kill(self.p.pid, sig)
    def cleanup(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
        self.logf.close()

def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(scaled(TIMEOUT))
    s.connect(path)
    return s

def ask(s, line):
    s.sendall(line.encode() + b"\n")
    want = b"ok " + line.encode() + b"\n"
    got = b""
    while len(got) < len(want):
        chunk = s.recv(len(want) - len(got))
        if not chunk:
            break
        got += chunk
    return got == want

def at_eof(s):
    try:
        return s.recv(1) == b""
    except OSError:
        return True

# the listing in doc/libselfpipe.html is the program that is tested here
src = os.environ.get("SP_SRC") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
with open(os.path.join(src, "doc", "examples", "server.c")) as f:
    code = f.read()
with open(os.path.join(src, "doc", "libselfpipe.html")) as f:
    m = re.search(r'<pre class="example">\n(.*?)</pre>', f.read(), re.S)
ok(m is not None and html.unescape(m.group(1)) == code, "doc/libselfpipe.html shows doc/examples/server.c as it is")

if not os.access(server, os.X_OK):
    ok(False, "%s is built (make)" % server)
    tap.done()

with tempfile.TemporaryDirectory() as tmp:
    # SIGTERM: orderly
    srv = Server(tmp)
    try:
        ok(srv.up(), "the server listens on its socket")
        a = connect(srv.path)
        ok(ask(a, "hello"), "client A: hello is answered")
        b = connect(srv.path)
        ok(ask(b, "b1") and ask(b, "b2"), "client B: two lines answered")
        srv.kill(signal.SIGALRM)
        ok(srv.logged("status: 2 client(s), 3 line(s) served, accepting"), "SIGALRM: status line, 2 clients, 3 lines, accepting")
        srv.kill(signal.SIGTERM)
        ok(srv.logged("SIGTERM: no new clients, finishing 2 connected client(s)"), "SIGTERM: logged, 2 clients to finish")
        ok(not os.path.exists(srv.path), "SIGTERM: the socket is gone")
        try:
            connect(srv.path).close()
            refused = False
        except OSError:
            refused = True
        ok(refused, "SIGTERM: a new client is refused")
        ok(ask(a, "still there") and ask(b, "me too"), "SIGTERM: both connected clients are still served")
        srv.kill(signal.SIGTERM)
        ok(srv.p.poll() is None, "a second SIGTERM changes nothing")
        a.close()
        # the server may see SIGALRM before client A's end: ask until it has seen both
        def status_one():
            srv.kill(signal.SIGALRM)
            return wait_until(lambda: "status: 1 client(s), 5 line(s) served, finishing" in srv.text(), 0.3)
        ok(wait_until(status_one, TIMEOUT), "SIGALRM: status line, 1 client left, finishing")
        ok(srv.p.poll() is None and ask(b, "last"), "the server waits for client B, and serves it")
        b.close()
        ok(srv.exited() == 0, "client B gone: the server exits 0")
        ok("every client is done, exiting" in srv.text(), "and says so")
        ok(srv.text().count("SIGTERM:") == 1, "the second SIGTERM was not logged")
    finally:
        srv.cleanup()

    # SIGQUIT: at once
    srv = Server(tmp)
    try:
        ok(srv.up(), "second server up")
        c = connect(srv.path)
        ok(ask(c, "x"), "client C served")
        start = time.monotonic()
        srv.kill(signal.SIGQUIT)
        rc = srv.exited()
        took = time.monotonic() - start
        ok(rc == 2 and took < AT_ONCE, "SIGQUIT with a client connected: exits 2 at once (%.2f s)" % took)
        ok(at_eof(c), "client C sees the connection closed")
        ok("SIGQUIT: exiting now, dropping 1 client(s)" in srv.text(), "SIGQUIT is logged")
        ok(not os.path.exists(srv.path), "the socket is removed")
        c.close()
    finally:
        srv.cleanup()

    # SIGTERM with nobody connected; several signals at once
    srv = Server(tmp)
    try:
        ok(srv.up(), "third server up")
        # up() connected once: ask until the server has seen that client go
        def status_zero():
            srv.kill(signal.SIGALRM)
            return wait_until(lambda: "status: 0 client(s), 0 line(s) served, accepting" in srv.text(), 0.3)
        ok(wait_until(status_zero, TIMEOUT), "SIGALRM: status with no client")
        srv.kill(signal.SIGTERM)
        ok(srv.exited() == 0, "SIGTERM with no client: exits 0")
    finally:
        srv.cleanup()

    p = subprocess.run(wrap + [server], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ok(p.returncode == 100 and b"usage: server socket-path" in p.stderr, "no argument: usage, exit 100")

tap.done()
