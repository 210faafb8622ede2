#!/usr/bin/env python3
# ISC license. self_pipe's ctypes mirror of the C ABI, and how the module
# finds libselfpipe.

import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytap

from self_pipe import _lib


class Layout(unittest.TestCase):
    def setUp(self):
        out = subprocess.run([os.path.join(pytap.BUILD, "tests", "py-spinfo")],
                             check=True, capture_output=True, text=True).stdout.split()
        self.c = dict(w.split("=") for w in out)

    def test_sizeof(self):
        """ctypes SpInfo is as big as the C struct sp_info"""
        self.assertEqual(ctypes.sizeof(_lib.SpInfo), int(self.c["sizeof"]))

    def test_fields(self):
        """every field of SpInfo at the C offset, with the C size"""
        names = [f[0] for f in _lib.SpInfo._fields_]
        self.assertEqual(names, ["sig", "code", "pid", "uid", "status", "lost", "value"])
        for n in names:
            f = getattr(_lib.SpInfo, n)
            self.assertEqual("%d:%d" % (f.offset, f.size), self.c[n], n)

    def test_sigset(self):
        """the sigset_t given to sp_init is at least the C sigset_t"""
        self.assertGreaterEqual(ctypes.sizeof(_lib.SigSet), int(self.c["sigset_t"]))


def probe(moddir, env_lib=None, ld_path=None):
    """Imports self_pipe from moddir in a fresh python; returns (rc, output)."""
    env = dict(os.environ)
    env.pop("SELFPIPE_LIB", None)
    env.pop("LD_LIBRARY_PATH", None)
    if ld_path is not None:
        env["LD_LIBRARY_PATH"] = ld_path
    if env_lib is not None:
        env["SELFPIPE_LIB"] = env_lib
    r = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                        "from self_pipe import _lib; print(_lib.path)", moddir],
                       env=env, capture_output=True, text=True, cwd="/")
    return r.returncode, r.stdout.strip() + r.stderr.strip()


class Finding(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.mod = os.path.join(self.tmp, "self_pipe")
        shutil.copytree(os.path.join(pytap.SRC, "src", "python", "self_pipe"), self.mod,
                        ignore=shutil.ignore_patterns("__pycache__", "_config.py"))
        self.real = os.path.realpath(os.environ["SELFPIPE_LIB"])

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_env(self):
        """SELFPIPE_LIB names the library"""
        self.assertEqual(probe(self.mod + "/..", self.real), (0, self.real))

    def test_env_bad(self):
        """a SELFPIPE_LIB that does not load is an ImportError naming it, no fallback"""
        os.symlink(self.real, os.path.join(self.mod, "libselfpipe.so"))
        rc, out = probe(self.tmp, "/nonexistent/libselfpipe.so")
        self.assertNotEqual(rc, 0)
        self.assertIn("ImportError", out)
        self.assertIn("/nonexistent/libselfpipe.so", out)

    def test_next_to_module(self):
        """without SELFPIPE_LIB, libselfpipe.so beside the module"""
        os.symlink(self.real, os.path.join(self.mod, "libselfpipe.so"))
        self.assertEqual(probe(self.tmp), (0, os.path.join(self.mod, "libselfpipe.so")))

    def test_config_libdir(self):
        """then the soname that make install wrote in _config.py, in the libdir it wrote there"""
        libdir = os.path.join(self.tmp, "lib")
        os.mkdir(libdir)
        soname = "libselfpipe.so.98.76"
        os.symlink(self.real, os.path.join(libdir, soname))
        os.symlink(self.real, os.path.join(libdir, "libselfpipe.so"))   # not this one
        with open(os.path.join(self.mod, "_config.py"), "w") as f:
            f.write("libdir = %r\nsoname = %r\n" % (libdir, soname))
        self.assertEqual(probe(self.tmp), (0, os.path.join(libdir, soname)))

    def test_config_soname_only(self):
        """installed with a soname: another soname is another ABI, and is not taken"""
        libdir = os.path.join(self.tmp, "lib")
        os.mkdir(libdir)
        os.symlink(self.real, os.path.join(libdir, "libselfpipe.so"))
        with open(os.path.join(self.mod, "_config.py"), "w") as f:
            f.write("libdir = %r\nsoname = %r\n" % (libdir, "libselfpipe.so.98.76"))
        rc, out = probe(self.tmp, ld_path=libdir)
        self.assertNotEqual(rc, 0, out)
        self.assertIn("libselfpipe.so.98.76", out)

    def test_link_name(self):
        """no _config.py (the tree's module): the link name, through the dynamic linker"""
        libdir = os.path.join(self.tmp, "lib")
        os.mkdir(libdir)
        os.symlink(self.real, os.path.join(libdir, "libselfpipe.so"))
        self.assertEqual(probe(self.tmp, ld_path=libdir), (0, "libselfpipe.so"))

    def test_not_found(self):
        """nowhere to be found: an ImportError that says what to do"""
        rc, out = probe(self.tmp)
        if rc == 0:     # the library is installed system-wide: that is found too
            self.assertIn("libselfpipe", out)
        else:
            self.assertIn("SELFPIPE_LIB", out)


pytap.main()
