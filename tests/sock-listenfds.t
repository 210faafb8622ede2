#!/usr/bin/env python3
# ISC license. selfpipe-listenfds: the fds it counts, each dialect's
# exact environment (or argv), the stale variables it removes,
# LISTEN_PID as the exec'd program's pid; every bad input gives its one
# line and exit code and runs nothing. The fds come from selfpipe-bind,
# and from sh redirections for the fds that are not sockets.

import os
import socket
import subprocess
import tempfile
import unittest

from sock_lib import BIND, LISTENFDS, Probe, fails, free_port, have_ipv6, pytap, usage_mismatches

NO6 = have_ipv6()
STALE = {"LISTEN_FDS": "9", "LISTEN_PID": "1", "LISTEN_FDNAMES": "old", "NGINX": "7;", "FPM_SOCKETS": "x=7",
         "EINHORN_FD_COUNT": "1", "EINHORN_FD_0": "7", "EINHORN_FD_12": "8",
         "KEEP_LISTEN_ADDR": "kept", "EINHORN_FD_X": "kept"}


def env_with(extra):
    e = dict(os.environ)
    e.update(extra)
    return e


def clean_env():
    """The environment without any variable a dialect sets."""
    return {k: v for k, v in os.environ.items() if k not in STALE and not k.startswith("EINHORN_FD_")}


class Chain:
    """selfpipe-bind with two TCP sockets and a unix one, then selfpipe-listenfds args."""

    def __init__(self, args, env=None, pre=(), serve=None, probe_args=()):
        self.port, self.port2 = free_port(), free_port()
        self.path = os.path.join(tempfile.mkdtemp(prefix="sock-"), "s")
        self.probe = Probe([BIND, "-t", "127.0.0.1:%d" % self.port, "-t", "127.0.0.1:%d" % self.port2,
                            "-u", self.path] + list(pre) + [LISTENFDS] + list(args),
                           env=clean_env() if env is None else env, serve=serve, probe_args=probe_args)
        self.env = self.probe.report["env"]
        self.argv = self.probe.report["argv"][1:]
        self.pid = self.probe.report["pid"]


def ours(env):
    """The variables of the dialects in env (the KEEP_ ones aside)."""
    return {k: v for k, v in env.items() if not k.startswith("KEEP_") and k != "EINHORN_FD_X"}


class Dialects(unittest.TestCase):
    def test_systemd(self):
        """the default (systemd): exactly LISTEN_FDS=3, LISTEN_PID=the exec'd program's pid, LISTEN_FDNAMES=unknown x3"""
        c = Chain([])
        self.assertEqual(c.pid, c.probe.p.pid)
        self.assertEqual(ours(c.env), {"LISTEN_FDS": "3", "LISTEN_PID": str(c.pid), "LISTEN_FDNAMES": "unknown:unknown:unknown"})
        self.assertEqual(c.probe.fds(), [3, 4, 5])

    def test_systemd_names(self):
        """-D systemd -n web,admin,ctl: LISTEN_FDNAMES=web:admin:ctl"""
        c = Chain(["-D", "systemd", "-n", "web,admin,ctl"])
        self.assertEqual(ours(c.env), {"LISTEN_FDS": "3", "LISTEN_PID": str(c.pid), "LISTEN_FDNAMES": "web:admin:ctl"})

    def test_nginx(self):
        """-D nginx: exactly NGINX=3;4;5; and no LISTEN_*"""
        c = Chain(["-D", "nginx"])
        self.assertEqual(ours(c.env), {"NGINX": "3;4;5;"})

    def test_phpfpm(self):
        """-D php-fpm: FPM_SOCKETS=127.0.0.1:P=3,127.0.0.1:Q=4,PATH=5 (php-fpm's own keys)"""
        c = Chain(["-D", "php-fpm"])
        self.assertEqual(ours(c.env), {"FPM_SOCKETS": "127.0.0.1:%d=3,127.0.0.1:%d=4,%s=5" % (c.port, c.port2, c.path)})

    @unittest.skipIf(NO6, NO6)
    def test_phpfpm_ipv6(self):
        """-D php-fpm on [::1]:P: the key is ::1:P, without brackets, as php-fpm writes it"""
        port = free_port(socket.AF_INET6, "::1")
        p = Probe([BIND, "-t", "[::1]:%d" % port, LISTENFDS, "-D", "php-fpm"], env=clean_env())
        self.assertEqual(ours(p.report["env"]), {"FPM_SOCKETS": "::1:%d=3" % port})

    def test_phpfpm_names(self):
        """-D php-fpm -n a:1,b,c: the names are the keys"""
        c = Chain(["-D", "php-fpm", "-n", "a:1,b,c"])
        self.assertEqual(ours(c.env), {"FPM_SOCKETS": "a:1=3,b=4,c=5"})

    def test_haproxy(self):
        """-D haproxy -n SOCKVAR_WEB,SOCKVAR_ADMIN,SOCKVAR_CTL: each variable holds its fd, nothing else is set"""
        c = Chain(["-D", "haproxy", "-n", "SOCKVAR_WEB,SOCKVAR_ADMIN,SOCKVAR_CTL"])
        self.assertEqual(ours(c.env), {"SOCKVAR_WEB": "3", "SOCKVAR_ADMIN": "4", "SOCKVAR_CTL": "5"})

    def test_einhorn(self):
        """-D einhorn: EINHORN_FD_COUNT=3, EINHORN_FD_0=3, _1=4, _2=5"""
        c = Chain(["-D", "einhorn"])
        self.assertEqual(ours(c.env), {"EINHORN_FD_COUNT": "3", "EINHORN_FD_0": "3", "EINHORN_FD_1": "4", "EINHORN_FD_2": "5"})

    def test_argv(self):
        """-D argv, one fd then three: uvicorn's --fd {fd}, gunicorn's --bind=fd://{fd}, two {fd} in one word; no variable"""
        args = ["--fd", "{fd}", "--bind=fd://{fd}", "x{fd}y{fd}", "plain"]
        p = Probe([BIND, "-t", "127.0.0.1:%d" % free_port(), LISTENFDS, "-D", "argv"], env=clean_env(), probe_args=args)
        self.assertEqual(p.report["argv"][1:], ["--fd", "3", "--bind=fd://3", "x3y3", "plain"])
        self.assertEqual(ours(p.report["env"]), {})
        c = Chain(["-D", "argv"], probe_args=args)
        self.assertEqual(c.argv, ["--fd", "3", "4", "5", "--bind=fd://3", "--bind=fd://4", "--bind=fd://5",
                                  "x3y3", "x4y4", "x5y5", "plain"])

    def test_argv_name(self):
        """-D argv leaves prog's own name alone, {fd} or not"""
        d = tempfile.mkdtemp(prefix="sock-")
        prog = os.path.join(d, "{fd}")
        with open(prog, "w") as f:
            f.write('#!/bin/sh\nprintf "%s\\n" "$0" "$@"\n')
        os.chmod(prog, 0o755)
        r = subprocess.run([BIND, "-t", "127.0.0.1:%d" % free_port(), LISTENFDS, "-D", "argv", prog, "{fd}"],
                           capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stdout.splitlines()), (0, [prog, "3"]), r.stderr)

    def test_stale(self):
        """stale LISTEN_*, NGINX, FPM_SOCKETS, EINHORN_FD_n from the parent: removed, or replaced by the dialect's; other variables kept"""
        for dialect, want in (("systemd", {"LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"}), ("nginx", {"NGINX"}),
                              ("einhorn", {"EINHORN_FD_COUNT", "EINHORN_FD_0", "EINHORN_FD_1", "EINHORN_FD_2"})):
            c = Chain(["-D", dialect], env=env_with(STALE))
            self.assertEqual(set(ours(c.env)), want, dialect)
            self.assertEqual((c.env.get("KEEP_LISTEN_ADDR"), c.env.get("EINHORN_FD_X")), ("kept", "kept"), dialect)
        self.assertEqual(Chain([], env=env_with(STALE)).env["LISTEN_FDS"], "3")


class Count(unittest.TestCase):
    def test_stops_at_non_socket(self):
        """sockets on 3 and 4, a file on 5: LISTEN_FDS=2, and fd 5 still reaches prog"""
        port, port2 = free_port(), free_port()
        p = Probe([BIND, "-t", "127.0.0.1:%d" % port, "-t", "127.0.0.1:%d" % port2,
                   "sh", "-c", 'exec "$@" 5</dev/null', "sh", LISTENFDS], env=clean_env())
        self.assertEqual(p.report["env"]["LISTEN_FDS"], "2")
        self.assertEqual(p.fds(), [3, 4, 5])
        self.assertFalse(p.report["fds"][2]["socket"])

    def test_c(self):
        """-c 2 with three sockets: LISTEN_FDS=2, NGINX=3;4;"""
        self.assertEqual(Chain(["-c", "2"]).env["LISTEN_FDS"], "2")
        self.assertEqual(ours(Chain(["-c", "2", "-D", "nginx"]).env), {"NGINX": "3;4;"})

    def test_pid_is_prog(self):
        """LISTEN_PID is the pid of the program that reads it (selfpipe-listenfds execs), through a chain of execs"""
        c = Chain(["sh", "-c", 'exec "$@"', "sh"])
        self.assertEqual(c.env["LISTEN_PID"], str(c.pid))
        self.assertEqual(c.pid, c.probe.p.pid)


class Errors(unittest.TestCase):
    """Each: its exit code, its one line, prog not run."""

    def check(self, pre, args, code, line):
        rc, err, ran = fails(list(pre) + [LISTENFDS] + list(args))
        self.assertEqual((rc, err, ran), (code, ["selfpipe-listenfds: " + line], False))

    def test_no_fds(self):
        """no fd 3 at all: fatal, 111"""
        self.check([], [], 111, "fatal: no fds to hand on: fd 3 is not open (selfpipe-bind, or s6-fdholder-retrieve, puts them there)")

    def test_not_a_socket(self):
        """fd 3 a file, or a pipe: fatal, 111"""
        self.check(["sh", "-c", 'exec "$@" 3</dev/null', "sh"], [], 111, "fatal: fd 3 is not a socket")
        self.check(["sh", "-c", 'echo | "$@" 3<&0', "sh"], [], 111, "fatal: fd 3 is not a socket")

    def test_c_not_a_socket(self):
        """-c 2 with a socket on 3 and a file on 4: fatal, 111, fd 4 is not a socket"""
        self.check([BIND, "-t", "127.0.0.1:%d" % free_port(), "sh", "-c", 'exec "$@" 4</dev/null', "sh"], ["-c", "2"],
                   111, "fatal: fd 4 is not a socket")

    def test_c_not_open(self):
        """-c 3 with two sockets: fatal, 111, fd 5 is not open"""
        self.check([BIND, "-t", "127.0.0.1:%d" % free_port(), "-t", "127.0.0.1:%d" % free_port()], ["-c", "3"],
                   111, "fatal: fd 5 is not open (-c counts it)")

    def test_usage(self):
        """bad words: exit 100, one usage line naming them"""
        bind = [BIND, "-t", "127.0.0.1:%d" % free_port(), "-t", "127.0.0.1:%d" % free_port()]
        cases = []
        for args, line in (
                (["-D", "inetd"], "-D inetd: not a dialect (systemd, nginx, php-fpm, haproxy, einhorn, argv)"),
                (["-c", "0"], "-c 0: not a number from 1 to 64"),
                (["-c", "65"], "-c 65: not a number from 1 to 64"),
                (["-c", "x"], "-c x: not a number from 1 to 64"),
                (["-n", "a"], "-n gives 1 names for 2 fds: one name per fd"),
                (["-n", "a,b,c"], "-n gives 3 names for 2 fds: one name per fd"),
                (["-n", "a,"], "-n a,: an empty name"),
                (["-n", "a,b c"], "-n a,b c: a name with a space, an equals sign or a control character"),
                (["-n", "a,b=c"], "-n a,b=c: a name with a space, an equals sign or a control character"),
                (["-n", "a,b:c"], "-n b:c: a colon separates systemd's names"),
                (["-n", "a," + "x" * 256], "-n a,%s: a name longer than 255 bytes" % ("x" * 256)),
                (["-D", "nginx", "-n", "a,b"], "-n: the nginx dialect has no names"),
                (["-D", "einhorn", "-n", "a,b"], "-n: the einhorn dialect has no names"),
                (["-D", "argv", "-n", "a,b"], "-n: the argv dialect has no names"),
                (["-D", "haproxy"], "-D haproxy needs -n: the names of the variables"),
                (["-D", "haproxy", "-n", "A,1B"], "-n 1B: not a variable name (letters, digits, _)"),
                (["-D", "argv"], "-D argv: no {fd} in prog's arguments to put the fds in")):
            cases.append((args, line))
        self.assertEqual(usage_mismatches(bind + [LISTENFDS], "selfpipe-listenfds", cases), [])

    def test_usage_line(self):
        """an unknown option, or no prog: exit 100, the usage line"""
        usage = "selfpipe-listenfds [ -c count ] [ -n name,... ] [ -D dialect ] prog..."
        self.assertEqual(usage_mismatches([LISTENFDS], "selfpipe-listenfds", [(["-x"], usage)]), [])
        r = subprocess.run([LISTENFDS, "-D", "nginx"], capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stderr), (100, "selfpipe-listenfds: usage: %s\n" % usage))

    def test_exec_failure(self):
        """prog not found: 127, one fatal line"""
        r = subprocess.run([BIND, "-t", "127.0.0.1:%d" % free_port(), LISTENFDS, "no-such-prog-anywhere"],
                           capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stderr.splitlines()),
                         (127, ["selfpipe-listenfds: fatal: unable to exec no-such-prog-anywhere: No such file or directory"]))


pytap.main()
