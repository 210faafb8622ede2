#!/usr/bin/env python3
# ISC license. selfpipe-run out of resources, as an unprivileged user
# (nobody, through setpriv: root ignores RLIMIT_NPROC):
#  1. fork fails (RLIMIT_NPROC 1): exit 111, one clear fatal line;
#  2. RLIMIT_NOFILE 3: exit 111, one clear fatal line; and for every
#     limit from 3 to 12: either it works (exit 0) or it fails cleanly
#     (111 and one fatal line), never a crash.
# The limits are set by prlimit, which then execs the runner. stdin is
# closed: a dynamic runner needs one free descriptor for ld.so to open its
# libraries before main() runs, and that is not what is tested here.
# Plain pass only, as every stress-*.t: valgrind and the sanitizers need
# descriptors and processes of their own.

import errno, os, subprocess, sys
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from sprun_lib import *

tap = Tap()
check_setup(tap)

if subprocess.call(["sh", "-c", "command -v setpriv"], stdout=subprocess.DEVNULL) != 0:
    tap.ok(False, "setpriv is installed (Debian package util-linux)")
    tap.done()


def run(*limits):
    """(exit code, stderr lines) of `selfpipe-run -v0 true` (errors only)
    as nobody with limits"""
    p = subprocess.run(AS_NOBODY + ["prlimit"] + list(limits) + [RUNNER, "-v0", "true"],
                       preexec_fn=lambda: os.close(0), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=scaled(30))
    # in the coverage build, libgcov may not get a descriptor either
    return p.returncode, [l for l in p.stderr.decode("utf-8", "replace").splitlines() if not l.startswith("profiling:")]


def clean_failure(rc, err, why):
    """exit 111, one fatal line ending with why (glibc's or musl's strerror)"""
    return rc == 111 and len(err) == 1 and err[0].startswith("selfpipe-run: fatal: ") \
        and any(err[0].endswith(": " + w) for w in why)


rc, err = run()
tap.ok(rc == 0 and not err, "as nobody, with no limit: runs true, exit 0 (rc %s)" % rc, "\n".join(err))

rc, err = run("--nproc=1")
tap.ok(clean_failure(rc, err, (os.strerror(errno.EAGAIN), "Resource temporarily unavailable")),
       "RLIMIT_NPROC 1: fork fails, exit 111 and one fatal line (rc %s)" % rc, "\n".join(err))

rc, err = run("--nofile=3")
tap.ok(clean_failure(rc, err, (os.strerror(errno.EMFILE), "No file descriptors available")),
       "RLIMIT_NOFILE 3: exit 111 and one fatal line (rc %s)" % rc, "\n".join(err))

bad = []
works = []
for n in range(3, 13):
    rc, err = run("--nofile=%d" % n)
    if rc == 0 and not err:
        works.append(n)
    elif not (rc == 111 and len(err) == 1 and err[0].startswith("selfpipe-run: fatal: ")):
        bad.append("%d: rc %s: %s" % (n, rc, " | ".join(err[:3])))
tap.ok(not bad, "RLIMIT_NOFILE 3..12: a clean run or a clean failure, never a crash (runs from %s)" % (works[:1] or "none"),
       "\n".join(bad))
tap.ok(12 in works, "RLIMIT_NOFILE 12 is enough to run a child")

tap.done()
