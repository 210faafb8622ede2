#!/usr/bin/env python3
# ISC license. The chain the manual shows: selfpipe-bind, then
# selfpipe-listenfds, then a daemon that takes LISTEN_FDS
# (tests/sock_server.py, HTTP): it serves on every socket, fresh and
# kept-alive connections, under several clients at once; the same
# through selfpipe-run, whose child gets the fds and its own LISTEN_PID.

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import unittest

from sock_lib import BIND, HERE, LISTENFDS, free_port, have_ipv6, pytap, scaled, wait_until

NO6 = have_ipv6()
SERVER = [sys.executable, os.path.join(HERE, "sock_server.py")]
RUNNER = os.environ.get("SELFPIPE_RUN") or os.path.join(pytap.BUILD, "selfpipe-run")


class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path, **kw):
        super().__init__("localhost", **kw)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def conn(where):
    """An HTTP connection to ("tcp", host, port) or ("unix", path)."""
    if where[0] == "unix":
        return UnixHTTP(where[1], timeout=scaled(10))
    return http.client.HTTPConnection(where[1], where[2], timeout=scaled(10))


def get(c):
    c.request("GET", "/")
    r = c.getresponse()
    return r.status, r.read().decode().strip()


def up(where, timeout=10):
    """The first answer once the server answers at all."""
    def f():
        try:
            c = conn(where)
            try:
                return get(c)
            finally:
                c.close()
        except OSError:
            return None
    return wait_until(f, timeout, 0.05)


def load(where, clients=8, per=25):
    """clients threads, each per requests on fresh connections then per
    on one kept-alive connection: (answers, failures)."""
    answers, failures, lock = [], [], threading.Lock()

    def one():
        for keep in (False, True):
            c = conn(where)
            for _ in range(per):
                try:
                    a = get(c)
                except (OSError, http.client.HTTPException) as e:
                    a = ("error", repr(e))
                with lock:
                    (answers if a[0] == 200 else failures).append(a)
                if not keep:
                    c.close()
                    c = conn(where)
            c.close()
    ts = [threading.Thread(target=one) for _ in range(clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return answers, failures


class Service:
    def __init__(self, cmd, env=None):
        e = dict(os.environ if env is None else env)
        self.p = subprocess.Popen(cmd, env=e, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
        err = self.p.communicate(timeout=scaled(10))[1].decode()
        return self.p.returncode, err


class Chain(unittest.TestCase):
    def test_tcp_serves(self):
        """selfpipe-bind -t 127.0.0.1:P selfpipe-listenfds server: 400 requests from 8 clients, fresh and kept-alive, all answered by the exec'd pid"""
        port = free_port()
        s = Service([BIND, "-t", "127.0.0.1:%d" % port, LISTENFDS] + SERVER)
        try:
            where = ("tcp", "127.0.0.1", port)
            self.assertEqual(up(where), (200, "pid %d fd 3 name unknown" % s.p.pid))
            answers, failures = load(where)
            self.assertEqual((len(answers), failures), (400, []))
            self.assertEqual(set(answers), {(200, "pid %d fd 3 name unknown" % s.p.pid)})
        finally:
            s.stop()
        self.assertFalse(os.path.exists("/proc/%d" % s.p.pid))

    def serves_named(self, binds, names, wheres):
        s = Service([BIND] + binds + [LISTENFDS, "-n", names] + SERVER)
        try:
            for i, (where, name) in enumerate(zip(wheres, names.split(","))):
                self.assertEqual(up(where), (200, "pid %d fd %d name %s" % (s.p.pid, 3 + i, name)), where)
                answers, failures = load(where, clients=4, per=10)
                self.assertEqual((len(answers), failures), (80, []), where)
        finally:
            s.stop()

    def test_two_sockets_named(self):
        """TCP and unix sockets named web,ctl: each answers 80 requests with its fd and its name"""
        port = free_port()
        path = os.path.join(tempfile.mkdtemp(prefix="sock-"), "ctl")
        self.serves_named(["-t", "127.0.0.1:%d" % port, "-u", path + ",0600"], "web,ctl",
                          [("tcp", "127.0.0.1", port), ("unix", path)])

    @unittest.skipIf(NO6, NO6)
    def test_ipv6_and_ipv4(self):
        """[::1]:P and 127.0.0.1:P named web6,web4: both served, each on its own fd"""
        port = free_port()
        self.serves_named(["-t", "[::1]:%d" % port, "-t", "127.0.0.1:%d" % port], "web6,web4",
                          [("tcp", "::1", port), ("tcp", "127.0.0.1", port)])

    def test_stale_listen_fds(self):
        """a parent's leaked LISTEN_FDS=2 and LISTEN_PID: the daemon is told 1, its own pid, and serves"""
        port = free_port()
        env = dict(os.environ, LISTEN_FDS="2", LISTEN_PID="1", LISTEN_FDNAMES="a:b")
        s = Service([BIND, "-t", "127.0.0.1:%d" % port, LISTENFDS] + SERVER, env=env)
        try:
            self.assertEqual(up(("tcp", "127.0.0.1", port)), (200, "pid %d fd 3 name unknown" % s.p.pid))
        finally:
            s.stop()

    def test_through_selfpipe_run(self):
        """selfpipe-bind, selfpipe-run, selfpipe-listenfds, server: the runner's child gets fd 3 and LISTEN_PID = its own pid; TERM ends it all"""
        port = free_port()
        s = Service([BIND, "-t", "127.0.0.1:%d" % port, RUNNER, "-v", "0", "--", LISTENFDS] + SERVER)
        try:
            status, body = up(("tcp", "127.0.0.1", port))
            child = int(body.split()[1])
            self.assertEqual(status, 200)
            self.assertNotEqual(child, s.p.pid)
            with open("/proc/%d/stat" % child) as f:
                self.assertEqual(int(f.read().rsplit(")", 1)[1].split()[1]), s.p.pid)   # the runner's child
            answers, failures = load(("tcp", "127.0.0.1", port), clients=4, per=10)
            self.assertEqual((len(answers), failures), (80, []))
        finally:
            rc, err = s.stop()
        self.assertEqual(rc, 128 + 15, err)
        self.assertFalse(os.path.exists("/proc/%d" % child))
        with socket.socket() as b:           # nothing holds the port any more
            b.bind(("127.0.0.1", port))


pytap.main()
