#!/usr/bin/env python3
# ISC license. The Makefile's knobs (the build directory, the sanitizer
# flavour, the configure results...) come from its own files and the
# command line, never from the environment: a shell that happens to
# export B, SANITIZE or DO_SHARED must not move the build or change it.
# A scratch copy of the tree is configured and built with such an
# environment, and the makefiles themselves are checked for any
# variable the environment could still set.

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytap

MAKE = os.environ.get("MAKE", "make")

# What a user's shell may export for reasons of its own.
HOSTILE = {
    "B": "/nonexistent/B", "SP_BUILDDIR": "/nonexistent/SP_BUILDDIR",
    "SANITIZE": "1", "DO_SHARED": "false", "DO_STATIC": "false",
    "DO_ALLSTATIC": "true", "DO_PYTHON": "false", "DO_STATIC_SKALIBS": "false",
    "SAN_FLAGS": "-DHOSTILE_SAN", "SP_CFLAGS": "-DHOSTILE_SPCFLAGS", "LIBS": "-lhostile",
    "FUZZ_CC": "/nonexistent/fuzz-cc", "FUZZ_RUNS": "3", "FUZZ_DIR": "/nonexistent/fuzz",
    "COV_DIR": "/nonexistent/cov", "MUSL_DIR": "/nonexistent/musl", "MUSL_MAX_SIZE": "1",
    "SONAME": "hostile.so", "version": "9.9.9.9", "prefix": "/nonexistent/prefix",
    "libdir": "/nonexistent/libdir", "bindir": "/nonexistent/bindir", "pythondir": "/nonexistent/py",
    # configure took CC from the environment once; make keeps its choice
    "CC": "/nonexistent/cc",
}

# Taken from the environment on purpose: the usual build and install
# variables, which users export precisely to have them honoured.
ENV_OK = {"CFLAGS", "CPPFLAGS", "LDFLAGS", "RANLIB", "AR", "DESTDIR", "MAKE"}

with open(os.path.join(pytap.SRC, "package", "info")) as f:
    VERSION = re.search(r"(?m)^version=(\S+)$", f.read()).group(1)

MAKEFILES = ["Makefile", "package/targets.mak", "package/info"]


def makefiles(top):
    return [os.path.join(top, f) for f in MAKEFILES] + \
        sorted(os.path.join(top, "mk", f) for f in os.listdir(os.path.join(top, "mk")) if f.endswith(".mak"))


def clean_env(extra=None):
    # a make of its own, not a part of the make check that may run us
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL") and k not in HOSTILE}
    env.update(extra or {})
    return env


class Scratch(unittest.TestCase):
    """A configured copy of the tree, without any build directory."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.top = os.path.join(cls.tmp, "tree")
        shutil.copytree(pytap.SRC, cls.top, symlinks=True,
                        ignore=shutil.ignore_patterns(".git", "build", "build-*", "config.mak", "__pycache__"))
        r = subprocess.run(["./configure"], cwd=cls.top, env=clean_env(), capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("configure failed: " + r.stdout + r.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def make(self, *args, env=None):
        return subprocess.run([MAKE, "-C", self.top] + list(args), env=clean_env(env),
                              capture_output=True, text=True)

    def outputs(self, text):
        """What the commands of make -n write: the -o targets, the archive."""
        return re.findall(r"(?:-o|\brc)\s+(\S+)", text)

    def test_dry_run_ignores_environment(self):
        """make -n all with B, SANITIZE, DO_SHARED... exported: everything goes to build/, unsanitized, shared too"""
        r = self.make("-n", "all", env=HOSTILE)
        self.assertEqual(r.returncode, 0, r.stderr)
        outs = self.outputs(r.stdout)
        self.assertIn("build/libselfpipe.a", outs)
        self.assertIn("build/selfpipe-run", outs)
        self.assertIn("build/libselfpipe.so." + VERSION, outs)
        self.assertEqual([o for o in outs if not o.startswith("build/")], [])
        for word in ("/nonexistent", "build-san", "-fsanitize", "HOSTILE", "hostile", "9.9"):
            self.assertNotIn(word, r.stdout + r.stderr)
        self.assertIn("-Wl,-soname,libselfpipe.so.%s " % ".".join(VERSION.split(".")[:2]), r.stdout)

    def test_command_line_still_counts(self):
        """make SP_BUILDDIR=dir and make SANITIZE=1 on the command line do move and change the build"""
        r = self.make("-n", "all", "SP_BUILDDIR=elsewhere", env=HOSTILE)
        self.assertEqual(r.returncode, 0, r.stderr)
        outs = self.outputs(r.stdout)
        self.assertIn("elsewhere/selfpipe-run", outs)
        self.assertEqual([o for o in outs if not o.startswith("elsewhere/")], [])
        r = self.make("-n", "all", "SANITIZE=1")
        self.assertEqual(r.returncode, 0, r.stderr)
        outs = self.outputs(r.stdout)
        self.assertIn("build-san/selfpipe-run", outs)
        self.assertIn("-fsanitize=address,undefined", r.stdout)
        self.assertNotIn("-shared", r.stdout)

    def test_install_dirs(self):
        """make -n install: configure's directories, not the environment's; DESTDIR is honoured"""
        r = self.make("-n", "install", env=dict(HOSTILE, DESTDIR="/staging"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("/staging/usr/local/lib/libselfpipe.a", r.stdout)
        self.assertIn("/staging/usr/local/bin", r.stdout)
        self.assertNotIn("/nonexistent", r.stdout + r.stderr)

    def test_fuzz_knobs(self):
        """FUZZ_RUNS and FUZZ_CC: from the command line, not from the environment"""
        r = self.make("-n", "fuzz", env=HOSTILE)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("-runs=200000", r.stdout)
        self.assertNotIn("/nonexistent", r.stdout)
        self.assertRegex(r.stdout, r"(?m)^clang ")
        r = self.make("-n", "fuzz", "FUZZ_RUNS=7")
        self.assertIn("-runs=7", r.stdout)

    def test_real_build(self):
        """a real make in the scratch tree with that environment builds build/, and the runner runs"""
        r = self.make("-s", "-j2", "all", env=HOSTILE)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(d for d in os.listdir(self.top) if d.startswith("build")), ["build"])
        for f in ("libselfpipe.a", "libselfpipe.so", "selfpipe-run", "selfpipe.pc"):
            self.assertTrue(os.path.exists(os.path.join(self.top, "build", f)), f)
        r = subprocess.run([os.path.join(self.top, "build", "selfpipe-run"), "true"], capture_output=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(self.top, "build", "selfpipe.pc")) as f:
            pc = f.read()
        self.assertIn("prefix=/usr/local", pc)
        self.assertIn("Version: %s\n" % VERSION, pc)


# $(NAME) or ${NAME} or $(NAME:a=b), not $$(shell...) nor a function call
REF = re.compile(r"(?<!\$)\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}:]")
ASSIGN = re.compile(r"^\s*(?:override\s+|export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(\?=|:=|::=|\+=|=)", re.M)


class Makefiles(unittest.TestCase):
    """Every variable of the makefiles: which ones could the environment set?"""

    def setUp(self):
        self.refs, self.assigned = set(), {}
        for f in makefiles(pytap.SRC):
            with open(f) as h:
                text = h.read()
            # recipe lines are shell: $$x there is the shell's, skipped by
            # REF, and x=1 there is no assignment of make's
            self.refs |= set(REF.findall(text))
            for line in re.sub(r"\\\n", " ", text).split("\n"):
                if line.startswith("\t"):
                    continue
                for name, op in ASSIGN.findall(line):
                    self.assigned.setdefault(name, set()).add(op)
        # written by ./configure, always with :=
        with open(os.path.join(pytap.SRC, "configure")) as h:
            for name in re.findall(r'echo "([A-Za-z_][A-Za-z0-9_]*) := ', h.read()):
                self.assigned.setdefault(name, set()).add(":=")

    def test_no_conditional_assignment(self):
        """no ?= but for the usual build variables"""
        cond = sorted(n for n, ops in self.assigned.items() if "?=" in ops and n not in ENV_OK)
        self.assertEqual(cond, [])

    def test_no_unassigned_reference(self):
        """every variable the makefiles read is set by them, by configure, or is a usual one"""
        self.assertIn("SP_BUILDDIR", self.refs)
        unset = sorted(n for n in self.refs if n not in self.assigned and n not in ENV_OK)
        self.assertEqual(unset, [])

    def test_no_append_only(self):
        """no += to a variable that is never set first (it would add to the environment's value)"""
        only = sorted(n for n, ops in self.assigned.items() if ops == {"+="})
        self.assertEqual(only, [])

    def test_no_B(self):
        """the build directory is not called B any more"""
        self.assertNotIn("B", self.refs | set(self.assigned))


pytap.main()
