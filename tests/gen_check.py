#!/usr/bin/env python3
# ISC license. selfpipe-gen's -C check for tests/gen_http.py: exits 0
# when the new generation (SELFPIPE_NEWMASTER) says "ok" on its health
# socket DIR/health.PID, 1 otherwise. DIR: where this script is.
import os
import socket
import sys

d = os.path.dirname(os.path.abspath(__file__))
path = os.path.join(d, "health.%s" % os.environ.get("SELFPIPE_NEWMASTER", "none"))
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(2)
try:
    s.connect(path)
    answer = s.recv(64).decode(errors="replace")
except OSError:
    sys.exit(1)
sys.exit(0 if answer == "ok\n" else 1)
