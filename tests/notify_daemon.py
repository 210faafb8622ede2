# ISC license. A service that speaks the sd_notify protocol, for the
# tests of selfpipe-run -N, -d, -H and reload confirmation. Written for
# these tests, from the protocol's description: one datagram per
# message to $NOTIFY_SOCKET (a leading @ is the abstract namespace).
#
#   notify_daemon.py REC CTL [onhup MODE]
#
# It appends what happens to REC, one line each ("start PID", "sig
# NAME PID", "worker PID", "done WHAT"), and takes commands from the
# fifo CTL, one a line:
#   send TEXT        one datagram, TEXT with \n for newlines
#   worker           fork a process that stays (records its signals)
#   wsend TEXT       the worker sends TEXT
#   big N            one datagram of N bytes
#   flood N          N datagrams "STATUS=flood i", as fast as they go
#   fdready FD       a newline on FD (the s6 protocol, -d)
#   exit N
# onhup MODE: what a SIGHUP does: "ok MS" sends RELOADING=1, READY=1
# MS ms later; "errno" sends RELOADING=1 then ERRNO=5; "die" sends
# RELOADING=1 and exits 3; "silent" sends RELOADING=1 only.

import os
import signal
import socket
import sys
import time

rec, ctl = sys.argv[1], sys.argv[2]
onhup = sys.argv[4:] if len(sys.argv) > 3 and sys.argv[3] == "onhup" else []


def record(*words):
    with open(rec, "a") as f:
        f.write(" ".join(str(w) for w in words) + "\n")


def address():
    a = os.environ.get("NOTIFY_SOCKET", "")
    return "\0" + a[1:] if a.startswith("@") else a


SOCK = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)


def send(text):
    data = text.encode() if isinstance(text, str) else text
    SOCK.sendto(data, address())


def big(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    for opt in (getattr(socket, "SO_SNDBUFFORCE", 32), socket.SO_SNDBUF):
        try:
            s.setsockopt(socket.SOL_SOCKET, opt, n + 65536)
            break
        except OSError:
            continue
    try:
        s.sendto(b"STATUS=" + b"x" * (n - 7), address())
        record("done big", n)
    except OSError as e:
        record("done big failed", e.errno)


def on_signal(sig, frame):
    record("sig", signal.Signals(sig).name, os.getpid())
    if sig == signal.SIGTERM:
        os._exit(0)
    if sig == signal.SIGHUP and onhup:
        send("RELOADING=1")
        mode = onhup[0]
        if mode == "ok":
            time.sleep(int(onhup[1]) / 1000)
            send("READY=1")
        elif mode == "errno":
            send("ERRNO=5")
        elif mode == "die":
            os._exit(3)


def worker():
    pid = os.fork()
    if pid:
        record("worker", pid)
        return pid
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for s in (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(s, lambda sig, f: record("wsig", signal.Signals(sig).name, os.getpid()))
    r = os.open(ctl + ".w", os.O_RDWR)
    while True:
        try:
            data = os.read(r, 65536)
        except InterruptedError:
            continue
        for line in data.decode().splitlines():
            send(line.encode().decode("unicode_escape"))
            record("done wsend")


def command(words):
    cmd, arg = words[0], " ".join(words[1:])
    if cmd == "send":
        send(arg.encode().decode("unicode_escape"))
    elif cmd == "worker":
        worker()
        return
    elif cmd == "wsend":
        with open(ctl + ".w", "w") as f:
            f.write(arg + "\n")
        return
    elif cmd == "big":
        big(int(arg))
        return
    elif cmd == "flood":
        for i in range(int(arg)):
            send("STATUS=flood %d" % i)
    elif cmd == "fdready":
        os.write(int(arg), b"\n")
        os.close(int(arg))
    elif cmd == "exit":
        os._exit(int(arg))
    # CLOCK_MONOTONIC is the machine's: a test can compare it with its own
    record("done", cmd, "%.6f" % time.monotonic())


for s in (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM, signal.SIGWINCH):
    signal.signal(s, on_signal)
os.mkfifo(ctl + ".w")
fd = os.open(ctl, os.O_RDWR)
record("start", os.getpid())
buf = b""
while True:
    try:
        data = os.read(fd, 65536)
    except InterruptedError:
        continue
    buf += data
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        if line.strip():
            command(line.decode().split())
