#!/usr/bin/env python3
# ISC license. The README's Python instructions, run as they are written
# there: from the build tree (PYTHONPATH and SELFPIPE_LIB), after make
# install, and with pip into a virtual environment, offline (no package
# index: --no-index, the system's setuptools). The installs go to a
# copy of the tree configured with a scratch --prefix. Then what pip
# installs: py.typed, the libdir of the tree's configuration, the error
# that names that place and SELFPIPE_LIB, SELFPIPE_LIB over it, and a
# module built outside a configured tree.

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytap

MAKE = os.environ.get("MAKE", "make")
# Debian's python3, whose setuptools and wheel tools/install-deps
# installs (python3-setuptools, python3-wheel): the offline recipe is
# for it. Another python3 first on PATH may lack them.
PYTHON = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable
USE = "import os, signal, self_pipe._lib as l, self_pipe as s; print(l.path)\n" \
      "with s.SelfPipe([signal.SIGUSR1]) as sp:\n    os.kill(os.getpid(), signal.SIGUSR1); print(sp.poll().name)\n"


def readme_block(start):
    """The command lines of the README's first indented block after the
    paragraph that starts with start."""
    with open(os.path.join(pytap.SRC, "README")) as f:
        lines = f.read().split("\n")
    i = next(n for n, line in enumerate(lines) if line.startswith(" " + start))
    while not lines[i].startswith("   "):
        i += 1
    block = []
    while lines[i].startswith("   "):
        block.append(lines[i].strip())
        i += 1
    return block


def clean_env(**more):
    env = {k: v for k, v in pytap.make_env().items()
           if k not in ("SELFPIPE_LIB", "PYTHONPATH", "LD_LIBRARY_PATH", "VIRTUAL_ENV", "PIP_INDEX_URL")}
    env.update(more)
    return env


def sh(lines, cwd, env):
    return subprocess.run(["sh", "-ec", "\n".join(lines)], cwd=cwd, env=env, capture_output=True, text=True)


class Readme(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.tree = os.path.join(cls.tmp, "tree")
        cls.prefix = os.path.join(cls.tmp, "usr")
        cls.py = os.path.join(cls.tmp, "py")
        shutil.copytree(pytap.SRC, cls.tree, symlinks=True, ignore=shutil.ignore_patterns(
            ".git", "build", "build-*", "config.mak", "selfpipe-*.tar.gz", "*.egg-info", "__pycache__"))
        # python3 in the README's commands: the one the offline recipe is for
        cls.bin = os.path.join(cls.tmp, "bin")
        os.mkdir(cls.bin)
        os.symlink(PYTHON, os.path.join(cls.bin, "python3"))
        cls.env = clean_env(PATH=cls.bin + ":" + os.environ.get("PATH", "/usr/bin:/bin"))
        cls.soname = pytap.make_var("SONAME")
        cls.lib = os.path.join(cls.prefix, "lib", cls.soname)
        cls.conf = subprocess.run(["./configure", "--prefix=" + cls.prefix, "--pythondir=" + cls.py],
                                  cwd=cls.tree, env=cls.env, capture_output=True, text=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def site(self):
        """the venv's site-packages"""
        out = subprocess.run([os.path.join(self.tree, "venv", "bin", "python3"), "-c",
                              "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout
        return out.strip()

    def test_1_build_tree(self):
        """README, from the build tree: the two exports, then python3 loads build/libselfpipe.so"""
        block = readme_block("From the build tree")
        if not os.path.exists(os.path.join(pytap.SRC, "build", "libselfpipe.so")):
            self.skipTest("no build/libselfpipe.so (configure --disable-shared)")
        r = sh(block, pytap.SRC, clean_env())
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split(), [os.path.join(pytap.SRC, "build", "libselfpipe.so")])

    def test_2_installed(self):
        """README, installed: make install (a scratch --prefix and --pythondir on PYTHONPATH), then python3 loads the installed soname"""
        self.assertEqual(self.conf.returncode, 0, self.conf.stdout + self.conf.stderr)
        block = readme_block("Installed:")
        self.assertEqual(block[0], "make install")
        r = sh(["make -s -j2 >/dev/null"] + block, self.tree, dict(self.env, PYTHONPATH=self.py))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout.split()[-1], self.lib)

    def test_3_pip(self):
        """README, with pip: a venv, pip install --no-index --no-build-isolation ./src/python, and it loads what make install put in the libdir"""
        self.assertTrue(os.path.exists(self.lib), "make install did not run")
        block = readme_block("With pip")
        self.assertIn("--no-index", block[1])
        r = sh(block, self.tree, self.env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout.split()[-1], self.lib)

    def test_4_pip_installed(self):
        """pip installed the module with py.typed, a _config.py naming the tree's libdir, and dist-info; it traps signals"""
        site = self.site()
        self.assertTrue(os.path.isfile(os.path.join(site, "self_pipe", "py.typed")))
        with open(os.path.join(site, "self_pipe", "_config.py")) as f:
            self.assertIn("libdir = %r" % os.path.join(self.prefix, "lib"), f.read())
        version = pytap.make_var("version")
        self.assertTrue(os.path.isdir(os.path.join(site, "selfpipe-%s.dist-info" % version)), os.listdir(site))
        r = subprocess.run([os.path.join(self.tree, "venv", "bin", "python3"), "-c", USE],
                           env=self.env, capture_output=True, text=True, cwd="/")
        self.assertEqual((r.returncode, r.stdout.split()), (0, [self.lib, "SIGUSR1"]), r.stderr)

    def test_5_pip_no_library(self):
        """the library gone from the libdir: an ImportError naming that file and SELFPIPE_LIB; SELFPIPE_LIB then loads another"""
        libdir = os.path.join(self.prefix, "lib")
        os.rename(libdir, libdir + ".away")
        try:
            vpy = os.path.join(self.tree, "venv", "bin", "python3")
            r = subprocess.run([vpy, "-c", "import self_pipe"], env=self.env, capture_output=True, text=True, cwd="/")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("ImportError: self_pipe: cannot load libselfpipe: it is neither at %s, where make install puts it"
                          % self.lib, r.stderr)
            self.assertIn("SELFPIPE_LIB", r.stderr.splitlines()[-1])
            other = os.path.join(pytap.BUILD, "libselfpipe.so")
            r = subprocess.run([vpy, "-c", USE], env=dict(self.env, SELFPIPE_LIB=other),
                               capture_output=True, text=True, cwd="/")
            self.assertEqual((r.returncode, r.stdout.split()), (0, [other, "SIGUSR1"]), r.stderr)
        finally:
            os.rename(libdir + ".away", libdir)

    def test_6_unconfigured(self):
        """built outside a configured tree: no _config.py; the dynamic linker's search, and an error naming configure's default libdir"""
        top = os.path.join(self.tmp, "bare")
        os.makedirs(os.path.join(top, "package"))
        shutil.copy(os.path.join(self.tree, "package", "info"), os.path.join(top, "package"))
        shutil.copytree(os.path.join(pytap.SRC, "src", "python"), os.path.join(top, "src", "python"),
                        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
        target = os.path.join(self.tmp, "target")
        r = subprocess.run([PYTHON, "-m", "pip", "install", "-q", "--no-index", "--no-build-isolation",
                            "--target", target, "./src/python"], cwd=top, env=self.env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertFalse(os.path.exists(os.path.join(target, "self_pipe", "_config.py")))
        env = dict(self.env, PYTHONPATH=target, LD_LIBRARY_PATH=os.path.join(self.prefix, "lib"))
        r = subprocess.run([PYTHON, "-c", USE], env=env, capture_output=True, text=True, cwd="/")
        self.assertEqual((r.returncode, r.stdout.split()), (0, ["libselfpipe.so", "SIGUSR1"]), r.stderr)
        if os.path.exists("/usr/local/lib/libselfpipe.so"):
            return      # installed on this machine: found there, rightly
        del env["LD_LIBRARY_PATH"]
        r = subprocess.run([PYTHON, "-c", "import self_pipe"], env=env, capture_output=True, text=True, cwd="/")
        self.assertIn("it is neither at /usr/local/lib/libselfpipe.so, where make install puts it by default",
                      r.stderr)

    def test_7_types(self):
        """mypy --strict: the module itself, and a program using the pip-installed one through py.typed; a wrong type is caught"""
        mypy = [PYTHON, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.path.join(self.tmp, "mypy")]
        if subprocess.run(mypy[:3] + ["--version"], capture_output=True).returncode != 0:
            self.skipTest("no mypy for %s (apt-get install mypy)" % PYTHON)
        r = subprocess.run(mypy + [os.path.join(pytap.SRC, "src", "python", "self_pipe")], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        prog = os.path.join(self.tmp, "prog.py")
        with open(prog, "w") as f:
            f.write("import signal\nfrom typing import Optional\nfrom self_pipe import SelfPipe, Signal, SignalInfo\n"
                    "with SelfPipe([signal.SIGHUP]) as sp:\n    s: Optional[Signal] = sp.poll(1.5)\n"
                    "    i: Optional[SignalInfo] = sp.poll_info()\n    fd: int = sp.fileno()\n")
        venv = ["--python-executable", os.path.join(self.tree, "venv", "bin", "python3")]
        r = subprocess.run(mypy + venv + [prog], capture_output=True, text=True, cwd=self.tmp, env=self.env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(prog, "a") as f:
            f.write("    wrong: int = sp.poll()\n")
        r = subprocess.run(mypy + venv + [prog], capture_output=True, text=True, cwd=self.tmp, env=self.env)
        self.assertIn("Incompatible types in assignment", r.stdout)


pytap.main()
