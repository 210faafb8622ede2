# ISC license.
"""unittest, printed as TAP for tests/check; shared by the tests/py-*.t.

Importing this puts src/python first on sys.path, so the tests use the
tree's self_pipe; SELFPIPE_LIB (set by tests/check) names the library.
"""

import os
import sys
import traceback
import unittest

SRC = os.environ.get("SP_SRC") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("SP_BUILD") or os.path.join(SRC, "build")
os.environ.setdefault("SELFPIPE_LIB", os.path.join(BUILD, "libselfpipe.so"))
sys.path.insert(0, os.path.join(SRC, "src", "python"))


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
        self.n = 0

    def _line(self, test, status, comment=""):
        self.n += 1
        name = "%s.%s" % (type(test).__name__, getattr(test, "_testMethodName", str(test)))
        doc = test.shortDescription()
        print("%s %d - %s%s%s" % (status, self.n, name, " (%s)" % doc if doc else "", comment), flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(test, "ok")

    def _bad(self, test, err):
        self._line(test, "not ok")
        for l in "".join(traceback.format_exception(*err)).splitlines():
            print("#   " + l, flush=True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._bad(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        if isinstance(test, unittest.TestCase):
            self._bad(test, err)
        else:   # setUpClass and the like: not a test of its own
            self.n += 1
            print("not ok %d - %s" % (self.n, test), flush=True)
            for l in "".join(traceback.format_exception(*err)).splitlines():
                print("#   " + l, flush=True)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line(test, "ok", " # SKIP " + reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._line(test, "ok", " # TODO expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._line(test, "not ok", " # unexpected success")


def main(module="__main__"):
    """Runs every test of the module, in the order they are defined."""
    loader = unittest.TestLoader()
    mod = sys.modules[module]
    order = {name: i for i, name in enumerate(vars(mod))}
    suite = unittest.TestSuite()
    classes = [c for c in vars(mod).values() if isinstance(c, type) and issubclass(c, unittest.TestCase)]
    for cls in sorted(classes, key=lambda c: order[c.__name__]):
        names = [n for n in vars(cls) if n.startswith("test")]
        suite.addTests(cls(n) for n in names)  # definition order, not alphabetical
    r = TapResult()
    suite.run(r)
    print("1..%d" % r.n)
    sys.exit(0 if r.wasSuccessful() else 1)
