# ISC license. A service for the tests of selfpipe-gen (tests/gen-*.t):
# one generation of it, told what to do by DIR/mode.N (N: its
# SELFPIPE_GENERATION), else DIR/mode, else "ready". Written for these
# tests from the sd_notify protocol's description.
#
#   gen_daemon.py DIR
#
# It appends to DIR/rec, one line each: "start N PID SOCKET FD3",
# "sig N NAME", "exit N CODE", "sent N WHAT". The mode's words, in order:
#   ready            READY=1 from the main process
#   sleep S          wait S seconds first
#   exit K           exit K now
#   worker-ready     a forked worker says READY=1 (the main never does)
#   ignore-term      SIGTERM is recorded, not obeyed
#   slow-term S      on SIGTERM: STOPPING=1 and READY=1, exit 0 S s later
#   to-gen K         READY=1 sent to generation K's socket (from DIR/rec)
# Anything else it is sent is recorded; SIGTERM and SIGQUIT end it (0).

import os
import signal
import socket
import sys
import time

d = sys.argv[1]
N = os.environ.get("SELFPIPE_GENERATION", "?")
REC = os.path.join(d, "rec")


def record(*words):
    with open(REC, "a") as f:
        f.write(" ".join(str(w) for w in words) + "\n")


def addr(a):
    return "\0" + a[1:] if a.startswith("@") else a


def send(text, where=None):
    a = where if where is not None else os.environ.get("NOTIFY_SOCKET", "")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.sendto(text.encode(), addr(a))
    s.close()
    record("sent", N, text.replace("\n", ","))


def mode():
    for name in ("mode." + N, "mode"):
        try:
            with open(os.path.join(d, name)) as f:
                return f.read().split()
        except FileNotFoundError:
            pass
    return ["ready"]


try:
    fd3 = os.fstat(3).st_ino
except OSError:
    fd3 = "-"
words = mode()
state = {"term": "exit", "slow": 0.0}


def on_sig(sig, frame):
    name = signal.Signals(sig).name
    record("sig", N, name)
    if sig in (signal.SIGTERM, signal.SIGQUIT):
        if state["term"] == "ignore" and sig == signal.SIGTERM:
            return
        if state["term"] == "slow" and sig == signal.SIGTERM:
            send("STOPPING=1\nREADY=1")
            time.sleep(state["slow"])
        record("exit", N, 0)
        os._exit(0)


for s in (signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM, signal.SIGINT):
    signal.signal(s, on_sig)
record("start", N, os.getpid(), os.environ.get("NOTIFY_SOCKET", "-"), fd3)

i = 0
while i < len(words):
    w = words[i]
    if w == "ready":
        send("READY=1")
    elif w == "sleep":
        i += 1
        time.sleep(float(words[i]))
    elif w == "exit":
        i += 1
        record("exit", N, words[i])
        sys.exit(int(words[i]))
    elif w == "worker-ready":
        parent = os.getpid()
        if os.fork() == 0:
            send("READY=1")
            # it ends with its generation: a stopped one leaves nothing
            while os.getppid() == parent:
                time.sleep(0.05)
            os._exit(0)
    elif w == "ignore-term":
        state["term"] = "ignore"
    elif w == "slow-term":
        i += 1
        state["term"] = "slow"
        state["slow"] = float(words[i])
    elif w == "to-gen":
        i += 1
        with open(REC) as f:
            socks = [l.split()[3] for l in f if l.split()[:2] == ["start", words[i]]]
        send("READY=1", socks[0])
    i += 1
while True:
    time.sleep(1)
