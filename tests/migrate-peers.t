#!/usr/bin/env python3
# ISC license. doc/migration.html, row by row: the same scenario under
# Debian's tini and dumb-init, and under selfpipe-run with the flags the
# page gives, compared on what the child received (sprun-child records
# every signal, with its sender) and the exit code. Where the page says
# the two differ, the test asserts that they differ exactly so.

import os, re, signal, sys
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *
from joblib import Job

tap = Tap()
check_setup(tap)
os.environ.pop("TINI_SUBREAPER", None)
os.environ.pop("TINI_KILL_PROCESS_GROUP", None)
os.environ.pop("TINI_VERBOSITY", None)
os.environ.pop("DUMB_INIT_SETSID", None)
os.environ.pop("DUMB_INIT_DEBUG", None)

TINI = "/usr/bin/tini"
DUMB = "/usr/bin/dumb-init"
HAVE = {"tini": os.access(TINI, os.X_OK), "dumb-init": os.access(DUMB, os.X_OK)}
ENDS = ["-x", "TERM:0"]        # the child exits 0 on TERM
LIVES = ["-x", "USR2:0"]       # records TERM and lives; USR2 ends it
SI_KERNEL = 128


def tini(*opts):
    return [TINI] + list(opts) + ["--"]


def dumb(*opts):
    return [DUMB] + list(opts)


def ours(*opts):
    return runner_cmd(list(opts) + ["--"])


def env(**kw):
    e = dict(os.environ)
    e.update(kw)
    return e


def run(cmd, cargs=ENDS, sigs=(), end=signal.SIGTERM, wait=True, **kw):
    """cmd + the child; sends sigs one at a time (each waited for: a
    signal that never comes costs 0.5 s), then end; with wait, waits
    for the runner's exit code (j.result)."""
    j = Job(cmd, cargs, **kw)
    j.ready()
    if "-g" in cargs:
        j.ready("gchild")   # its handlers record as "gchild" from then on
    for i, s in enumerate(sigs):
        j.kill(s)
        wait_until(lambda: len(j.sigs()) > i or not alive(j.pid), 0.5)
    if end:
        j.kill(end)
    j.result = j.wait() if wait else None
    return j


def row(peer, what):
    """Whether this row can run: its peer is installed (a skip says so)."""
    if not HAVE[peer]:
        tap.skip(what, "%s is not installed (apt-get install %s)" % (peer, peer))
        return False
    return True


def same(what, a, b, ka, kb):
    tap.ok(ka(a) == kb(b), what, "peer: %r %s\nours: %r %s" % (ka(a), a.errlines()[-5:], kb(b), b.errlines()[-5:]))


def sigs_rc(j):
    return (j.sigs(), j.result)


def senders(j, tag="child"):
    return [(r[2], int(r[5]), int(r[7])) for r in j.records(tag)]


def done(*jobs):
    for j in jobs:
        j.cleanup()


# a file that is there but cannot be executed
NOEXEC = os.path.join(tempfile.mkdtemp(prefix="sprun-peers-"), "not-executable")
with open(NOEXEC, "w") as f:
    f.write("#!/bin/sh\nexit 0\n")
os.chmod(NOEXEC, 0o644)

FWD = [signal.SIGUSR1, signal.SIGHUP, signal.SIGINT, signal.SIGWINCH, signal.SIGRTMIN + 1]

# --- tini -----------------------------------------------------------------

if row("tini", "tini -- prog / selfpipe-run -- prog"):
    a, b = run(tini(), sigs=FWD), run(ours(), sigs=FWD)
    same("tini -- prog = selfpipe-run -- prog: the child gets USR1 HUP INT WINCH RTMIN+1 TERM, each once, from the runner; exit 0",
         a, b, lambda j: (sigs_rc(j), [s[2] == j.pid for s in senders(j)]), lambda j: (sigs_rc(j), [s[2] == j.pid for s in senders(j)]))
    tap.ok(sigs_rc(a)[0] == ["SIGUSR1", "SIGHUP", "SIGINT", "SIGWINCH", "SIGRTMIN+1", "SIGTERM"], "  (and that is all six)", sigs_rc(a))
    done(a, b)
    a, b = run(tini(), ["-k", "TERM"], end=None), run(ours(), ["-k", "TERM"], end=None)
    same("tini / selfpipe-run, a child killed by SIGTERM: both exit 143", a, b, lambda j: j.result, lambda j: j.result)
    done(a, b)

if row("tini", "process group default"):
    a, b, c = run(tini()), run(ours()), run(ours("-g"))
    ra, rb, rc_ = a.records("child", "ready")[0], b.records("child", "ready")[0], c.records("child", "ready")[0]
    tap.ok(int(ra[7]) == a.child and int(rb[7]) == b.pid,
           "differs: tini puts the child in a group of its own; selfpipe-run leaves it in the runner's", (ra, rb))
    tap.ok(int(rc_[7]) == c.child, "  selfpipe-run -g gives it its own, as tini does", rc_)
    done(a, b, c)

if row("tini", "tini -s / selfpipe-run -s"):
    for a in (run(tini("-s"), ["-O", "100"] + ENDS, end=None, wait=False), run(tini(), ["-O", "100"] + ENDS, end=None, wait=False, env=env(TINI_SUBREAPER="1"))):
        b = run(ours("-s"), ["-O", "100"] + ENDS, end=None, wait=False)
        orphan = lambda j: wait_until(lambda: j.records("orphan", "orphan"), 5)
        oa, ob = orphan(a), orphan(b)
        tap.ok(oa and ob and int(oa[0][5]) == a.pid and int(ob[0][5]) == b.pid,
               "tini -s (or TINI_SUBREAPER) = selfpipe-run -s: the child's orphan is reparented to the runner", (oa, ob))
        for j in (a, b):
            j.kill(signal.SIGTERM)
            j.wait()
        done(a, b)

if row("tini", "tini -w -s / selfpipe-run -s -v 2"):
    a, b = run(tini("-w", "-s"), ["-O", "100"] + ENDS, end=None, wait=False), run(ours("-s", "-v", "2"), ["-O", "100"] + ENDS, end=None, wait=False)
    oa = wait_until(lambda: a.records("orphan", "orphan"), 5)
    ob = wait_until(lambda: b.records("orphan", "orphan"), 5)
    named = lambda j, o: o and wait_until(lambda: any(re.search(r"\b%s\b" % o[0][3], l) and re.search("orphan|zombie", l, re.I)
                                                          for l in j.errlines()), 5)
    tap.ok(named(a, oa) and named(b, ob),
           "tini -w = selfpipe-run -v 2 (with -s): a line names each reaped orphan", (a.errlines(), b.errlines()))
    for j in (a, b):
        j.kill(signal.SIGTERM)
        j.wait()
    done(a, b)

if row("tini", "tini -g / selfpipe-run -g"):
    for a in (run(tini("-g"), ["-g"] + ENDS, sigs=[signal.SIGUSR1]),
              run(tini(), ["-g"] + ENDS, sigs=[signal.SIGUSR1], env=env(TINI_KILL_PROCESS_GROUP="1"))):
        b = run(ours("-g"), ["-g"] + ENDS, sigs=[signal.SIGUSR1])
        both = lambda j: (j.sigs()[:1], wait_until(lambda: j.sigs("gchild")[:1], 3))
        same("tini -g (or TINI_KILL_PROCESS_GROUP) = selfpipe-run -g: the grandchild gets SIGUSR1 too", a, b, both, both)
        done(a, b)
    a, b = run(tini(), ["-g"] + ENDS, sigs=[signal.SIGUSR1]), run(ours(), ["-g"] + ENDS, sigs=[signal.SIGUSR1])
    settle(0.3)
    same("tini = selfpipe-run, no -g: the grandchild gets nothing", a, b, lambda j: j.sigs("gchild"), lambda j: j.sigs("gchild"))
    done(a, b)

if row("tini", "tini -e / selfpipe-run -e"):
    a, b = run(tini("-e", "143"), ["-k", "TERM"], end=None), run(ours("-e", "143"), ["-k", "TERM"], end=None)
    same("tini -e 143 = selfpipe-run -e 143: a child killed by TERM gives 0", a, b, lambda j: j.result, lambda j: j.result)
    done(a, b)
    for code in (3, 4, 5):
        a, b = run(tini("-e", "3", "-e", "4"), ["-e", str(code)], end=None), run(ours("-e", "3", "-e", "4"), ["-e", str(code)], end=None)
        same("-e 3 -e 4 maps both codes, under both: a child exiting %d" % code, a, b, lambda j: j.result, lambda j: j.result)
        done(a, b)

if row("tini", "tini -p SIGTERM / selfpipe-run -a TERM"):
    a, b = run(tini("-p", "SIGTERM"), how="parent", end=None, wait=False), run(ours("-a", "TERM"), how="parent", end=None, wait=False)
    for j in (a, b):
        j.die()
        j.result = j.wait()
    from_runner = lambda j: (sigs_rc(j), [s[2] == j.pid for s in senders(j)])
    same("tini -p SIGTERM = selfpipe-run -a TERM: the parent dies, the child gets SIGTERM from the runner, exit 0",
         a, b, from_runner, from_runner)
    tap.ok(sigs_rc(b) == (["SIGTERM"], 0), "  (SIGTERM, and 0)", sigs_rc(b))
    done(a, b)
    c = run(ours("-p", "TERM"), how="parent", end=None, wait=False)
    c.die()
    settle(0.5)
    tap.ok(c.sigs() == [] and alive(c.pid),
           "differs: selfpipe-run -p TERM is the child's signal when the runner dies: the parent's death reaches nobody", c.sigs())
    done(c)
    a, b = run(tini("-p", "SIGKILL"), how="parent", end=None, wait=False), run(ours("-a", "KILL"), how="parent", end=None, wait=False)
    for j in (a, b):
        j.die()
        j.result = j.wait()
    settle(0.3)
    lives = lambda j: (j.result, alive(j.child), j.sigs())
    same("tini -p SIGKILL = selfpipe-run -a KILL: the runner dies by SIGKILL with its parent, the child lives on", a, b, lives, lives)
    done(a, b)

if row("tini", "tini -v / selfpipe-run -v"):
    a = run(tini(), sigs=[signal.SIGUSR1], env=env(TINI_VERBOSITY="0"))
    b = run(ours("-v", "0"), sigs=[signal.SIGUSR1])
    tap.ok(a.errlines() == [] and b.errlines() == [] and a.sigs() == b.sigs() == ["SIGUSR1", "SIGTERM"],
           "TINI_VERBOSITY=0 tini = selfpipe-run -v 0: the signals go, nothing is printed", (a.errlines(), b.errlines()))
    done(a, b)
    # tini writes its info and debug lines on stdout: look there
    out = os.path.join(os.environ.get("TMPDIR", "/tmp"), "sprun-tini-%d.out" % os.getpid())
    with open(out, "wb") as f:
        p = subprocess.Popen(tini("-vvv") + [CHILD, "-o", "/dev/null"] + ENDS, stdout=f, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        wait_until(lambda: children(p.pid), 5)
        settle(0.2)
        os.kill(p.pid, signal.SIGUSR1)
        settle(0.2)
        os.kill(p.pid, signal.SIGTERM)
        p.wait(scaled(10))
    tini_out = file_lines(out)
    os.unlink(out)
    b = run(ours(), sigs=[signal.SIGUSR1])
    tap.ok(any(re.search(r"User defined signal 1|SIGUSR1", l) for l in tini_out)
           and any(re.match(r"selfpipe-run: info: SIGUSR1 from .* -> SIGUSR1 to pid \d+$", l) for l in b.errlines()),
           "tini -vvv, selfpipe-run's default -v 1: a line for the forwarded signal", (tini_out[-4:], b.errlines()))
    done(b)

if row("tini", "exec failure"):
    for prog, want in (("/nonexistent/prog", 127), (NOEXEC, 126)):
        rcs = []
        for cmd in (tini(), ours()):
            p = subprocess.run(cmd + [prog], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            rcs.append(p.returncode)
        tap.ok(rcs == [want, want], "exec failure of %s: tini and selfpipe-run both exit %d" % (prog, want), rcs)

if row("tini", "exec failure, other errors"):
    loop = os.path.join(os.path.dirname(NOEXEC), "loop")
    os.symlink(loop, loop)
    rcs = [subprocess.run(cmd + [loop], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
           for cmd in (tini(), ours())]
    tap.ok(rcs == [1, 126], "differs: exec failure of another kind (a symlink loop, ELOOP): tini exits 1, selfpipe-run 126", rcs)

if row("tini", "tini -h, --version"):
    quiet = dict(stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rcs = [subprocess.run(c, **quiet).returncode for c in ([TINI, "-h"], [TINI, "--version"], runner_cmd(["-h"]),
                                                           runner_cmd(["-V"]), runner_cmd(["--version"]))]
    tap.ok(rcs == [0] * 5, "tini -h, --version = selfpipe-run -h, -V, --version: print and exit 0", rcs)

if row("tini", "signals tini does not forward"):
    ulimit = __import__("resource")
    ulimit.setrlimit(ulimit.RLIMIT_CORE, (0, 0))
    for sig in (signal.SIGABRT, signal.SIGSEGV):
        a, b = run(tini(), sigs=[sig], end=None), run(ours(), sigs=[sig])
        settle(0.2)
        tap.ok(a.wait(2) == -sig and a.sigs() == [] and sigs_rc(b) == ([signal.Signals(sig).name, "SIGTERM"], 0),
               "differs: kill -%s kills tini itself (%s) and its child gets nothing; selfpipe-run forwards it (%s)"
               % (signal.Signals(sig).name[3:], a.result, b.sigs()))
        done(a, b)
    a, b = run(tini(), sigs=[signal.SIGTTIN]), run(ours(), sigs=[signal.SIGTTIN, signal.SIGCONT])
    tap.ok(a.sigs() == ["SIGTERM"] and b.sigs()[:1] == ["SIGTTIN"],
           "differs: tini ignores a sent SIGTTIN (the child gets none); selfpipe-run forwards it", (a.sigs(), b.sigs()))
    done(a, b)

if row("tini", "^C on a terminal"):
    a, b = Job(tini(), ["-S", "300"] + ENDS, how="pty"), Job(ours(), ["-S", "300"] + ENDS, how="pty")
    for j in (a, b):
        j.ready()
        wait_until(lambda: os.tcgetpgrp(j.master) in (os.getpgid(j.child), os.getpgid(j.pid)), 5)
        os.write(j.master, b"\x03")
        j.wait_sigs(1)
    settle(0.5)   # a second delivery would have come by now
    once = lambda j: [(s[0], s[1]) for s in senders(j)]
    same("tini = selfpipe-run on a terminal: ^C gives the child one SIGINT, from the terminal", a, b, once, once)
    tap.ok(once(b) == [("SIGINT", SI_KERNEL)], "  (one, si_code SI_KERNEL)", once(b))
    done(a, b)

# --- dumb-init ------------------------------------------------------------

if row("dumb-init", "dumb-init prog / selfpipe-run -g prog"):
    a, b = run(dumb(), ["-g"] + ENDS, sigs=FWD[:2]), run(ours("-g"), ["-g"] + ENDS, sigs=FWD[:2])
    both = lambda j: (sigs_rc(j), wait_until(lambda: j.sigs("gchild")[:2], 3))
    same("dumb-init prog = selfpipe-run -g prog: USR1, HUP reach the child and its grandchild; TERM ends it, exit 0", a, b, both, both)
    ra, rb = a.records("child", "ready")[0], b.records("child", "ready")[0]
    tap.ok(int(ra[9]) == a.child and int(rb[9]) == b.pid and int(rb[7]) == b.child,
           "differs: dumb-init puts the child in a new session (setsid); selfpipe-run -g in a new group of the same session", (ra, rb))
    done(a, b)

if row("dumb-init", "dumb-init -c / selfpipe-run"):
    for a in (run(dumb("-c"), ["-g"] + ENDS, sigs=FWD[:2]), run(dumb("--single-child"), ["-g"] + ENDS, sigs=FWD[:2]),
              run(dumb(), ["-g"] + ENDS, sigs=FWD[:2], env=env(DUMB_INIT_SETSID="0"))):
        b = run(ours(), ["-g"] + ENDS, sigs=FWD[:2])
        settle(0.2)
        only = lambda j: (sigs_rc(j), j.sigs("gchild"))
        same("dumb-init -c (--single-child, DUMB_INIT_SETSID=0) = selfpipe-run: the child only, not its grandchild", a, b, only, only)
        done(a, b)

if row("dumb-init", "dumb-init -r / selfpipe-run -m"):
    got = lambda j: [x for x in j.sigs() if x != "SIGHUP"]
    for ropt, mopts, sig, want in (("15:3", ["-t", "0", "-m", "TERM:QUIT"], signal.SIGTERM, ["SIGQUIT"]),
                                   ("10:0", ["-m", "USR1:0"], signal.SIGUSR1, []), ("10:12", ["-m", "USR1:USR2"], signal.SIGUSR1, ["SIGUSR2"])):
        for flag in ("-r", "--rewrite"):
            a = run(dumb(flag, ropt), ["-x", "HUP:0"], sigs=[sig], end=signal.SIGHUP)
            b = run(ours(*mopts), ["-x", "HUP:0"], sigs=[sig], end=signal.SIGHUP)
            same("dumb-init %s %s = selfpipe-run %s: the child gets %s" % (flag, ropt, " ".join(mopts), want or "nothing"), a, b, got, got)
            tap.ok(got(b) == want, "  (%s)" % got(b))
            done(a, b)
    b = run(ours("-m", "TERM:QUIT"), ["-x", "HUP:0"], sigs=[signal.SIGTERM], end=signal.SIGHUP)
    tap.ok(got(b) == ["SIGQUIT", "SIGCONT"], "  without -t 0, a SIGCONT follows the SIGQUIT (TERM is a stop signal)", got(b))
    done(b)

if row("dumb-init", "dumb-init -v / selfpipe-run -v 2"):
    for a in (run(dumb("-v"), sigs=[signal.SIGUSR1]), run(dumb("--verbose"), sigs=[signal.SIGUSR1]),
              run(dumb(), sigs=[signal.SIGUSR1], env=env(DUMB_INIT_DEBUG="1"))):
        b = run(ours("-v", "2"), sigs=[signal.SIGUSR1])
        tap.ok(any(re.search(r"\b10\b", l) for l in a.errlines()) and any("SIGUSR1" in l for l in b.errlines()),
               "dumb-init -v (--verbose, DUMB_INIT_DEBUG=1), selfpipe-run -v 2: debug lines on stderr name the signal", (a.errlines()[-3:], b.errlines()))
        done(a, b)

if row("dumb-init", "dumb-init -h, -V"):
    quiet = dict(stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rcs = [subprocess.run(c, **quiet).returncode for c in [dumb(f) for f in ("-h", "--help", "-V", "--version")]
           + [runner_cmd([f]) for f in ("-h", "--help", "-V", "--version")]]
    tap.ok(rcs == [0] * 8, "dumb-init -h, --help, -V, --version = the same four of selfpipe-run: print and exit 0", rcs)

if row("dumb-init", "exec failure"):
    rcs = []
    for cmd in (dumb(), ours()):
        for prog in ("/nonexistent/prog", NOEXEC):
            rcs.append(subprocess.run(cmd + [prog], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL).returncode)
    tap.ok(rcs == [2, 2, 127, 126], "differs: exec failure (not found, not executable): dumb-init exits 2, selfpipe-run 127 and 126", rcs)

if row("dumb-init", "dumb-init chdir"):
    a, b = run(dumb(), cwd="/tmp", end=None, wait=False), run(ours(), cwd="/tmp", end=None, wait=False)
    cwd = lambda pid: os.readlink("/proc/%d/cwd" % pid)
    tap.ok(cwd(a.pid) == "/" and cwd(b.pid) == "/tmp" and cwd(a.child) == cwd(b.child) == "/tmp",
           "differs: dumb-init moves itself to / (the child stays in /tmp); selfpipe-run stays in /tmp, so ./hook paths work",
           (cwd(a.pid), cwd(b.pid), cwd(a.child), cwd(b.child)))
    for j in (a, b):
        j.kill(signal.SIGTERM)
        j.wait()
    done(a, b)

if row("dumb-init", "dumb-init job control"):
    a = run(dumb(), sigs=[signal.SIGTSTP], end=None, wait=False)
    b = run(ours(), sigs=[signal.SIGTSTP], end=None, wait=False)
    c = run(ours("-m", "TSTP:STOP"), sigs=[signal.SIGTSTP], end=None, wait=False)
    wait_until(lambda: proc_state(a.child) == "T" and proc_state(c.child) == "T", 3)
    tap.ok(a.sigs() == [] and proc_state(a.child) == "T" and b.sigs() == ["SIGTSTP"] and proc_state(c.child) == "T" and c.sigs() == [],
           "differs: dumb-init turns TSTP into SIGSTOP for the child; selfpipe-run forwards SIGTSTP; -m TSTP:STOP does what dumb-init does",
           (a.sigs(), proc_state(a.child), b.sigs(), c.sigs(), proc_state(c.child)))
    for j in (a, b, c):
        for s in (signal.SIGCONT, signal.SIGTERM):
            j.kill(s)
        j.wait()
    done(a, b, c)

if row("dumb-init", "dumb-init at the child's exit"):
    a, b = run(dumb(), ["-g", "-x", "USR1:0"], end=None, wait=False), run(ours("-g"), ["-g", "-x", "USR1:0"], end=None, wait=False)
    for j in (a, b):
        # the grandchild ready, the child itself exits 0
        j.ready("gchild")
        os.kill(j.child, signal.SIGUSR1)
        j.result = j.wait()
    ga = wait_until(lambda: a.sigs("gchild"), 3)
    settle(0.3)
    tap.ok(a.result == 0 == b.result and ga == ["SIGTERM"] and b.sigs("gchild") == [],
           "differs: when the child exits, dumb-init sends SIGTERM to what is left of its group; selfpipe-run (not PID 1) just exits",
           (ga, b.sigs("gchild")))
    done(a, b)

if row("dumb-init", "^C on a terminal"):
    a, b = Job(dumb("-v", "-c"), ["-S", "300"] + ENDS, how="pty"), Job(ours(), ["-S", "300"] + ENDS, how="pty")
    for j in (a, b):
        j.ready()
        wait_until(lambda: os.tcgetpgrp(j.master) == os.getpgid(j.pid), 5)
        os.write(j.master, b"\x03")
        j.wait_sigs(1)
    settle(0.5)   # a second delivery would have come by now
    fwd = wait_until(lambda: any(re.search(r"\bForwarded signal 2\b", l) for l in a.errlines()), 3)
    tap.ok(("SIGINT", SI_KERNEL) in [(s[0], s[1]) for s in senders(a)] and fwd
           and [(s[0], s[1]) for s in senders(b)] == [("SIGINT", SI_KERNEL)]
           and any("not forwarded: terminal already sent it" in l for l in b.errlines()),
           "differs: dumb-init -c, ^C: the child gets the terminal's SIGINT and dumb-init forwards it again; selfpipe-run does not (one SIGINT)",
           (senders(a), a.errlines()[-3:], senders(b)))
    done(a, b)
    a, b = Job(dumb(), ["-S", "300"] + ENDS, how="pty"), Job(ours("-g"), ["-S", "300"] + ENDS, how="pty")
    for j in (a, b):
        j.ready()
        settle(0.2)
        os.write(j.master, b"\x03")
        j.wait_sigs(1)
    settle(0.5)
    one = lambda j: j.sigs()
    same("dumb-init = selfpipe-run -g on a terminal: ^C gives the child one SIGINT", a, b, one, one)
    done(a, b)

# --- ours: the SIGCONT after a stop signal ---------------------------------

if row("tini", "SIGCONT after a stop signal"):
    a = run(tini(), LIVES, sigs=[signal.SIGTERM], end=signal.SIGUSR2)
    b = run(ours(), LIVES, sigs=[signal.SIGTERM], end=None, wait=False)
    wait_until(lambda: len(b.sigs()) >= 2, 3)
    b.kill(signal.SIGUSR2)
    b.wait()
    c = run(ours("-t", "0"), LIVES, sigs=[signal.SIGTERM], end=signal.SIGUSR2)
    tap.ok(a.sigs() == ["SIGTERM", "SIGUSR2"] and b.sigs() == ["SIGTERM", "SIGCONT", "SIGUSR2"] and c.sigs() == a.sigs(),
           "differs: after a forwarded TERM selfpipe-run sends SIGCONT, tini does not; selfpipe-run -t 0 does not either",
           (a.sigs(), b.sigs(), c.sigs()))
    done(a, b, c)

subprocess.call(["rm", "-rf", os.path.dirname(NOEXEC)])
tap.done()
