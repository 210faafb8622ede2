#!/usr/bin/env python3
# ISC license. selfpipe-bind: TCP (IPv4, IPv6) and unix listeners on
# fds 3, 4... in the order given, real connections to each, the
# backlog, the socket options, the unix socket's mode and what it does
# with a stale one, the exec; every bad input gives its one line and
# exit code and runs nothing.

import os
import re
import socket
import stat
import subprocess
import tempfile
import unittest

from sock_lib import BIND, Probe, ask, fails, free_port, have_ipv6, pytap, usage_mismatches

NO6 = have_ipv6()


def tmpdir():
    return tempfile.mkdtemp(prefix="sock-")


class Bind(unittest.TestCase):
    def test_tcp4(self):
        """-t 127.0.0.1:PORT: a listening, blocking TCP socket on fd 3, SO_REUSEADDR, a real connection answered there"""
        port = free_port()
        p = Probe([BIND, "-t", "127.0.0.1:%d" % port], serve="serve")
        try:
            d = p.report["fds"][0]
            self.assertEqual(p.fds(), [3])
            self.assertEqual((d["family"], d["type"], d["listening"]), ("AF_INET", "SOCK_STREAM", True))
            self.assertEqual(d["address"], ["127.0.0.1", port])
            self.assertTrue(d["reuseaddr"])
            self.assertTrue(d["blocking"])
            self.assertFalse(d["cloexec"])
            self.assertEqual(ask(socket.AF_INET, ("127.0.0.1", port)), "fd 3 pid %d" % p.p.pid)
        finally:
            p.stop()

    @unittest.skipIf(NO6, NO6)
    def test_tcp6(self):
        """-t [::1]:PORT: an IPv6-only TCP socket, a real connection over ::1; the IPv4 port stays free"""
        port = free_port(socket.AF_INET6, "::1")
        p = Probe([BIND, "-t", "[::1]:%d" % port], serve="serve")
        try:
            d = p.report["fds"][0]
            self.assertEqual((d["family"], d["listening"], d["v6only"]), ("AF_INET6", True, True))
            self.assertEqual(d["address"][:2], ["::1", port])
            self.assertEqual(ask(socket.AF_INET6, ("::1", port)), "fd 3 pid %d" % p.p.pid)
            with socket.socket() as s:      # IPv6 only: 0.0.0.0:PORT is not taken
                s.bind(("0.0.0.0", port))
        finally:
            p.stop()

    def test_unix(self):
        """-u path: a unix stream socket on fd 3, a real connection through the path"""
        path = os.path.join(tmpdir(), "s")
        p = Probe([BIND, "-u", path], serve="serve")
        try:
            d = p.report["fds"][0]
            self.assertEqual((d["family"], d["type"], d["listening"], d["address"]), ("AF_UNIX", "SOCK_STREAM", True, path))
            self.assertEqual(ask(socket.AF_UNIX, path), "fd 3 pid %d" % p.p.pid)
        finally:
            p.stop()

    def test_order(self):
        """-t, -u, -t, -u: fds 3, 4, 5, 6 in the order given, each answered on its own fd"""
        port, port2 = free_port(), free_port()
        d = tmpdir()
        u1, u2 = os.path.join(d, "a"), os.path.join(d, "b")
        p = Probe([BIND, "-t", "127.0.0.1:%d" % port, "-u", u1, "-t", "127.0.0.1:%d" % port2, "-u", u2], serve="serve")
        try:
            self.assertEqual(p.fds(), [3, 4, 5, 6])
            pid = p.p.pid
            self.assertEqual(ask(socket.AF_INET, ("127.0.0.1", port)), "fd 3 pid %d" % pid)
            self.assertEqual(ask(socket.AF_UNIX, u1), "fd 4 pid %d" % pid)
            self.assertEqual(ask(socket.AF_INET, ("127.0.0.1", port2)), "fd 5 pid %d" % pid)
            self.assertEqual(ask(socket.AF_UNIX, u2), "fd 6 pid %d" % pid)
        finally:
            p.stop()

    @unittest.skipIf(NO6, NO6)
    def test_order_mixed_families(self):
        """[::1] then 127.0.0.1 on the same port: fds 3 and 4, both answered"""
        port = free_port()
        p = Probe([BIND, "-t", "[::1]:%d" % port, "-t", "127.0.0.1:%d" % port], serve="serve")
        try:
            self.assertEqual(ask(socket.AF_INET6, ("::1", port)), "fd 3 pid %d" % p.p.pid)
            self.assertEqual(ask(socket.AF_INET, ("127.0.0.1", port)), "fd 4 pid %d" % p.p.pid)
        finally:
            p.stop()

    def test_exec_keeps_pid(self):
        """prog is exec'd: its pid is selfpipe-bind's, nothing is left between"""
        p = Probe([BIND, "-t", "127.0.0.1:%d" % free_port()])
        self.assertEqual(p.report["pid"], p.p.pid)


def backlog_of(port):
    """The backlog ss(8) shows for a TCP listener (Send-Q), None without ss."""
    try:
        out = subprocess.run(["ss", "-ltnH", "sport", "= :%d" % port], capture_output=True, text=True).stdout
    except OSError:
        return None
    m = re.search(r"LISTEN\s+\d+\s+(\d+)", out)
    return m and int(m.group(1))


class Backlog(unittest.TestCase):
    def test_tcp_backlog(self):
        """-b 3: the TCP listener's backlog is 3 (ss -lt); without -b it is SOMAXCONN"""
        port, port2 = free_port(), free_port()
        p = Probe([BIND, "-b", "3", "-t", "127.0.0.1:%d" % port], serve="serve")
        q = Probe([BIND, "-t", "127.0.0.1:%d" % port2], serve="serve")
        try:
            if backlog_of(port) is None:
                self.skipTest("ss (iproute2) is not installed: the backlog cannot be read")
            self.assertEqual(backlog_of(port), 3)
            with open("/proc/sys/net/core/somaxconn") as f:
                cap = int(f.read())
            self.assertEqual(backlog_of(port2), min(socket.SOMAXCONN, cap))
        finally:
            p.stop()
            q.stop()

    def test_unix_backlog(self):
        """-b 2 on a unix socket nobody accepts on: 3 connections queue, the 4th is refused at once (EAGAIN)"""
        path = os.path.join(tmpdir(), "s")
        p = Probe([BIND, "-b", "2", "-u", path], serve="hold")
        held = []
        try:
            for _ in range(3):
                c = socket.socket(socket.AF_UNIX)
                c.setblocking(False)
                c.connect(path)
                held.append(c)
            c = socket.socket(socket.AF_UNIX)
            c.setblocking(False)
            held.append(c)
            with self.assertRaises(BlockingIOError):
                c.connect(path)
        finally:
            for c in held:
                c.close()
            p.stop()


class Unix(unittest.TestCase):
    def test_mode(self):
        """-u path,0600: the socket file is made with mode 0600, -u path,0666 with 0666 (whatever the umask)"""
        d = tmpdir()
        for mode in (0o600, 0o666, 0o750):
            path = os.path.join(d, "m%o" % mode)
            Probe([BIND, "-u", "%s,%o" % (path, mode)], preexec_fn=lambda: os.umask(0o077))
            st = os.lstat(path)
            self.assertTrue(stat.S_ISSOCK(st.st_mode))
            self.assertEqual(stat.S_IMODE(st.st_mode), mode, path)

    def test_mode_umask(self):
        """-u path without a mode: the umask decides (027: 0750)"""
        path = os.path.join(tmpdir(), "s")
        Probe([BIND, "-u", path], preexec_fn=lambda: os.umask(0o027))
        self.assertEqual(stat.S_IMODE(os.lstat(path).st_mode), 0o750)

    def test_comma_in_path(self):
        """a path with a comma is given with a mode: -u dir/a,b,0640"""
        path = os.path.join(tmpdir(), "a,b")
        p = Probe([BIND, "-u", path + ",0640"])
        self.assertEqual(p.report["fds"][0]["address"], path)
        self.assertEqual(stat.S_IMODE(os.lstat(path).st_mode), 0o640)

    def test_stale(self):
        """a stale socket file (its listener gone) is replaced, and the new socket serves"""
        path = os.path.join(tmpdir(), "s")
        old = socket.socket(socket.AF_UNIX)
        old.bind(path)
        old.listen(1)
        old.close()
        self.assertTrue(os.path.exists(path))
        p = Probe([BIND, "-u", path], serve="serve")
        try:
            self.assertEqual(ask(socket.AF_UNIX, path), "fd 3 pid %d" % p.p.pid)
        finally:
            p.stop()

    def test_live(self):
        """a socket file somebody listens on: fatal, 111, prog not run, the listener keeps its path"""
        path = os.path.join(tmpdir(), "s")
        live = socket.socket(socket.AF_UNIX)
        live.bind(path)
        live.listen(1)
        try:
            rc, err, ran = fails([BIND, "-u", path])
            self.assertEqual((rc, ran), (111, False))
            self.assertEqual(err, ["selfpipe-bind: fatal: %s: address in use: a process listens there (not removed)" % path])
            with socket.socket(socket.AF_UNIX) as c:
                c.connect(path)
        finally:
            live.close()

    def test_not_a_socket(self):
        """a regular file at the path: fatal, 111, the file left alone"""
        path = os.path.join(tmpdir(), "f")
        with open(path, "w") as f:
            f.write("keep")
        rc, err, ran = fails([BIND, "-u", path])
        self.assertEqual((rc, ran), (111, False))
        self.assertEqual(err, ["selfpipe-bind: fatal: %s exists and is not a socket: not removed" % path])
        with open(path) as f:
            self.assertEqual(f.read(), "keep")


class Errors(unittest.TestCase):
    """Each: its exit code, one line on stderr, prog not run, and nothing
    left holding a socket (the port can be bound again)."""

    def check(self, args, code, line, env=None, **kw):
        rc, err, ran = fails([BIND] + args, env=env, **kw)
        self.assertEqual(rc, code, err)
        self.assertEqual(len(err), 1, err)
        self.assertRegex(err[0], line)
        self.assertFalse(ran)

    def test_port_in_use(self):
        """a TCP port in use: fatal, 111; the fds bound before it are closed with the process"""
        port, first = free_port(), free_port()
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))
            s.listen(1)
            self.check(["-t", "127.0.0.1:%d" % first, "-t", "127.0.0.1:%d" % port], 111,
                       r"^selfpipe-bind: fatal: unable to bind 127\.0\.0\.1:%d: Address already in use$" % port)
        with socket.socket() as s:
            s.bind(("127.0.0.1", first))

    def test_missing_directory(self):
        """a unix path in a directory that does not exist: fatal, 111"""
        self.check(["-u", "/nonexistent/dir/s"], 111,
                   r"^selfpipe-bind: fatal: unable to bind /nonexistent/dir/s: No such file or directory$")

    def test_not_local(self):
        """an address that is not this host's (192.0.2.1, TEST-NET-1): fatal, 111"""
        self.check(["-t", "192.0.2.1:80"], 111, r"^selfpipe-bind: fatal: unable to bind 192\.0\.2\.1:80: Cannot assign requested address$")

    def test_permission(self):
        """a port under 1024 for an unprivileged user: fatal, 111, permission denied"""
        if os.getuid() != 0:
            self.check(["-t", "127.0.0.1:1"], 111, r"^selfpipe-bind: fatal: unable to bind 127\.0\.0\.1:1: Permission denied$")
            return
        if subprocess.run(["setpriv", "--help"], capture_output=True).returncode != 0:
            self.skipTest("root, and no setpriv(1) to drop the privileges")
        # the program itself: a wrapper script of $SP_WRAP sits in a directory of root's only
        real = os.path.join(pytap.BUILD, "selfpipe-bind")
        rc, err, ran = fails(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", real, "-t", "127.0.0.1:1"])
        self.assertEqual((rc, ran), (111, False))
        self.assertEqual(err, ["selfpipe-bind: fatal: unable to bind 127.0.0.1:1: Permission denied"])

    def test_fd_in_the_way(self):
        """fd 4 already open (two sockets go on 3 and 4): fatal, 111, the line says which and where to move it"""
        rc, err, ran = fails(["sh", "-c", 'exec "$@" 4</dev/null', "sh", BIND, "-t", "127.0.0.1:%d" % free_port(), "-u", "/tmp/unused"])
        self.assertEqual((rc, ran), (111, False))
        self.assertEqual(err, ["selfpipe-bind: fatal: fd 4 is open already and a socket goes there: move that descriptor above fd 4"])

    def test_usage(self):
        """bad words: exit 100, one usage line that names them"""
        cases = [
            (["-t", "127.0.0.1"], "-t 127.0.0.1: not ip4:port or [ip6]:port"),
            (["-t", "localhost:80"], "-t localhost:80: not ip4:port or [ip6]:port"),
            (["-t", "::1:80"], "-t ::1:80: not ip4:port or [ip6]:port"),
            (["-t", "[::1:80"], "-t [::1:80: not ip4:port or [ip6]:port"),
            (["-t", "127.0.0.1:0"], "-t 127.0.0.1:0: the port is not a number from 1 to 65535"),
            (["-t", "127.0.0.1:65536"], "-t 127.0.0.1:65536: the port is not a number from 1 to 65535"),
            (["-t", "127.0.0.1:http"], "-t 127.0.0.1:http: the port is not a number from 1 to 65535"),
            (["-u", "/tmp/s,999"], "-u /tmp/s,999: the mode is not an octal number up to 0777"),
            (["-u", "/tmp/s,1777"], "-u /tmp/s,1777: the mode is not an octal number up to 0777"),
            (["-u", "/tmp/s,"], "-u /tmp/s,: the mode is not an octal number up to 0777"),
            (["-u", ",0600"], "-u ,0600: no path"),
            (["-u", "/" + "x" * 120], "-u /%s: the path is longer than a unix socket's 107 bytes" % ("x" * 120)),
            (["-b", "0", "-t", "127.0.0.1:80"], "-b 0: not a number above 0"),
            (["-b", "x", "-t", "127.0.0.1:80"], "-b x: not a number above 0"),
            ([], "nothing to bind: give -t or -u"),
        ]
        self.assertEqual(usage_mismatches([BIND], "selfpipe-bind", cases), [])

    def test_usage_line(self):
        """an unknown option, or no prog (the probe's own words end the command line): exit 100, the usage line"""
        usage = "selfpipe-bind [ -b backlog ] [ -t addr:port ]... [ -u path[,mode] ]... prog..."
        self.assertEqual(usage_mismatches([BIND], "selfpipe-bind", [(["-x"], usage)]), [])
        r = subprocess.run([BIND, "-t", "127.0.0.1:80"], capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stderr), (100, "selfpipe-bind: usage: %s\n" % usage))

    def test_exec_failures(self):
        """prog not found: 127; found and not runnable: 126; one fatal line each"""
        d = tmpdir()
        noexec = os.path.join(d, "noexec")
        with open(noexec, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        for prog, code, why in ((os.path.join(d, "missing"), 127, "No such file or directory"),
                                ("no-such-prog-anywhere", 127, "No such file or directory"),
                                (noexec, 126, "Permission denied"), (d, 126, "Permission denied")):
            r = subprocess.run([BIND, "-t", "127.0.0.1:%d" % free_port(), prog], capture_output=True, text=True)
            self.assertEqual((r.returncode, r.stderr.splitlines()),
                             (code, ["selfpipe-bind: fatal: unable to exec %s: %s" % (prog, why)]), prog)

    def test_script_without_shebang(self):
        """a script without #! runs under /bin/sh, as selfpipe-run runs it, with the socket on fd 3"""
        d = tmpdir()
        script = os.path.join(d, "script")
        with open(script, "w") as f:
            f.write('test -S /proc/self/fd/3 || exit 9\nls -l /proc/self/fd/3 >/dev/null && exit 7\n')
        os.chmod(script, 0o755)
        r = subprocess.run([BIND, "-t", "127.0.0.1:%d" % free_port(), script], capture_output=True, text=True)
        self.assertEqual(r.returncode, 7, r.stderr)


pytap.main()
