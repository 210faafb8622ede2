#!/usr/bin/env python3
# ISC license. The program at the end of a selfpipe-bind or
# selfpipe-listenfds chain in tests/sock-*.t: writes what it was handed
# (its pid, argv, the variables the dialects set, fds 3 and up) as JSON
# to the file $SOCK_PROBE_OUT, then, with "serve" as its first argument,
# answers every connection on every listening fd with "fd N pid P\n";
# with "hold", it stays and accepts nothing.

import fcntl
import json
import os
import socket
import sys
import threading

VARS = ("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "NGINX", "FPM_SOCKETS", "EINHORN_FD_COUNT")


def describe(fd):
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    d = {"fd": fd, "cloexec": bool(fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC),
         "blocking": os.get_blocking(fd), "socket": False}
    import stat
    if not stat.S_ISSOCK(st.st_mode):
        return d
    s = socket.socket(fileno=os.dup(fd))
    try:
        d.update(socket=True, family=s.family.name, type=s.type.name, address=s.getsockname(),
                 listening=bool(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)),
                 reuseaddr=bool(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)))
        if s.family == socket.AF_INET6:
            d["v6only"] = bool(s.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))
    finally:
        s.close()
    return d


def report():
    fds = []
    for fd in range(3, 40):
        d = describe(fd)
        if d is not None:
            fds.append(d)
    env = {k: v for k, v in os.environ.items() if k in VARS or k.startswith(("EINHORN_FD_", "SOCKVAR_", "KEEP_"))}
    out = os.environ["SOCK_PROBE_OUT"]
    with open(out + ".tmp", "w") as f:
        json.dump({"pid": os.getpid(), "argv": sys.argv, "env": env, "fds": fds}, f)
    os.rename(out + ".tmp", out)
    return fds


def serve(fd):
    s = socket.socket(fileno=fd)
    s.setblocking(True)
    while True:
        c, _ = s.accept()
        c.sendall(b"fd %d pid %d\n" % (fd, os.getpid()))
        c.close()


fds = report()
if sys.argv[1:2] in (["serve"], ["hold"]):
    for d in fds:
        if d.get("listening") and sys.argv[1] == "serve":
            threading.Thread(target=serve, args=(d["fd"],), daemon=True).start()
    threading.Event().wait()
