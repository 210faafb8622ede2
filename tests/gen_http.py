#!/usr/bin/env python3
# ISC license. One generation of a small HTTP service for the rollback
# stories (tests/int-gen-rollback.t), under selfpipe-gen and
# selfpipe-listenfds: it serves on the LISTEN_FDS socket (fd 3, for
# this pid only) and answers GET / with "generation N pid P" (N:
# SELFPIPE_GENERATION). What it does is read from DIR/mode when it
# starts:
#   good       serves, says READY=1 (when it has a NOTIFY_SOCKET) and
#              "ok" on its health socket DIR/health.PID
#   exit       exits 1 at once
#   hang       never serves, never says READY=1 (an app stuck at start)
#   unhealthy  its health socket says "warming", and it takes no
#              traffic: a server that accepts only once it is healthy
# SIGTERM is a graceful stop: no more accepts, each connection's
# request in hand is answered (with Connection: close), idle keep-alive
# connections are closed, then exit 0. tests/gen_check.py is the -C
# check that asks the health socket.

import http.server
import os
import select
import signal
import socket
import sys
import threading
import time

DIR = sys.argv[1]
N = os.environ.get("SELFPIPE_GENERATION", "?")
stopping = threading.Event()


def mode():
    try:
        with open(os.path.join(DIR, "mode")) as f:
            return f.read().strip() or "good"
    except FileNotFoundError:
        return "good"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle(self):
        # keep-alive: one request after another until the client closes;
        # once the generation stops, an idle connection is closed
        self.close_connection = True
        self.handle_one_request()
        while not self.close_connection:
            while not select.select([self.connection], [], [], 0.05)[0]:
                if stopping.is_set():
                    return
            self.handle_one_request()

    def do_GET(self):
        body = ("generation %s pid %d\n" % (N, os.getpid())).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        if stopping.is_set():
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = False    # server_close() waits for the requests in hand
    block_on_close = True

    def __init__(self, fd):
        super().__init__(None, Handler, bind_and_activate=False)
        self.socket = socket.socket(fileno=fd)

    def server_bind(self):
        pass


def health(answer):
    path = os.path.join(DIR, "health.%d" % os.getpid())
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s.bind(path)
    s.listen(8)

    def serve():
        while True:
            c, _ = s.accept()
            c.sendall(answer.encode())
            c.close()
    threading.Thread(target=serve, daemon=True).start()


def notify(text):
    a = os.environ.get("NOTIFY_SOCKET")
    if not a:
        return
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.sendto(text.encode(), "\0" + a[1:] if a.startswith("@") else a)
    s.close()


def main():
    if os.environ.get("LISTEN_PID") != str(os.getpid()) or os.environ.get("LISTEN_FDS") != "1":
        sys.exit("gen_http: LISTEN_PID=%s LISTEN_FDS=%s: not one socket for pid %d"
                 % (os.environ.get("LISTEN_PID"), os.environ.get("LISTEN_FDS"), os.getpid()))
    m = mode()
    print("gen_http: generation %s pid %d: %s" % (N, os.getpid(), m), file=sys.stderr, flush=True)
    if m == "exit":
        sys.exit(1)
    signal.signal(signal.SIGTERM, lambda s, f: stopping.set())
    if m in ("hang", "unhealthy"):
        if m == "unhealthy":
            health("warming\n")
        while not stopping.wait(0.1):
            pass
        sys.exit(0)
    srv = Server(3)
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05})
    t.start()
    health("ok\n")
    notify("READY=1")
    while not stopping.wait(0.1):
        pass
    srv.shutdown()
    t.join()
    srv.server_close()
    sys.exit(0)


main()
