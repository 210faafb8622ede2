#!/usr/bin/env python3
# ISC license. nginx inside a container, selfpipe-run as PID 1, the
# reload gated: -c HUP:nginx-test (a script running nginx -t). The
# image is built from the host's own files (no registry): Debian's
# /usr/sbin/nginx and the libraries ldd names, busybox for the hook's
# shell and for wget, a minimal conf bind-mounted from the test's
# directory. No network: the test asks nginx through the container's
# own loopback, with podman exec. podman kill -s HUP with a good conf
# reloads (the new text is served); with a broken one the HUP is held
# by the gate and the old workers go on serving; podman stop: exit 0.

import os
import re
import shutil
import subprocess
import sys
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from podlib import *  # noqa: E402,F401,F403

NGINX = "/usr/sbin/nginx"
tap = Tap()
if not os.access(NGINX, os.X_OK):
    tap.skip("nginx in a container", "no %s (apt-get install nginx-light)" % NGINX)
    tap.done()
pod = Podman(tap)
pod.build_images()

# the image: the runner's FROM-scratch image + nginx and what it links
ctx = os.path.join(pod.dir, "nginx")
root = os.path.join(ctx, "root")


def put(src, dst=None):
    dst = os.path.join(root, (dst or src).lstrip("/"))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copy(src, dst)


put(NGINX)
put(BUSYBOX)
for line in subprocess.run(["ldd", NGINX], capture_output=True, text=True).stdout.splitlines():
    m = re.search(r"(/\S+) \(0x", line)
    if m:
        put(m.group(1))
        put(os.path.realpath(m.group(1)), m.group(1))
for d in ("tmp", "run", "var/lib/nginx", "var/log/nginx", "etc/nginx", "usr/local/bin"):
    os.makedirs(os.path.join(root, d), exist_ok=True)
with open(os.path.join(root, "etc", "passwd"), "w") as f:
    f.write("root:x:0:0:root:/:/bin/busybox\nnobody:x:65534:65534:nobody:/:/bin/false\n")
with open(os.path.join(root, "etc", "group"), "w") as f:
    f.write("root:x:0:\nnogroup:x:65534:\n")
HOOK = "/usr/local/bin/nginx-test"
with open(os.path.join(root, HOOK.lstrip("/")), "w") as f:
    f.write("#!/bin/busybox sh\n# the reload gate: a conf nginx cannot load is not signalled\nexec /usr/sbin/nginx -t -q\n")
os.chmod(os.path.join(root, HOOK.lstrip("/")), 0o755)
with open(os.path.join(ctx, "Containerfile"), "w") as f:
    f.write("FROM %s:latest\nCOPY root/ /\n" % IMAGE)
r = pod("build", "-q", "-t", "localhost/sp-nginx", ctx, timeout=300)
tap.ok(r.returncode == 0, "an nginx image from the host's own files", r.stderr)

conf = os.path.join(pod.dir, "conf")
os.mkdir(conf)
CONF = """user nobody nogroup;
worker_processes 2;
error_log stderr notice;
pid /tmp/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  server { listen 127.0.0.1:8080; location / { return 200 "%s\\n"; } }
}
"""


def write_conf(text):
    with open(os.path.join(conf, "nginx.conf"), "w") as f:
        f.write(text)


def get():
    r = pod("exec", "ngx", "/bin/busybox", "wget", "-q", "-O", "-", "http://127.0.0.1:8080/")
    return r.stdout.strip()


write_conf(CONF % "v1")
pod("run", "-d", "--name", "ngx", "-v", "%s:/etc/nginx:ro" % conf, "localhost/sp-nginx", "-c", "HUP:" + HOOK,
    "-k", "5000", "--", NGINX, "-g", "daemon off;", check=True)
tap.ok(wait_until(lambda: get() == "v1", 20, step=0.1), "nginx serves v1 on the container's loopback",
       "\n".join(pod.logs("ngx")[1][-10:]))

# a good conf: the gate passes, nginx reloads
write_conf(CONF % "v2")
pod("kill", "-s", "HUP", "ngx", check=True)
tap.ok(wait_until(lambda: get() == "v2", 20, step=0.1), "podman kill -s HUP, a good conf: reloaded, v2 served",
       "\n".join(pod.logs("ngx")[1][-10:]))
e = pod.logs("ngx")[1]
tap.ok([l for l in e if re.match(r"selfpipe-run: info: SIGHUP from outside the container by kill -> SIGHUP to pid \d+$", l)],
       "  the log: the HUP passed the gate and was forwarded", e)

# a broken conf: the gate holds the HUP, the old workers go on
write_conf("this is not nginx.conf\n")
pod("kill", "-s", "HUP", "ngx", check=True)
held = pod.wait_log("ngx", lambda o, e: [l for l in e if l.endswith("-> held: hook %s exited 1" % HOOK)])
tap.ok(held and held[0].startswith("selfpipe-run: info: SIGHUP from outside the container by kill -> "),
       "podman kill -s HUP, a broken conf: held by the gate (nginx -t failed)", pod.logs("ngx")[1][-10:])
tap.ok(get() == "v2" and pod.running("ngx"), "  nginx still runs and serves v2")

r = pod("stop", "-t", "10", "ngx")
code = pod.exit_code("ngx")
tap.ok(code == 0, "podman stop: nginx's fast shutdown, exit 0 (got %s)" % code, pod.logs("ngx")[1][-10:])
tap.done()
