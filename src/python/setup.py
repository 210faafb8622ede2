# ISC license. The part of the build pyproject.toml cannot say: the
# version, from package/info (or PKG-INFO, building from an sdist), and
# self_pipe/_config.py, which `make python-config` writes when this
# directory sits in a configured selfpipe tree: the libdir make install
# puts libselfpipe in, and its soname. Without a configured tree there
# is no _config.py, and the module looks for libselfpipe through the
# dynamic linker and in configure's default libdir.

import os
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def read_version():
    for path, key in ((os.path.join(TOP, "package", "info"), "version="),
                      (os.path.join(HERE, "PKG-INFO"), "Version: ")):
        if os.path.isfile(path):
            with open(path) as f:
                for line in f:
                    if line.startswith(key):
                        return line[len(key):].strip()
    raise SystemExit("setup.py: no version: neither %s nor PKG-INFO is there "
                     "(build from the selfpipe source tree)" % os.path.join(TOP, "package", "info"))


def tree_config():
    """_config.py's text from the tree's Makefile, or None outside a configured tree."""
    if not os.path.isfile(os.path.join(TOP, "config.mak")):
        return None
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    r = subprocess.run([os.environ.get("MAKE", "make"), "-s", "--no-print-directory", "-C", TOP, "python-config"],
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise SystemExit("setup.py: make python-config failed in %s:\n%s" % (TOP, r.stderr))
    return r.stdout


class BuildPy(build_py):
    def run(self):
        super().run()
        text = tree_config()
        target = os.path.join(self.build_lib, "self_pipe", "_config.py")
        if text is None:
            self.announce("no configured selfpipe tree around %s: no _config.py" % HERE, 2)
            if os.path.exists(target):
                os.unlink(target)
            return
        with open(target, "w") as f:
            f.write(text)


setup(version=read_version(), cmdclass={"build_py": BuildPy})
