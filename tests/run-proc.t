#!/usr/bin/env python3
# ISC license. What selfpipe-run reads of /proc for a log line, from
# files it keeps open between deliveries: the target's ignored signals
# (from /proc/PID/stat for signals 1 to 31, /proc/PID/status for the
# others), the sender's name read afresh each time, and a sender gone
# between two deliveries seen as gone, its pid never taken for another.

import os, signal, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)
me = os.getpid()
RT3 = RTMIN + 3

# 1. "(ignored by it)" for exactly the signals the child ignores: a
#    standard one (stat) and a real-time one (status), in turn, twice
r = Run([], ["-i", "USR1", "-i", "RTMIN+3"])
r.ready()
seq = [signal.SIGUSR1, signal.SIGUSR2, RT3, RTMIN + 4, signal.SIGUSR1, RT3, signal.SIGUSR2]
want = []
for s in seq:
    n = len(r.errlines())
    r.kill(s)
    wait_until(lambda: len(r.errlines()) > n, scaled(5))
    tail = " (ignored by it)" if s in (signal.SIGUSR1, RT3) else ""
    want.append("selfpipe-run: info: %s %s -> %s to pid CHILD%s" % (sig_name(s), from_me(), sig_name(s), tail))
r.kill(signal.SIGTERM)
r.wait()
want.append("selfpipe-run: info: SIGTERM %s -> SIGTERM to pid CHILD" % from_me())
got = [l for l in r.norm(me) if " from pid " in l]
tap.ok(got == want, "the ignored ones, and only those, are said to be, standard and real-time", "\n".join(got))
r.cleanup()

# 2. the sender renames itself between two deliveries: the second line
#    has the new name
r = Run([], [])
r.ready()
code = ("import os, signal, sys\n"
        "pid = int(sys.argv[1])\n"
        "os.kill(pid, signal.SIGUSR1)\n"
        "sys.stdin.readline()\n"
        "open('/proc/self/comm', 'w').write('renamed')\n"
        "os.kill(pid, signal.SIGUSR2)\n"
        "sys.stdin.readline()\n")
s = subprocess.Popen([sys.executable, "-c", code, str(r.pid)], stdin=subprocess.PIPE, text=True)
wait_until(lambda: len(r.errlines()) >= 1, scaled(5))
s.stdin.write("\n") ; s.stdin.flush()
wait_until(lambda: len(r.errlines()) >= 2, scaled(5))
s.stdin.write("\n") ; s.stdin.close()
s.wait()
lines = r.errlines()
tap.ok(len(lines) >= 2 and " (python3) " in lines[0] and " (renamed) " in lines[1],
       "a sender's name is read afresh for each delivery", lines[:2])
# then another sender: named for what it is, or gone if it has exited
# by the time the runner reads, never with the last sender's name
s2 = subprocess.Popen([sys.executable, "-c", "import os, signal, sys; os.kill(int(sys.argv[1]), signal.SIGHUP)", str(r.pid)])
s2.wait()
wait_until(lambda: len(r.errlines()) >= 3, scaled(5))
lines = r.errlines()
tap.ok(len(lines) >= 3 and lines[2].startswith("selfpipe-run: info: SIGHUP from pid %d " % s2.pid)
       and (" (python3) " in lines[2] or " (gone) " in lines[2]) and " (renamed) " not in lines[2],
       "another sender is never given the last one's name", lines[2:3])
r.kill(signal.SIGTERM)
r.wait()
r.cleanup()
tap.done()
