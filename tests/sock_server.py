#!/usr/bin/env python3
# ISC license. A daemon that takes its sockets the systemd way, as the
# tests/sock-chain.t chains hand them: LISTEN_FDS sockets from fd 3, for
# this pid only (LISTEN_PID), named by LISTEN_FDNAMES. It serves HTTP on
# every one of them: GET / answers "pid P fd N name NAME".

import http.server
import os
import socket
import sys
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = ("pid %d fd %d name %s\n" % (os.getpid(), self.server.fd, self.server.name)).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fd, name):
        super().__init__(None, Handler, bind_and_activate=False)
        self.socket = socket.socket(fileno=fd)
        self.fd, self.name = fd, name

    def server_bind(self):
        pass

    def get_request(self):
        conn, addr = self.socket.accept()
        return conn, addr or ("unix", 0)


def main():
    if os.environ.get("LISTEN_PID") != str(os.getpid()):
        sys.exit("sock_server: LISTEN_PID=%s is not my pid %d" % (os.environ.get("LISTEN_PID"), os.getpid()))
    n = int(os.environ["LISTEN_FDS"])
    names = os.environ.get("LISTEN_FDNAMES", "").split(":")
    servers = [Server(3 + i, names[i] if i < len(names) else "unknown") for i in range(n)]
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    servers[0].serve_forever()


main()
