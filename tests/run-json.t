#!/usr/bin/env python3
# ISC license. selfpipe-run -o json: every log line of a representative
# set of the suite's scenarios (forwards, remaps, drops, a group, a hook
# that refuses, a stop that escalates, the stop delay, a burst folded at
# -v 1, sigqueue with its value, a fatal spawn, -T, -v 2's debug lines)
# is one JSON object that a strict parser takes: UTF-8 only, no NaN or
# Infinity, no duplicate key, no control character in a string, nothing
# after the object; its fields are the documented ones, in order, with
# the right types. A sender whose command name holds a quote, a
# backslash, a newline and bytes that are not UTF-8, and a program and a
# hook with such names, still give valid JSON, their bytes escaped.

import ctypes, json, os, re, signal, sys, time
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)
me, uid = os.getpid(), os.getuid()

FIRST = ["time", "prog", "level", "event"]
EVENTS = {"signal", "forward", "gate", "hold", "stop", "kill", "spawn", "exit", "job", "follow",
          "upgrade", "notify", "ready", "reload", "watchdog", "log", "fatal"}
INTS = {"signo", "to_signo", "value", "lost", "sender_pid", "sender_uid", "target_pid", "target_pgid",
        "errno", "timeout_ms", "delay_ms", "exit", "repeated"}
STRS = {"time", "prog", "level", "event", "signal", "code", "from", "sender_comm", "action", "to",
        "result", "error", "hook", "hook_status", "msg"}
KNOWN = INTS | STRS | {"ignored_by_target"}
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
TAI64N = re.compile(r"^@[0-9a-f]{24}$")


def no_dups(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key in %s" % keys)
    return dict(pairs)


def no_constant(name):
    raise ValueError("not JSON: %s" % name)


def strict(raw):
    """One line's object, or an exception: bytes that are not UTF-8,
    NaN, Infinity, duplicate keys, a raw control character, extra data."""
    text = raw.decode("utf-8", errors="strict")
    obj = json.loads(text, object_pairs_hook=no_dups, parse_constant=no_constant, strict=True)
    if not isinstance(obj, dict):
        raise ValueError("not an object")
    return obj, [k for k in json.loads(text, object_pairs_hook=lambda p: [k for k, _ in p])]


def fields_ok(obj, keys, stamp=RFC3339):
    """What is wrong with a line's fields, [] if nothing."""
    bad = []
    if keys[:4] != FIRST or keys[-1] != "msg":
        bad.append("order: %s" % keys)
    bad += ["unknown field %s" % k for k in keys if k not in KNOWN]
    bad += ["%s not an int" % k for k in keys if k in INTS and (type(obj[k]) is not int)]
    bad += ["%s not a string" % k for k in keys if k in STRS and not isinstance(obj[k], str)]
    if "ignored_by_target" in obj and obj["ignored_by_target"] is not True:
        bad.append("ignored_by_target not true")
    if not stamp.match(str(obj.get("time"))):
        bad.append("time %r" % obj.get("time"))
    if obj.get("prog") != "selfpipe-run" or obj.get("level") not in ("warning", "info", "debug", "fatal") \
            or obj.get("event") not in EVENTS:
        bad.append("prog/level/event %r" % [obj.get(k) for k in FIRST])
    if "signal" in obj and not ("signo" in obj and "from" in obj and "action" in obj):
        bad.append("a delivery without signo, from or action")
    return bad


ALL = []   # every line of every scenario: (scenario, object)


def parse(what, raw, stamp=RFC3339):
    """Every line of raw (valgrind's own aside) through the strict parser;
    a tap line for the scenario; the objects."""
    objs, bad = [], []
    for line in raw.split(b"\n"):
        if not line or re.match(rb"^==\d+==", line):
            continue
        try:
            obj, keys = strict(line)
        except ValueError as e:
            bad.append("%r: %s" % (line[:200], e))
            continue
        bad += ["%s: %s" % (obj.get("msg"), b) for b in fields_ok(obj, keys, stamp)]
        objs.append(obj)
        ALL.append((what, obj))
    tap.ok(objs and not bad, "%s: %d lines, each a strict JSON object with the documented fields" % (what, len(objs)), bad)
    return objs


def raw_err(r):
    r.errf and r.errf.flush()
    with open(r.errpath, "rb") as f:
        return f.read()


def find(objs, **want):
    return [o for o in objs if all(o.get(k) == v for k, v in want.items())]


# 1. forwards, a remap, a drop, a signal the child ignores, -v 2's debug lines
r = Run(["-o", "json", "-v", "2", "-m", "USR1:USR2", "-m", "WINCH:0"], ["-x", "TERM:0", "-i", "URG"])
r.ready()
for s, n in ((signal.SIGHUP, 1), (signal.SIGUSR1, 2)):
    r.kill(s)
    r.wait_sigs(n)
r.kill(signal.SIGWINCH)
r.kill(signal.SIGURG)
wait_until(lambda: b'"SIGURG"' in raw_err(r), 5)
r.kill(signal.SIGTERM)
rc = r.wait()
o = parse("forwards, -m, -v 2", raw_err(r))
hup = find(o, event="forward", signal="SIGHUP")
tap.ok(rc == 0 and hup and hup[0] == dict(hup[0], signo=1, code="kill", **{"from": "process"}, sender_pid=me, sender_uid=uid,
                                          sender_comm=MY_COMM, action="forward", to="SIGHUP", to_signo=1,
                                          target_pid=r.child, result="ok"),
       "  a forward: signal, code kill, from process, the sender's pid, uid and comm, the target, ok", hup)
tap.ok(hup and hup[0]["msg"] == "SIGHUP %s -> SIGHUP to pid %d" % (from_me(me), r.child),
       "  msg: the text line's words", hup)
usr = find(o, signal="SIGUSR1")
tap.ok(usr and usr[0].get("to") == "SIGUSR2" and usr[0].get("to_signo") == signal.SIGUSR2, "  a remap: to SIGUSR2", usr)
winch = find(o, signal="SIGWINCH")
tap.ok(winch and winch[0]["event"] == "signal" and winch[0]["action"] == "ignore" and "to" not in winch[0],
       "  -m WINCH:0: event signal, action ignore, nothing sent", winch)
urg = find(o, signal="SIGURG")
tap.ok(urg and urg[0].get("ignored_by_target") is True and urg[0]["msg"].endswith("(ignored by it)"),
       "  a signal the child ignores: ignored_by_target true", urg)
tap.ok(find(o, event="spawn", level="debug") and find(o, event="stop", level="debug")
       and find(o, event="exit", msg="child %d exited 0" % r.child),
       "  the spawn and the SIGCONT after TERM (debug), the child's exit", [x["msg"] for x in o])
r.cleanup()

# 2. a hook that refuses, -g, sigqueue with a value
hookdir = tempfile.mkdtemp(prefix="sprun-json-")
fails = os.path.join(hookdir, "fails")
with open(fails, "w") as f:
    f.write("#!/bin/sh\nexit 1\n")
os.chmod(fails, 0o755)
r = Run(["-o", "json", "-g", "-c", "HUP:" + fails], ["-x", "TERM:0"])
r.ready()
r.kill(signal.SIGHUP)
wait_until(lambda: b"held: hook" in raw_err(r), 10)
libc = ctypes.CDLL(None, use_errno=True)
libc.sigqueue.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
queued = libc.sigqueue(r.pid, signal.SIGUSR2, 42) == 0
r.wait_sigs(1)
r.kill(signal.SIGTERM)
r.wait()
o = parse("a hook, -g, sigqueue", raw_err(r))
held = find(o, event="gate", signal="SIGHUP")
tap.ok(held and held[0].get("action") == "hold" and held[0].get("result") == "refused" and held[0].get("hook") == fails
       and held[0].get("hook_status") == "exited 1", "  the hook refused: event gate, action hold, hook, hook_status", held)
q = find(o, signal="SIGUSR2")
tap.ok(queued and q and q[0].get("code") == "sigqueue" and q[0].get("value") == 42 and q[0].get("target_pgid") == r.child
       and "by sigqueue value 42 ->" in q[0]["msg"], "  sigqueue: code sigqueue, value 42, to the group", q)
r.cleanup()
subprocess.call(["rm", "-rf", hookdir])

# 3. a stop that escalates, and the stop delay
r = Run(["-o", "json", "-D", "200", "-k", "300"], ["-i", "TERM"])
r.ready()
r.kill(signal.SIGTERM)
rc = r.wait()
o = parse("-D, -k", raw_err(r))
tap.ok(rc == 128 + signal.SIGKILL and find(o, event="stop", action="delay", delay_ms=200)
       and find(o, event="kill", level="warning") and find(o, event="forward", ignored_by_target=True),
       "  the delay (delay_ms), the forward to a child that ignores it, the SIGKILL (event kill)", [x["msg"] for x in o])
r.cleanup()

# 4. a burst at -v 1: folded, the count in "repeated"
r = Run(["-o", "json", "-m", "RTMIN+1:0"], ["-x", "TERM:0"])
r.ready()
queue_while_stopped(r.pid, RTMIN + 1, 50)
os.kill(r.pid, signal.SIGCONT)
drained(r.pid, RTMIN + 1)
r.kill(signal.SIGTERM)
r.wait()
o = parse("a burst at -v 1", raw_err(r))
rt = find(o, signal=sig_name(RTMIN + 1))
total = sum(x.get("repeated", 0) + (0 if "repeated" in x else 1) for x in rt)
tap.ok(total == 50 and any("repeated" in x and x["msg"].endswith(" (repeated %d times)" % x["repeated"]) for x in rt),
       "  50 deliveries in lines, repeated N with the msg ending (repeated N times)", rt)
r.cleanup()

# 5. -T: the TAI64N stamp in time; a fatal spawn
r = Run(["-o", "json", "-T", "-v", "2"], ["-x", "TERM:0"])
r.ready()
r.kill(signal.SIGTERM)
r.wait()
parse("-T", raw_err(r), TAI64N)
r.cleanup()
r = Run(["-o", "json"], prog=["/nonexistent/prog"])
rc = r.wait()
o = parse("a fatal spawn", raw_err(r))
tap.ok(rc == 127 and len(o) == 1 and o[0]["level"] == "fatal" and o[0]["event"] == "fatal" and o[0].get("exit") == 127
       and o[0].get("error") == os.strerror(2) and o[0]["msg"] == "unable to spawn /nonexistent/prog: " + os.strerror(2),
       "  one fatal line: level and event fatal, exit 127, the error", o)
r.cleanup()

# 6. hostile names: a sender whose comm has a quote, a backslash, a
# newline, a byte that is not UTF-8 and a bad sequence; a program and a
# hook whose paths have them too
COMM = b'q"b\\n\nx\xff\xc3(\xc3\xa9'
WANT = COMM.decode("utf-8", errors="replace")   # one U+FFFD a bad byte, as the runner writes them
d = os.fsencode(tempfile.mkdtemp(prefix="sprun-json-"))
weird = d + b'/we"ird\\\n\xff'
hook = weird + b".hook"
os.symlink(CHILD, weird)
with open(hook, "wb") as f:
    f.write(b"#!/bin/sh\nexit 1\n")
os.chmod(hook, 0o755)
rec, errpath = d + b"/rec", d + b"/err"
with open(errpath, "wb") as errf:
    p = subprocess.Popen(runner_cmd(["-o", "json", "-v", "2", "-c", "USR2:" + os.fsdecode(hook), "--"])
                         + [os.fsdecode(weird), "-o", os.fsdecode(rec), "-x", "TERM:0"],
                         stdin=subprocess.DEVNULL, stderr=errf)
recs = lambda: open(rec, "rb").read() if os.path.exists(rec) else b""
errs = lambda: open(errpath, "rb").read()
wait_until(lambda: b"ready" in recs(), 10)
code = ("import ctypes, os, signal, time\n"
        "ctypes.CDLL(None).prctl(15, ctypes.c_char_p(%r), 0, 0, 0)\n"
        "os.kill(%d, signal.SIGUSR1)\n"
        "time.sleep(%f)\n" % (COMM, p.pid, scaled(2.0)))
sender = subprocess.Popen([sys.executable, "-c", code])
wait_until(lambda: b"SIGUSR1" in recs(), 10)
sender.wait()
os.kill(p.pid, signal.SIGUSR2)
wait_until(lambda: b"held: hook" in errs(), 10)
os.kill(p.pid, signal.SIGTERM)
try:
    p.wait(timeout=scaled(20))
except subprocess.TimeoutExpired:
    p.kill()
    p.wait()
o = parse("hostile names", errs())
u1 = find(o, signal="SIGUSR1")
tap.ok(u1 and u1[0].get("sender_comm") == WANT and u1[0].get("sender_pid") == sender.pid,
       "  the sender's comm %r comes back as %r" % (COMM, WANT), u1)
tap.ok(u1 and "\n" not in u1[0]["msg"] and '(q"b\\n?x' in u1[0]["msg"],
       "  and in msg as the text line writes it: one line, control characters as ?", u1)
sp = find(o, event="spawn")
tap.ok(sp and sp[0]["msg"].endswith(weird.replace(b"\n", b" ").decode("utf-8", "replace")),
       "  a program path with a quote, a backslash, a newline and a bad byte, escaped in msg", sp)
hk = find(o, event="gate", signal="SIGUSR2")
tap.ok(hk and hk[0].get("hook") == hook.decode("utf-8", "replace"), "  a hook path the same, in hook", hk)
subprocess.call(["rm", "-rf", os.fsdecode(d)])

# text mode keeps its words: the same forward, without -o and with -o text
for opts in ([], ["-o", "text"]):
    r = Run(opts, ["-x", "TERM:0"])
    r.ready()
    r.kill(signal.SIGTERM)
    r.wait()
    tap.ok(r.norm(me) == ["selfpipe-run: info: SIGTERM %s -> SIGTERM to pid CHILD" % from_me(),
                          "selfpipe-run: info: child CHILD exited 0"], "%s: the text lines" % (opts or "no -o"), r.norm(me))
    r.cleanup()
tap.ok(len(ALL) >= 20, "%d JSON lines in all, every one strict" % len(ALL))
tap.done()
