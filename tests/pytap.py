# ISC license.
"""The python tests' one TAP printer and one "wait until, or give up at a
deadline" loop; unittest, printed as TAP, for the tests/py-*.t.

Every deadline goes through scaled(): SP_TIMEOUT_SCALE (a float, default
1) stretches them all on a slow machine, and the sanitizer and valgrind
passes stretch them more, so a busy machine gets more time instead of a
failure.

Importing this puts src/python first on sys.path, so the tests use the
tree's self_pipe; SELFPIPE_LIB (set by tests/check) names the library.
"""

import os
import sys
import time
import traceback
import unittest

SRC = os.environ.get("SP_SRC") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("SP_BUILD") or os.path.join(SRC, "build")
os.environ.setdefault("SELFPIPE_LIB", os.path.join(BUILD, "libselfpipe.so"))
sys.path.insert(0, os.path.join(SRC, "src", "python"))

PHASE = os.environ.get("SP_PHASE", "plain")
try:
    SCALE = float(os.environ.get("SP_TIMEOUT_SCALE") or 1)
    if not SCALE > 0:
        raise ValueError
except ValueError:   # a typo must not pass for the default
    sys.exit("SP_TIMEOUT_SCALE=%s is not a positive number" % os.environ["SP_TIMEOUT_SCALE"])
# valgrind is ~20x slower, the sanitizers ~3x: stretch every wait
SLOW = {"valgrind": 10.0, "sanitize": 3.0}.get(PHASE, 1.0) * SCALE
# waits for "nothing more happens": a slower runner can only make such a
# check pass wrongly, never fail, so the phases stretch them less
SETTLE = min({"valgrind": 10.0, "sanitize": 3.0}.get(PHASE, 1.0), 2.0) * SCALE


def scaled(seconds):
    """A deadline of seconds on a quiet machine, in this phase, at this scale."""
    return seconds * SLOW


def wait_until(pred, timeout, step=0.01):
    """Polls pred until it returns something true or timeout (scaled) passes:
    that value, or pred's last one at the deadline."""
    deadline = time.monotonic() + scaled(timeout)
    while True:
        r = pred()
        if r or time.monotonic() >= deadline:
            return r
        time.sleep(step)


def settle(seconds):
    """Lets seconds (scaled by SETTLE) pass for a check that nothing more
    happens: there is no condition to wait for, only its absence."""
    time.sleep(seconds * SETTLE)


def file_lines(path):
    """The lines of the file at path, [] while there is none."""
    try:
        with open(path) as f:
            return f.read().splitlines()
    except OSError:
        return []


class Tap:
    """ok N - what / not ok N - what, a diagnostic under a failure."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, diag=None):
        self.n += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, what), flush=True)
        if not cond:
            self.failed += 1
            if diag is not None:
                self.note(diag, "#   ", 40)
        return cond

    def skip(self, what, why):
        """Only for what cannot be checked at all in this phase: tests/check
        counts it as a skip, never a pass."""
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, what, why), flush=True)

    @staticmethod
    def note(text, prefix="# ", last=None):
        lines = str(text).rstrip("\n").split("\n")
        for line in lines[-last:] if last else lines:
            print(prefix + line, flush=True)

    def plan(self):
        print("1..%d" % self.n, flush=True)
        return 1 if self.failed else 0

    def done(self):
        sys.exit(self.plan())


def make_env():
    """The environment for a make of the test's own, not a part of the
    make check that may run it."""
    return {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


def make_var(name, *args):
    """The value of a variable of the tree's Makefile, as make sees it
    (args: more variable settings for its command line)."""
    import subprocess
    rule = "sp-print-var:\n\t@printf '%%s\\n' '$(%s)'\n" % name
    r = subprocess.run([os.environ.get("MAKE", "make"), "-s", "--no-print-directory", "-C", SRC,
                        "-f", "Makefile", "-f", "-"] + list(args) + ["sp-print-var"],
                       input=rule, capture_output=True, text=True, env=make_env(), check=True)
    return r.stdout.rstrip("\n")


class TapResult(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.tap = Tap()

    def _line(self, test, cond, comment="", err=None):
        if isinstance(test, unittest.TestCase):
            name = "%s.%s" % (type(test).__name__, test._testMethodName)
            doc = test.shortDescription()
        else:   # setUpClass and the like
            name, doc = str(test), None
        self.tap.ok(cond, "%s%s%s" % (name, " (%s)" % doc if doc else "", comment),
                    "".join(traceback.format_exception(*err)) if err else None)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(test, True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(test, False, err=err)

    def addError(self, test, err):
        super().addError(test, err)
        self._line(test, False, err=err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line(test, True, " # SKIP " + reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._line(test, True, " # TODO expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._line(test, False, " # unexpected success")


def main(module="__main__"):
    """Runs every test of the module, in the order they are defined."""
    mod = sys.modules[module]
    order = {name: i for i, name in enumerate(vars(mod))}
    suite = unittest.TestSuite()
    classes = [c for c in vars(mod).values() if isinstance(c, type) and issubclass(c, unittest.TestCase)]
    for cls in sorted(classes, key=lambda c: order[c.__name__]):
        names = [n for n in vars(cls) if n.startswith("test")]
        suite.addTests(cls(n) for n in names)  # definition order, not alphabetical
    r = TapResult()
    suite.run(r)
    r.tap.done()
