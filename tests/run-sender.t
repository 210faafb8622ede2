#!/usr/bin/env python3
# ISC license. Who sent it: the words of a delivery's sender, in the
# text line and in the JSON fields of the same delivery. A sender that
# has exited when the runner handles the record is "gone", not guessed
# at; tkill and sigqueue (with its value) are named; a signal the kernel
# sends (SIGIO for a descriptor whose owner is the runner) is "from the
# kernel", never "pid 0". (The terminal is run-pty.t's, outside the pid
# namespace run-pid1.t's.)

import ctypes, fcntl, json, os, signal, subprocess, sys, tempfile
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)
me, uid = os.getpid(), os.getuid()
libc = ctypes.CDLL(None, use_errno=True)
libc.sigqueue.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_void_p]


def json_lines(r):
    out = []
    for l in r.errlines():
        try:
            out.append(json.loads(l))
        except ValueError:
            pass
    return out


def scenario(opts):
    """One runner, four deliveries: from a sender that is gone by the
    time the record is handled, by tkill, by sigqueue, from the kernel.
    Returns the runner and the gone sender's pid."""
    r = Run(opts, ["-x", "TERM:0"])
    r.ready()
    # the runner stopped: the record waits in the pipe while the sender
    # sends, exits and is reaped; then the runner reads it
    os.kill(r.pid, signal.SIGSTOP)
    wait_state(r.pid, "T", 5)
    s = subprocess.Popen([sys.executable, "-c", "import os, signal; os.kill(%d, signal.SIGHUP)" % r.pid])
    s.wait()
    os.kill(r.pid, signal.SIGCONT)
    r.wait_sigs(2)                                            # HUP, CONT
    libc.tgkill(r.pid, r.pid, signal.SIGUSR1)
    r.wait_sigs(3)
    libc.sigqueue(r.pid, signal.SIGUSR2, -7)
    r.wait_sigs(4)
    rd, wr = os.pipe()
    fcntl.fcntl(rd, fcntl.F_SETOWN, r.pid)
    fcntl.fcntl(rd, fcntl.F_SETFL, fcntl.fcntl(rd, fcntl.F_GETFL) | os.O_ASYNC)
    os.write(wr, b"x")                                        # the kernel sends SIGIO to the owner
    r.wait_sigs(5)
    os.close(rd)
    os.close(wr)
    r.kill(signal.SIGTERM)
    r.wait()
    return r, s.pid


r, gone = scenario([])
got = [l for l in r.norm(me) if " -> " in l]
want = ["selfpipe-run: info: SIGHUP from pid %d (gone) uid %d by kill -> SIGHUP to pid CHILD" % (gone, uid),
        "selfpipe-run: info: SIGCONT %s -> SIGCONT to pid CHILD" % from_me(),
        "selfpipe-run: info: SIGUSR1 %s -> SIGUSR1 to pid CHILD" % from_me(code="tkill"),
        "selfpipe-run: info: SIGUSR2 %s -> SIGUSR2 to pid CHILD" % from_me(code="sigqueue value -7"),
        "selfpipe-run: info: %s from the kernel -> %s to pid CHILD" % (sig_name(signal.SIGIO), sig_name(signal.SIGIO)),
        "selfpipe-run: info: SIGTERM %s -> SIGTERM to pid CHILD" % from_me()]
tap.ok(got == want, "text: gone, kill, tkill, sigqueue with its value, the kernel: the exact lines", "\n".join(got))
tap.ok(not any("pid 0" in l for l in r.errlines()), "  never 'pid 0'")
tap.ok(r.sigs() == ["SIGHUP", "SIGCONT", "SIGUSR1", "SIGUSR2", sig_name(signal.SIGIO), "SIGTERM"],
       "  and each one reached the child", r.sigs())
r.cleanup()

r, gone = scenario(["-o", "json"])
objs = [o for o in json_lines(r) if "signal" in o]
pick = lambda o: {k: o.get(k) for k in ("signal", "code", "value", "from", "sender_pid", "sender_uid", "sender_comm")}
want = [{"signal": "SIGHUP", "code": "kill", "value": None, "from": "gone", "sender_pid": gone, "sender_uid": uid, "sender_comm": None},
        {"signal": "SIGCONT", "code": "kill", "value": None, "from": "process", "sender_pid": me, "sender_uid": uid, "sender_comm": MY_COMM},
        {"signal": "SIGUSR1", "code": "tkill", "value": None, "from": "process", "sender_pid": me, "sender_uid": uid, "sender_comm": MY_COMM},
        {"signal": "SIGUSR2", "code": "sigqueue", "value": -7, "from": "process", "sender_pid": me, "sender_uid": uid, "sender_comm": MY_COMM},
        {"signal": sig_name(signal.SIGIO), "code": "kernel", "value": None, "from": "kernel", "sender_pid": None, "sender_uid": None, "sender_comm": None},
        {"signal": "SIGTERM", "code": "kill", "value": None, "from": "process", "sender_pid": me, "sender_uid": uid, "sender_comm": MY_COMM}]
tap.ok([pick(o) for o in objs] == want, "json: the same senders as fields: from, code, value, sender_pid/uid/comm",
       "\n".join(str(pick(o)) for o in objs))
r.cleanup()
# a delivery a hook decides: its sender is named when the hook starts,
# so a sender gone before the hook decides is still named
d = tempfile.mkdtemp(prefix="sprun-sender-")
hook = os.path.join(d, "hook")
with open(hook, "w") as f:
    f.write('#!/bin/sh\n: > "%s/started"\nwhile [ ! -e "%s/go" ] ; do sleep 0.01 ; done\nexit 1\n' % (d, d))
os.chmod(hook, 0o755)
r = Run(["-c", "HUP:" + hook, "-w", "0"], ["-x", "TERM:0"])
r.ready()
code = ("import ctypes, os, signal, time\n"
        "ctypes.CDLL(None).prctl(15, b'hup-sender', 0, 0, 0)\n"
        "os.kill(%d, signal.SIGHUP)\n"
        "while not os.path.exists(%r): time.sleep(0.01)\n" % (r.pid, os.path.join(d, "started")))
s = subprocess.Popen([sys.executable, "-c", code])
s.wait(timeout=scaled(20))
open(os.path.join(d, "go"), "w").close()
line = wait_until(lambda: [l for l in r.errlines() if "held: hook" in l], 10)
tap.ok(line == ["selfpipe-run: info: SIGHUP from pid %d (hup-sender) uid %d by kill -> held: hook %s exited 1" % (s.pid, uid, hook)],
       "a hook's delivery: the sender is named as it was when the hook started, though gone when it decided", line)
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()
subprocess.call(["rm", "-rf", d])
tap.done()
