#!/usr/bin/env python3
# ISC license. make install-python: the module lands in $(pythondir) and
# finds the installed library through the libdir it was given, without
# SELFPIPE_LIB; DO_PYTHON=false leaves it out; make install includes it.

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytap

MAKE = os.environ.get("MAKE", "make")


def make(*args):
    return subprocess.run([MAKE, "-s", "-C", pytap.SRC, "SP_BUILDDIR=" + pytap.BUILD] + list(args),
                          capture_output=True, text=True, env=pytap.make_env())


class Install(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_installed_module_finds_library(self):
        """installed with libdir and pythondir: imports and works without SELFPIPE_LIB"""
        lib, py = os.path.join(self.tmp, "lib"), os.path.join(self.tmp, "py")
        r = make("install-lib", "install-python", "DO_PYTHON=true", "libdir=" + lib, "pythondir=" + py)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(py, "self_pipe", "_config.py")))
        env = {k: v for k, v in os.environ.items() if k not in ("SELFPIPE_LIB", "LD_LIBRARY_PATH", "PYTHONPATH")}
        env["PYTHONPATH"] = py
        code = ("import os, signal, self_pipe, self_pipe._lib as l; print(l.path)\n"
                "with self_pipe.SelfPipe([signal.SIGUSR1]) as sp:\n"
                "    os.kill(os.getpid(), signal.SIGUSR1); print(sp.poll().name)\n")
        r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd="/")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split(), [os.path.join(lib, pytap.make_var("SONAME")), "SIGUSR1"])

    def test_disabled(self):
        """DO_PYTHON=false (configure --disable-python): nothing installed"""
        py = os.path.join(self.tmp, "py")
        r = make("install-python", "DO_PYTHON=false", "pythondir=" + py)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.exists(py))

    def test_in_install(self):
        """make install installs the module too (and py.typed, its type hints), under DESTDIR"""
        r = make("install", "DO_PYTHON=true", "DESTDIR=" + self.tmp, "pythondir=/py")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(os.listdir(os.path.join(self.tmp, "py", "self_pipe"))),
                         ["__init__.py", "_config.py", "_lib.py", "py.typed"])


pytap.main()
