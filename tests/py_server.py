# ISC license. The README's server loop, on self_pipe: tests/py-server.t
# runs it and drives it with signals.
#
#   SIGTERM: orderly exit: finish the job at hand, remove the state file, exit 0
#   SIGQUIT: immediate exit: leave everything as it is, exit 3
#   SIGALRM: print a status line, go on
#
# usage: python3 py_server.py STATEFILE JOBSECONDS

import os
import signal
import sys
import time

from self_pipe import SelfPipe


def say(*a):
    print(*a, flush=True)


def main(statefile, jobtime):
    jobs = 0
    with open(statefile, "w") as f:
        f.write("%d\n" % os.getpid())
    with SelfPipe([signal.SIGTERM, signal.SIGQUIT, signal.SIGALRM]) as sp:
        say("ready")
        while True:
            sig = sp.poll(0.05)
            if sig is None:     # no signal: one job, during which signals queue up
                jobs += 1
                say("job", jobs, "start")
                time.sleep(jobtime)
                say("job", jobs, "done")
            elif sig == signal.SIGALRM:
                say("status", jobs)
            elif sig == signal.SIGQUIT:
                say("quit")
                os._exit(3)
            elif sig == signal.SIGTERM:
                say("stopping")
                break
    os.unlink(statefile)
    say("bye")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2])))
