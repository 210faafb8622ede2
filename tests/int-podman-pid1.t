#!/usr/bin/env python3
# ISC license. selfpipe-run as a container's PID 1 under a real engine
# (podman + runc, private configuration and storage: tests/podlib.py):
# the image (make image, FROM scratch; Containerfile.copy into another
# base); podman kill -s HUP/USR1/USR2 reach the service, one log line
# each, "from outside the container"; podman stop -t N is a graceful
# stop, exit 0; exit 3 -> 3; killed by USR1 -> 138; 1000 orphaned
# grandchildren all reaped; what is left at exit gets TERM, then KILL;
# podman run --init --init-path=selfpipe-run (run as "/run/podman-init
# -- CMD"). Prints the image size, PID 1's RSS and the stop time.

import os
import re
import sys
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from podlib import *  # noqa: E402,F401,F403

tap = Tap()
pod = Podman(tap)
built = pod.build_images()
tap.note(built)

# 1. the images
size = int(pod("image", "inspect", "--format", "{{.Size}}", IMAGE).stdout.strip() or 0)
runner = os.path.getsize(MUSL_RUNNER)
tap.note("image %s: %d bytes; the musl runner: %d bytes" % (IMAGE, size, runner))
tap.ok(0 < size < 128 * 1024, "the FROM-scratch image is under 128 KiB (%d bytes)" % size)
tap.ok(pod.probe.returncode == 100 and "usage" in pod.probe.stderr,
       "the image alone runs the runner: no service, its usage, exit 100 (got %d)" % pod.probe.returncode,
       pod.probe.stderr)
r = pod("run", "--rm", "-v", "%s:/ctchild:ro" % pod.child, IMAGE, "--", "/ctchild", "-x", "3")
tap.ok(r.returncode == 3, "FROM scratch image, service exits 3: the container exits 3 (got %d)" % r.returncode,
       r.stderr)
out = r.stdout.splitlines()
tap.ok(out and out[0].endswith(" ppid 1"), "the service's parent is PID 1, the runner", out)
r = pod("run", "--rm", TEST, "--", "/ctchild", "-x", "3")
tap.ok(r.returncode == 3, "Containerfile.copy image (COPY --from=): exit 3 -> 3 (got %d)" % r.returncode, r.stderr)
r = pod("run", "--rm", TEST, "-e", "3", "--", "/ctchild", "-x", "3")
tap.ok(r.returncode == 0, "-e 3 under PID 1: exit 3 is reported as 0 (got %d)" % r.returncode, r.stderr)
r = pod("run", "--rm", TEST, "-r", "--", "/ctchild", "-k", "10")
tap.ok(r.returncode == 128 + 10, "-r under PID 1: cannot re-raise, exits 138 (got %d)" % r.returncode, r.stderr)
r = pod("run", "--rm", TEST, "--", "/ctchild", "-k", "10")
tap.ok(r.returncode == 128 + 10, "service killed by SIGUSR1: the container exits 138 (got %d)" % r.returncode,
       r.stderr)

# 2. podman kill: each signal reaches the service, one log line each
name = "sp-sig"
pod("run", "-d", "--name", name, TEST, "--", "/ctchild", check=True)
ready = pod.wait_log(name, lambda o, e: [l.split() for l in o if l.startswith("ready")])
tap.ok(ready and ready[0][4] == "1", "the service runs under PID 1", ready)
cpid = ready[0][2] if ready else "?"
for sig in ("HUP", "USR1", "USR2"):
    pod("kill", "-s", sig, name, check=True)
    got = pod.wait_log(name, lambda o, e: ("sig SIG%s code 0" % sig) in o)
    tap.ok(got, "podman kill -s %s reaches the service (SI_USER)" % sig, pod.logs(name)[0])
o, e = pod.logs(name)
for sig in ("HUP", "USR1", "USR2"):
    lines = [l for l in e if l.startswith("selfpipe-run: info: SIG%s " % sig)]
    tap.ok(lines == ["selfpipe-run: info: SIG%s from outside the container by kill -> SIG%s to pid %s" % (sig, sig, cpid)],
           "SIG%s: one log line, the sender outside the container" % sig, e)
rss = status_kb(pod, name, 1)
tap.note("PID 1 (selfpipe-run) VmRSS: %s kB" % rss)
tap.ok(rss is not None and rss < 1024, "PID 1's resident memory is under 1 MiB (%s kB)" % rss)

# 3. podman stop -t N: TERM, the service exits 0, so does the container
t0 = now()
r = pod("stop", "-t", "10", name)
code = pod.exit_code(name)
took = now() - t0
tap.note("podman stop -> exited: %.2f s" % took)
tap.ok(r.returncode == 0 and code == 0, "podman stop -t 10: graceful, exit 0 (got %s)" % code, r.stderr)
tap.ok(took < scaled(5), "podman stop returns well before its 10 s (%.2f s)" % took)
o, e = pod.logs(name)
tap.ok("term" in o and "selfpipe-run: info: SIGTERM from outside the container by kill -> SIGTERM to pid %s" % cpid in e
       and "selfpipe-run: info: child %s exited 0" % cpid in e, "the stop is TERM, forwarded; the child's end logged", e)
pod("rm", name)

# 4. 1000 orphaned grandchildren: every one reaped by PID 1
name = "sp-orphans"
pod("run", "-d", "--name", name, TEST, "-v", "2", "--", "/ctchild", "-O", "1000", check=True)
orph = pod.wait_log(name, lambda o, e: "orphaned 1000" in o, timeout=60)
tap.ok(orph, "the service orphaned 1000 grandchildren", pod.logs(name)[0][-5:])
cpid = int(([l.split()[2] for l in pod.logs(name)[0] if l.startswith("ready")] or ["0"])[0])


def only_two():
    p = container_procs(pod, name)
    return p if sorted(x[0] for x in p) == [1, cpid] else None


left = wait_until(only_two, 60, step=0.1)
tap.ok(left, "all 1000 are gone: no zombie, only PID 1 and the service left", container_procs(pod, name)[:10])
o, e = pod.logs(name)
reaped = len([l for l in e if re.match(r"selfpipe-run: debug: orphan \d+ exited 0$", l)])
lost = sum(int(m.group(1)) for m in (re.match(r"selfpipe-run: warning: (\d+) lines lost", l) for l in e) if m)
tap.note("orphans reaped: %d logged, %d log lines lost" % (reaped, lost))
tap.ok(reaped + lost >= 1000 and reaped > 0, "PID 1 logged reaping them (%d, +%d lines lost)" % (reaped, lost))
pod("stop", "-t", "10", name)
tap.ok(pod.exit_code(name) == 0, "then podman stop: exit 0")
pod("rm", name)

# 5. what is left at exit: TERM to all, then KILL after -k
r = pod("run", "--rm", "--tmpfs", "/tmp", TEST, "-k", "2000", "--", "/bin/busybox", "sh", "-c",
        "/ctchild > /tmp/bg 2>&1 & until /bin/busybox grep -qs ready /tmp/bg ; do /bin/busybox usleep 10000 ; done ; exit 4")
e = r.stderr.splitlines()
tap.ok(r.returncode == 4, "a service leaving a process behind: exit 4 still (got %d)" % r.returncode, e)
tap.ok("selfpipe-run: info: PID 1 exiting: 1 process still alive -> SIGTERM to all, SIGKILL in 2000 ms" in e
       and "selfpipe-run: info: PID 1 exiting: all gone after SIGTERM" in e,
       "PID 1 at exit: the one left gets SIGTERM and ends, the log says how many", e)
t0 = now()
r = pod("run", "--rm", "--tmpfs", "/tmp", TEST, "-k", "500", "--", "/bin/busybox", "sh", "-c",
        "/ctchild -i > /tmp/bg 2>&1 & until /bin/busybox grep -qs ready /tmp/bg ; do /bin/busybox usleep 10000 ; done ; exit 4")
e = r.stderr.splitlines()
tap.ok(r.returncode == 4 and "selfpipe-run: warning: PID 1 exiting: 1 process alive 500 ms after SIGTERM -> SIGKILL to all" in e,
       "one that ignores TERM gets SIGKILL after -k 500 (exit %d, %.2f s)" % (r.returncode, now() - t0), e)

# 6. --init: podman runs the runner as /run/podman-init -- CMD
name = "sp-init"
pod("run", "-d", "--name", name, "--init", "--init-path", MUSL_RUNNER, "--entrypoint", "/ctchild", BASE, check=True)
ready = pod.wait_log(name, lambda o, e: [l.split() for l in o if l.startswith("ready")])
tap.ok(ready and ready[0][4] == "1", "--init: the service's parent is the runner, PID 1", ready)
cmd = pod("exec", name, "/bin/busybox", "cat", "/proc/1/cmdline").stdout.split("\0")
tap.ok(cmd[:3] == ["/run/podman-init", "--", "/ctchild"], "--init: PID 1 is /run/podman-init -- /ctchild", cmd)
pod("kill", "-s", "HUP", name)
tap.ok(pod.wait_log(name, lambda o, e: "sig SIGHUP code 0" in o), "--init: podman kill -s HUP reaches the service")
pod("stop", "-t", "10", name)
tap.ok(pod.exit_code(name) == 0, "--init: podman stop -> exit 0")
r = pod("run", "--rm", "--init", "--init-path", MUSL_RUNNER, "--entrypoint", "/ctchild", BASE, "-x", "3")
tap.ok(r.returncode == 3, "--init: exit 3 -> 3 (got %d)" % r.returncode, r.stderr)

tap.done()
