#!/usr/bin/env python3
# ISC license. The Kubernetes example (doc/examples/kubernetes/
# deployment.yaml) under podman kube play, private configuration and
# storage (tests/podlib.py), no network: the pod spec users deploy, with
# the test image and service put in. podman pod stop -t N (what the
# kubelet does: TERM, SIGKILL N s later) shows the stop delay (-D) and
# the schedule (-k) in the log; a HUP from inside (kubectl exec ... kill
# -HUP 1) reaches the service; podman kube down kills at once.

import json
import os
import re
import sys
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from podlib import *  # noqa: E402,F401,F403

tap = Tap()
pod = Podman(tap)
pod.build_images()
example = os.path.join(SRC, "doc", "examples", "kubernetes", "deployment.yaml")
with open(example) as f:
    spec = f.read()
m = re.search(r"terminationGracePeriodSeconds: (\d+)", spec)
d = re.search(r'"-D", "(\d+)", "-k", "(\d+)"', spec)
tap.ok(m and d and int(d.group(1)) + int(d.group(2)) < 1000 * int(m.group(1)),
       "the example's -D + -k fit in its terminationGracePeriodSeconds", spec)


def play(service, delay=1000, kill=2000):
    """The example with the test image, one replica and shorter times;
    returns (pod, container) names."""
    y = spec.replace("localhost/web:latest", TEST + ":latest").replace("replicas: 2", "replicas: 1")
    args = ["-D", str(delay), "-k", str(kill), "--"] + service
    y = re.sub(r"args: \[.*?\]", "args: [%s]" % ", ".join('"%s"' % a for a in args), y, flags=re.S)
    # no network (--network none): nothing to publish
    y = re.sub(r"\n *ports:\n *- containerPort: \d+", "", y)
    path = os.path.join(pod.dir, "deployment.yaml")
    with open(path, "w") as f:
        f.write(y)
    r = pod("kube", "play", "--network", "none", path, timeout=300)
    tap.ok(r.returncode == 0, "podman kube play of the example", r.stdout + r.stderr)
    return "web-pod-0", "web-pod-0-web"


def log_after(c, pred, timeout=20):
    return pod.wait_log(c, pred, timeout)


# 1. a graceful stop: the delay, then TERM; the service exits 0
p, c = play(["/ctchild"])
ready = log_after(c, lambda o, e: [l.split() for l in o if l.startswith("ready")])
tap.ok(ready and ready[0][4] == "1", "the runner is the container's PID 1", ready)
cpid = ready[0][2] if ready else "?"
r = pod("exec", c, "/bin/busybox", "kill", "-HUP", "1")
tap.ok(log_after(c, lambda o, e: "sig SIGHUP code 0" in o), "kill -HUP 1 from inside (kubectl exec) reaches the service")
tap.ok(log_after(c, lambda o, e: [l for l in e if # busybox kill may have exited before the runner reads its name: gone then
       re.match(r"selfpipe-run: info: SIGHUP from pid \d+ \((?:busybox|gone)\) uid 0 by kill -> SIGHUP to pid %s$" % cpid, l)]),
       "and is logged with its sender inside the container", pod.logs(c)[1])
t0 = now()
r = pod("pod", "stop", "-t", "10", p)
took = now() - t0
o, e = pod.logs(c)
code = pod("inspect", "--format", "{{.State.ExitCode}}", c).stdout.strip()
tap.note("podman pod stop -t 10 with -D 1000: %.2f s" % took)
tap.ok(r.returncode == 0 and code == "0", "podman pod stop -t 10: exit 0 (got %s)" % code, r.stderr)
want = ["selfpipe-run: info: SIGTERM from outside the container by kill -> stop delayed: forwarded in 1000 ms (-D)",
        "selfpipe-run: info: stop delay of 1000 ms over",
        "selfpipe-run: info: SIGTERM from outside the container by kill -> SIGTERM to pid %s" % cpid,
        "selfpipe-run: info: child %s exited 0" % cpid]
tap.ok([l for l in e if l in want] == want, "the log: TERM held 1000 ms (-D), then forwarded; the child's end", e)
tap.ok(took >= 1.0 and "term" in o, "the service got TERM only after the delay (%.2f s)" % took, o)
pod("pod", "rm", "-f", p)

# 2. the schedule: a service that ignores TERM gets SIGKILL -k after the delay
p, c = play(["/ctchild", "-i"], delay=500, kill=1000)
ready = log_after(c, lambda o, e: [l.split() for l in o if l.startswith("ready")])
cpid = ready[0][2] if ready else "?"
t0 = now()
pod("pod", "stop", "-t", "10", p)
took = now() - t0
o, e = pod.logs(c)
code = pod("inspect", "--format", "{{.State.ExitCode}}", c).stdout.strip()
tap.ok(code == "137", "ignoring TERM: SIGKILL from the runner, exit 137 (got %s)" % code, e)
tap.ok("selfpipe-run: warning: child %s alive 1000 ms after SIGTERM -> SIGKILL" % cpid in e,
       "the log: SIGKILL 1000 ms (-k) after the delayed TERM", e)
tap.ok(1.5 <= took < scaled(10), "the runner's schedule ran before podman's 10 s: %.2f s (500 + 1000 ms)" % took)
pod("pod", "rm", "-f", p)

# 3. podman kube down: SIGKILL at once, no TERM, so no delay and no
# schedule: the pod is gone well before -D 8000 would have let TERM go
p, c = play(["/ctchild", "-i"], delay=8000, kill=8000)
log_after(c, lambda o, e: [l for l in o if l.startswith("ready")])
t0 = now()
r = pod("kube", "down", os.path.join(pod.dir, "deployment.yaml"))
took = now() - t0
tap.note("podman kube down: %.2f s" % took)
died = [ev for ev in (json.loads(l) for l in open(os.path.join(pod.dir, "events.log")) if l.startswith("{"))
        if ev.get("Name") == c and ev.get("Status") == "died"]
tap.ok(r.returncode == 0 and took < scaled(6), "podman kube down does not wait for -D 8000 (%.2f s)" % took,
       r.stdout + r.stderr)
tap.ok(died and died[-1].get("ContainerExitCode") == 137, "podman kube down: the container died of SIGKILL (137)",
       died)

tap.done()
