#!/usr/bin/env python3
# ISC license. The Python module's idea of the library's soname is the
# Makefile's: make install gives it the SONAME it built the library
# with, so a version bump cannot leave the module looking for an old
# file. The module's source names no version, and a build with another
# version installs a module that loads that version's library.

import glob
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
CODE = ("import os, signal, self_pipe, self_pipe._lib as l; print(l.SONAME, l.path)\n"
        "with self_pipe.SelfPipe([signal.SIGUSR1]) as sp:\n"
        "    os.kill(os.getpid(), signal.SIGUSR1); print(sp.poll().name)\n")


def dt_soname(path):
    """The DT_SONAME of a shared library, as readelf prints it."""
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=True).stdout
    m = re.search(r"\(SONAME\)\s+Library soname: \[([^]]+)\]", out)
    return m and m.group(1)


class Soname(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.soname = pytap.make_var("SONAME")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def install(self, *args):
        lib, py = os.path.join(self.tmp, "lib"), os.path.join(self.tmp, "py")
        r = subprocess.run([MAKE, "-s", "-C", pytap.SRC, "install-lib", "install-python", "DO_PYTHON=true",
                            "DO_SHARED=true", "libdir=" + lib, "pythondir=" + py] + list(args),
                           capture_output=True, text=True, env=pytap.make_env())
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return lib, py

    def run_installed(self, py):
        env = {k: v for k, v in os.environ.items() if k not in ("SELFPIPE_LIB", "LD_LIBRARY_PATH", "PYTHONPATH")}
        env["PYTHONPATH"] = py
        r = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, cwd="/")
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.split()

    def test_no_version_in_module(self):
        """the module's source names no libselfpipe.so.N"""
        for f in sorted(glob.glob(os.path.join(pytap.SRC, "src", "python", "self_pipe", "*.py"))):
            with open(f) as h:
                self.assertIsNone(re.search(r"libselfpipe\.so\.[0-9]", h.read()), f)

    def test_built_soname(self):
        """the library the build made carries the Makefile's SONAME"""
        if not shutil.which("readelf"):
            self.skipTest("no readelf")
        self.assertRegex(self.soname, r"^libselfpipe\.so\.[0-9]+\.[0-9]+$")
        self.assertEqual(dt_soname(os.path.realpath(os.path.join(pytap.BUILD, "libselfpipe.so"))), self.soname)

    def test_installed_module_agrees(self):
        """make install: the module's SONAME is the Makefile's, and it loads that file"""
        lib, py = self.install("SP_BUILDDIR=" + pytap.BUILD)
        self.assertEqual(self.run_installed(py), [self.soname, os.path.join(lib, self.soname), "SIGUSR1"])

    def test_version_bump(self):
        """a build with another version: the installed module finds that version's library"""
        build = os.path.join(self.tmp, "build")
        lib, py = self.install("SP_BUILDDIR=" + build, "version=7.3.0.0")
        bumped = pytap.make_var("SONAME", "version=7.3.0.0")
        self.assertEqual(bumped, "libselfpipe.so.7.3")
        self.assertTrue(os.path.isfile(os.path.join(lib, "libselfpipe.so.7.3.0.0")))
        if shutil.which("readelf"):
            self.assertEqual(dt_soname(os.path.join(lib, "libselfpipe.so.7.3.0.0")), bumped)
        self.assertEqual(self.run_installed(py), [bumped, os.path.join(lib, bumped), "SIGUSR1"])


pytap.main()
