#!/usr/bin/env python3
# ISC license. selfpipe-run -r: the child's death signal is re-raised, so
# the runner's parent sees WIFSIGNALED with the same signal, no core.

import os, signal, sys
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)
tmp = tempfile.mkdtemp(prefix="sprun-r-")

def run(ropts, cargs, cwd=tmp):
    # cores on, so a core-dumping re-raise would show (WCOREDUMP)
    import resource
    def pre():
        try:
            resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        except (ValueError, OSError):
            pass
    pid = os.fork()
    if pid == 0:
        try:
            pre()
            os.chdir(cwd)
            fd = os.open(os.devnull, os.O_RDWR)
            os.dup2(fd, 0)
            os.dup2(fd, 2)
            cmd = runner_cmd(list(ropts) + ["--", CHILD, "-o", "/dev/null"] + list(cargs))
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status = os.waitpid(pid, 0)
    return status

for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, RTMIN + 2, signal.SIGKILL, signal.SIGQUIT, signal.SIGABRT, signal.SIGSEGV):
    st = run(["-r"], ["-k", str(int(s))])
    tap.ok(os.WIFSIGNALED(st) and os.WTERMSIG(st) == s,
           "-r, child killed by %s: the runner dies by %s too" % (sig_name(s), sig_name(s)),
           "status %#x" % st)
    if s in (signal.SIGQUIT, signal.SIGABRT, signal.SIGSEGV):
        tap.ok(os.WIFSIGNALED(st) and not os.WCOREDUMP(st), "  and dumps no core (RLIMIT_CORE 0)", "status %#x" % st)

st = run(["-r"], ["-e", "42"])
tap.ok(os.WIFEXITED(st) and os.WEXITSTATUS(st) == 42, "-r, child exits 42: the runner exits 42", "status %#x" % st)
st = run([], ["-k", "TERM"])
tap.ok(os.WIFEXITED(st) and os.WEXITSTATUS(st) == 143, "no -r, child killed by TERM: the runner exits 143", "status %#x" % st)

# -r when the runner itself had TERM ignored and blocked at startup: still dies by it
def blocked_run():
    pid = os.fork()
    if pid == 0:
        try:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM])
            fd = os.open(os.devnull, os.O_RDWR)
            os.dup2(fd, 0)
            os.dup2(fd, 2)
            cmd = runner_cmd(["-r", "--", CHILD, "-o", "/dev/null", "-k", "TERM"])
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status = os.waitpid(pid, 0)
    return status
st = blocked_run()
tap.ok(os.WIFSIGNALED(st) and os.WTERMSIG(st) == signal.SIGTERM,
       "-r with TERM ignored and blocked at startup: the runner still dies by TERM", "status %#x" % st)

subprocess.call(["rm", "-rf", tmp])
tap.done()
