# ISC license. A daemon that forks, for tests/run-follow.t: the shape
# of nginx's and gunicorn's binary upgrade, small enough to read.
#
#   python3 follow_daemon.py [options] pidfile rec
#
# The launcher forks the master and exits (with -x code); the master,
# in a session of its own, writes its pid into pidfile and records one
# line per event in rec (O_APPEND, one write each):
#   master <pid> ready ppid <ppid>
#   master <pid> sig <NAME>
# USR2: the upgrade. The master moves pidfile to pidfile.oldbin and
# forks a new master that writes pidfile (with -g ms: writes pidfile.2
# instead, and renames it to pidfile ms after its parent exits, the
# gunicorn way, while the old one deletes pidfile as it exits).
# QUIT: exits 0 (after -q ms). TERM: removes its pidfile, exits with -t
# code. -w n: n workers (children that live as long as their master;
# with -l 1, up to a minute longer: a leftover). -f ms: a new master
# dies (exit 3) ms after it wrote its pid; -n 1: USR2 starts nobody.
# -r ms: every master sends READY=1 to $NOTIFY_SOCKET ms after it wrote
# its pid (recorded: "master <pid> notified"); -Q 1: a new master
# ignores QUIT (recorded all the same).

import os, signal, socket, sys, time

opts = {"-r": "", "-Q": "0", "-x": "0", "-q": "0", "-t": "0", "-g": "", "-w": "0", "-l": "0", "-f": "", "-n": "0"}
args = sys.argv[1:]
while args and args[0] in opts:
    opts[args[0]] = args[1]
    args = args[2:]
pidfile, rec = args
gap = opts["-g"]


def record(text):
    fd = os.open(rec, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, ("master %d %s\n" % (os.getpid(), text)).encode())
    os.close(fd)


def write_pid(path):
    tmp = path + ".tmp%d" % os.getpid()
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, path)


def names_me(path):
    try:
        with open(path) as f:
            return f.read().strip() == str(os.getpid())
    except OSError:
        return False


def workers():
    for _ in range(int(opts["-w"])):
        if os.fork() == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGQUIT, signal.SIG_DFL)
            # a worker lives as long as its master
            ppid = os.getppid()
            while os.getppid() == ppid:
                time.sleep(0.02)
            if opts["-l"] == "1":
                time.sleep(60)
            os._exit(0)


quitting = []
is_new = []


def notify_ready():
    addr = os.environ.get("NOTIFY_SOCKET", "")
    if addr.startswith("@"):
        addr = "\0" + addr[1:]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.sendto(b"READY=1", addr)
    s.close()
    record("notified")


def on_signal(sig, frame):
    record("sig " + signal.Signals(sig).name)
    if sig == signal.SIGUSR2:
        if opts["-n"] == "1":
            return
        if not gap and os.path.exists(pidfile):
            os.rename(pidfile, pidfile + ".oldbin")
        if os.fork() == 0:
            master(new=True)
    elif sig == signal.SIGQUIT:
        if not (is_new and opts["-Q"] == "1"):
            quitting.append(1)
    elif sig == signal.SIGTERM:
        for p in (pidfile, pidfile + ".oldbin"):
            if names_me(p):
                os.unlink(p)
        os._exit(int(opts["-t"]))


def master(new=False):
    for s in (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGQUIT, signal.SIGTERM, signal.SIGWINCH):
        signal.signal(s, on_signal)
    parent = os.getppid()
    if new:
        is_new.append(1)
    if new and gap:
        write_pid(pidfile + ".2")
    else:
        write_pid(pidfile)
    record("ready ppid %d" % parent)
    if new and opts["-f"]:
        time.sleep(int(opts["-f"]) / 1000)
        record("failing")
        os._exit(3)
    workers()
    if opts["-r"]:
        time.sleep(int(opts["-r"]) / 1000)
        notify_ready()
    while True:
        time.sleep(0.01)
        if quitting:
            time.sleep(int(opts["-q"]) / 1000)
            for p in (pidfile + ".oldbin", pidfile):
                if names_me(p):
                    os.unlink(p)
            os._exit(0)
        if new and gap and os.getppid() != parent and os.path.exists(pidfile + ".2"):
            time.sleep(int(gap) / 1000)
            os.rename(pidfile + ".2", pidfile)


if os.fork() == 0:
    os.setsid()
    master()
else:
    os._exit(int(opts["-x"]))
