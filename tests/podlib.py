# ISC license. Harness for the tests/int-podman-*.t stories: a real OCI
# engine (podman + runc, from Debian) with a private configuration and
# private storage in a temporary directory, so the tests never read or
# change the system's containers.conf, storage, images or networks.
#
#  - containers.conf (CONTAINERS_CONF): runc (crun fails on this kind of
#    hybrid cgroup layout), cgroupfs, ulimits under root's hard limits
#    (the defaults exceed them), no network, k8s-file logs, and every
#    state and event file under the temporary directory;
#  - storage.conf (CONTAINERS_STORAGE_CONF): vfs, graph and run roots in
#    the temporary directory;
#  - images built locally (no registry is reachable): the selfpipe-run
#    image by tools/image (package/Containerfile, FROM scratch), a test
#    base (FROM scratch: busybox and tests/containers/ctchild, the test
#    service, static musl) and the test image, the runner copied into
#    that base by package/Containerfile.copy.
#
# What cannot work at all here (no podman, no musl-gcc, no musl runner,
# no container can start) is a skip that says why, never a pass. At
# exit every container and pod is removed (by id, in the private
# storage) and the directory goes.

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytap import Tap, SRC, scaled, wait_until  # noqa: E402,F401

MUSL_RUNNER = os.environ.get("SP_MUSL_RUNNER") or os.path.join(SRC, "build-musl", "selfpipe-run")
BUSYBOX = "/bin/busybox"
IMAGE = "localhost/selfpipe-run"
BASE = "localhost/sp-test-base"
TEST = "localhost/sp-test"
SELFPIPE = "/usr/bin/selfpipe-run"     # where Containerfile.copy puts it

CONF = """[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "none"
log_driver = "k8s-file"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "{d}/events.log"
tmp_dir = "{d}/tmp"
volume_path = "{d}/volumes"
"""

STORAGE = """[storage]
driver = "vfs"
runroot = "{d}/run"
graphroot = "{d}/root"
"""


class Podman:
    def __init__(self, tap):
        self.tap = tap
        self.dir = None
        why = self._missing()
        if why:
            self.skip_all(why)
        self.dir = tempfile.mkdtemp(prefix="sp-podman-", dir="/var/tmp")
        atexit.register(self.cleanup)
        for name, text in (("containers.conf", CONF), ("storage.conf", STORAGE)):
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(text.format(d=self.dir))
        self.env = dict(os.environ, CONTAINERS_CONF=os.path.join(self.dir, "containers.conf"),
                        CONTAINERS_STORAGE_CONF=os.path.join(self.dir, "storage.conf"))
        self.child = os.path.join(self.dir, "ctchild")
        src = os.path.join(SRC, "tests", "containers", "ctchild.c")
        r = subprocess.run(["musl-gcc", "-static", "-Os", "-Wall", "-Wextra", "-s", "-o", self.child, src],
                           capture_output=True, text=True)
        if r.returncode:
            tap.ok(False, "ctchild builds with musl-gcc", r.stderr)
            tap.done()

    @staticmethod
    def _missing():
        if os.geteuid() != 0:
            return "the container tests run as root (rootful podman)"
        for tool, pkg in (("podman", "podman"), ("runc", "runc"), ("musl-gcc", "musl-tools")):
            if not shutil.which(tool):
                return "%s not found (apt-get install %s)" % (tool, pkg)
        if not os.access(BUSYBOX, os.X_OK):
            return "no static busybox (apt-get install busybox-static)"
        if not os.access(MUSL_RUNNER, os.X_OK):
            return "no musl runner at %s (make musl; make check-containers builds it)" % MUSL_RUNNER
        if not os.environ.get("SP_MUSL_RUNNER"):
            # a runner older than the sources would test old code
            built = os.path.getmtime(MUSL_RUNNER)
            for d in ("src/selfpipe", "src/libselfpipe", "src/include/selfpipe"):
                for name in os.listdir(os.path.join(SRC, d)):
                    if os.path.getmtime(os.path.join(SRC, d, name)) > built:
                        return "%s is older than %s/%s (make musl; make check-containers rebuilds it)" % (MUSL_RUNNER, d, name)
        return None

    def skip_all(self, why):
        self.tap.skip("a container engine to test under", why)
        self.tap.done()

    def __call__(self, *args, timeout=120, check=False):
        """podman args, with the private configuration: a CompletedProcess."""
        r = subprocess.run(["podman"] + list(args), env=self.env, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=scaled(timeout))
        if check and r.returncode:
            self.tap.ok(False, "podman %s" % " ".join(args), r.stdout + r.stderr)
            self.tap.done()
        return r

    def build_images(self):
        """The three images; a skip if the first container cannot start."""
        r = subprocess.run(["sh", os.path.join(SRC, "tools", "image")], env=self.env, capture_output=True,
                           text=True, timeout=scaled(300), cwd=SRC)
        if r.returncode:
            self.tap.ok(False, "make image (tools/image) builds %s" % IMAGE, r.stdout + r.stderr)
            self.tap.done()
        # the FROM-scratch image alone: the runner, no service: its usage
        self.probe = self("run", "--rm", IMAGE)
        if "usage" not in self.probe.stderr:
            self.skip_all("no container can start here: %s" % (self.probe.stderr.strip().splitlines() or ["?"])[-1])
        ctx = os.path.join(self.dir, "base")
        os.mkdir(ctx)
        shutil.copy(self.child, os.path.join(ctx, "ctchild"))
        shutil.copy(BUSYBOX, os.path.join(ctx, "busybox"))
        with open(os.path.join(ctx, "Containerfile"), "w") as f:
            f.write("FROM scratch\nCOPY ctchild /ctchild\nCOPY busybox /bin/busybox\n")
        self("build", "-q", "-t", BASE, ctx, check=True, timeout=300)
        self("build", "-q", "-f", os.path.join(SRC, "package", "Containerfile.copy"),
             "--build-arg", "SELFPIPE=%s:latest" % IMAGE, "--build-arg", "BASE=%s" % BASE,
             "-t", TEST, ctx, check=True, timeout=300)
        return r.stdout.strip()

    def logs(self, name):
        """(stdout lines, stderr lines) so far."""
        r = subprocess.run(["podman", "logs", name], env=self.env, capture_output=True, text=True,
                           timeout=scaled(60))
        return r.stdout.splitlines(), r.stderr.splitlines()

    def wait_log(self, name, pred, timeout=20):
        """Waits until pred(stdout lines, stderr lines) is true; its value."""
        return wait_until(lambda: pred(*self.logs(name)), timeout, step=0.05)

    def exit_code(self, name, timeout=60):
        r = self("wait", name, timeout=timeout)
        try:
            return int(r.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return None

    def running(self, name):
        r = self("inspect", "--format", "{{.State.Running}}", name)
        return r.stdout.strip() == "true"

    def cleanup(self):
        if not self.dir:
            return
        d, self.dir = self.dir, None
        for what in (("pod", "rm", "-a", "-f", "-t", "0"), ("rm", "-a", "-f", "-t", "0")):
            try:
                self(*what, timeout=120)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(d, ignore_errors=True)


def status_kb(podman, name, pid, field="VmRSS"):
    """A /proc/pid/status field in kB, read inside the container."""
    r = podman("exec", name, "/bin/busybox", "cat", "/proc/%d/status" % pid)
    m = re.search(r"^%s:\s+(\d+)" % field, r.stdout, re.M)
    return int(m.group(1)) if m else None


def container_procs(podman, name):
    """[(pid, state, comm)] of every process in the container but the exec'd reader."""
    script = "for s in /proc/[0-9]*/stat ; do cat $s 2>/dev/null ; echo ; done"
    r = podman("exec", name, "/bin/busybox", "sh", "-c", script)
    out = []
    for line in r.stdout.splitlines():
        m = re.match(r"(\d+) \((.*)\) (\S)", line)
        if m and m.group(2) not in ("busybox", "sh", "cat"):
            out.append((int(m.group(1)), m.group(3), m.group(2)))
    return out


def now():
    return time.monotonic()
