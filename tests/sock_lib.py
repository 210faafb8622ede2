# ISC license. Shared pieces of tests/sock-*.t (selfpipe-bind,
# selfpipe-listenfds): the programs, the probe at the end of their
# chains (tests/sock_probe.py), free ports, and one run that must fail.

import json
import os
import shlex
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytap  # noqa: E402
from pytap import scaled, wait_until  # noqa: E402,F401

HERE = os.path.dirname(os.path.abspath(__file__))


def program(name):
    """The built program, or under $SP_WRAP (valgrind) a script that
    execs it under the wrapper: it can then sit anywhere in a chain, and
    keeps its pid."""
    path = os.path.join(pytap.BUILD, name)
    wrap = os.environ.get("SP_WRAP", "")
    if not wrap:
        return path
    d = tempfile.mkdtemp(prefix="sock-wrap-")
    script = os.path.join(d, name)
    with open(script, "w") as f:
        f.write('#!/bin/sh\nexec %s %s "$@"\n' % (wrap, shlex.quote(path)))
    os.chmod(script, 0o755)
    return script


BIND = program("selfpipe-bind")
LISTENFDS = program("selfpipe-listenfds")
PROBE = [sys.executable, os.path.join(HERE, "sock_probe.py")]


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    """A port nobody listens on now (the kernel's pick, released)."""
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def have_ipv6():
    """None when [::1] can be bound, else why not."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return None
    except OSError as e:
        return "no IPv6 loopback here (%s)" % e


class Probe:
    """One chain ending in the probe: its report, its pid, its end.
    serve: "serve" (answer every connection) or "hold" (stay, accept
    nothing) keeps it running until stop(); else it is stopped once it
    has reported."""

    def __init__(self, cmd, serve=None, env=None, probe_args=(), **kw):
        self.dir = tempfile.mkdtemp(prefix="sock-")
        self.out = os.path.join(self.dir, "report")
        e = dict(os.environ if env is None else env)
        e["SOCK_PROBE_OUT"] = self.out
        self.p = subprocess.Popen(list(cmd) + PROBE + ([serve] if serve else []) + list(probe_args),
                                  env=e, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
        self.report = wait_until(self._read, 10, 0.02)
        if not self.report or "_ended" in self.report:
            self.stop()
            raise AssertionError("the probe wrote no report; stderr: %r" % self.err)
        if not serve:
            self.stop()

    def _read(self):
        try:
            with open(self.out) as f:
                return json.load(f)
        except (OSError, ValueError):
            if self.p.poll() is not None:
                return {"_ended": True}     # ended without a report: stop waiting
            return None

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
        self.err = self.p.communicate(timeout=scaled(10))[1].decode()
        return self.p.returncode

    def fds(self):
        return [d["fd"] for d in self.report["fds"]]


def ask(family, addr):
    """Connects, returns the probe's answer line."""
    with socket.socket(family, socket.SOCK_STREAM) as c:
        c.settimeout(scaled(10))
        c.connect(addr)
        return c.makefile().readline().strip()


def fails(cmd, env=None, **kw):
    """Runs a chain that must fail before prog: (exit code, stderr lines,
    whether prog ran). prog is `touch MARK`."""
    d = tempfile.mkdtemp(prefix="sock-")
    mark = os.path.join(d, "ran")
    r = subprocess.run(list(cmd) + ["touch", mark], env=env, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=scaled(20), **kw)
    return r.returncode, r.stderr.splitlines(), os.path.exists(mark)


def usage_mismatches(cmd, name, cases):
    """Runs cmd + args for each (args, line) of cases, each a usage error:
    what differs from exit 100, the one line "NAME: usage: LINE" and
    prog not run ([] when all agree)."""
    out = []
    for args, line in cases:
        got = fails(list(cmd) + list(args))
        want = (100, ["%s: usage: %s" % (name, line)], False)
        if got != want:
            out.append((args, got))
    return out
