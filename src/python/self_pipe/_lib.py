# ISC license.
"""Loads libselfpipe and mirrors its ABI: struct sp_info, sigset_t."""

import ctypes
import ctypes.util
import importlib
import os
from types import ModuleType
from typing import Iterable, List, Optional, Tuple

_config: Optional[ModuleType]
try:
    # written by make install, or by pip install from a configured tree
    _config = importlib.import_module("._config", __package__)
except ImportError:
    _config = None

# The library's soname comes from the build, never from this file:
# make install writes the Makefile's SONAME into _config.py, so the
# module and the library it was installed with always agree, whatever
# the version. Without _config (the module of the source tree, or one
# copied by hand) it is None, and the library is looked for by its
# link name.
SONAME: Optional[str] = getattr(_config, "soname", None)
LIBDIR: Optional[str] = getattr(_config, "libdir", None)
LINKNAME = "libselfpipe.so"


class SigVal(ctypes.Union):
    _fields_ = [("sival_int", ctypes.c_int), ("sival_ptr", ctypes.c_void_p)]


class SpInfo(ctypes.Structure):
    """struct sp_info_s, field for field (selfpipe/selfpipe.h)."""
    _fields_ = [
        ("sig", ctypes.c_int),
        ("code", ctypes.c_int),
        ("pid", ctypes.c_int),      # pid_t
        ("uid", ctypes.c_uint),     # uid_t
        ("status", ctypes.c_int),
        ("lost", ctypes.c_uint),
        ("value", SigVal),          # union sigval
    ]


# glibc's and musl's sigset_t: 1024 bits. sigemptyset/sigaddset from the
# C library fill it, so its layout is theirs.
_SIGSET_WORDS = 1024 // (8 * ctypes.sizeof(ctypes.c_ulong))


class SigSet(ctypes.Structure):
    _fields_ = [("val", ctypes.c_ulong * _SIGSET_WORDS)]


_libc = ctypes.CDLL(None, use_errno=True)


def sigset(sigs: Iterable[int]) -> SigSet:
    s = SigSet()
    _libc.sigemptyset(ctypes.byref(s))
    for n in sigs:
        if _libc.sigaddset(ctypes.byref(s), n) < 0:
            raise ValueError("%d is not a signal number" % n)
    return s


# Where make install puts the library when ./configure is given no
# --prefix: the last place a module without _config.py looks.
DEFAULT_LIBDIR = "/usr/local/lib"


def _candidates() -> Tuple[List[str], bool]:
    """Where to look, in order. SELFPIPE_LIB, when set, is the only one."""
    env = os.environ.get("SELFPIPE_LIB")
    if env:
        return [env], True
    here = os.path.dirname(os.path.abspath(__file__))
    c = [os.path.join(here, LINKNAME)]
    if SONAME:
        # installed: the soname it was built with, and no other (another
        # soname is another ABI)
        c.append(os.path.join(here, SONAME))
        if LIBDIR:
            c.append(os.path.join(LIBDIR, SONAME))
        c.append(SONAME)            # the dynamic linker's own search
    else:
        if LIBDIR:                  # a _config.py with a libdir only
            c.append(os.path.join(LIBDIR, LINKNAME))
        c.append(LINKNAME)          # the dynamic linker's own search
    return c, False


def _where() -> str:
    """Where the library was expected, for the error messages."""
    if LIBDIR:
        return "%s, where make install puts it" % os.path.join(LIBDIR, SONAME or LINKNAME)
    return "%s, where make install puts it by default" % os.path.join(DEFAULT_LIBDIR, LINKNAME)


def _try(path: str, errors: List[str]) -> Optional[ctypes.CDLL]:
    try:
        # PyDLL: the GIL stays held. Nothing we call blocks, and the
        # GIL then serialises threads around sp_read's read buffer.
        return ctypes.PyDLL(path, use_errno=True)
    except OSError as e:
        errors.append(str(e))
        return None


def _load() -> Tuple[ctypes.CDLL, str]:
    cands, forced = _candidates()
    errors: List[str] = []
    if forced:
        dll = _try(cands[0], errors)
        if dll is not None:
            return dll, cands[0]
        raise ImportError("self_pipe: cannot load libselfpipe from SELFPIPE_LIB=%s (%s): "
                          "point SELFPIPE_LIB at libselfpipe.so, or unset it to use %s"
                          % (cands[0], "; ".join(errors), _where()))
    for path in cands:
        if os.sep in path and not os.path.exists(path):
            continue
        dll = _try(path, errors)
        if dll is not None:
            return dll, path
    # ld.so.cache knows the sonames of installed libraries, not always
    # their link names; then configure's default libdir, which the
    # dynamic linker may not search
    tail: List[Optional[str]] = []
    if not SONAME:
        tail = [ctypes.util.find_library("selfpipe"), os.path.join(DEFAULT_LIBDIR, LINKNAME)]
    for p in tail:
        if p and (os.sep not in p or os.path.exists(p)):
            dll = _try(p, errors)
            if dll is not None:
                return dll, p
    raise ImportError("self_pipe: cannot load libselfpipe: it is neither at %s, nor found by the "
                      "dynamic linker%s. Run make install, or set SELFPIPE_LIB to the path of "
                      "libselfpipe.so" % (_where(), " (%s)" % "; ".join(errors) if errors else ""))


lib: ctypes.CDLL
path: str
lib, path = _load()
lib.sp_init.argtypes = [ctypes.POINTER(SigSet)]
lib.sp_init.restype = ctypes.c_int
# sp_read(sp_info *) is the hot path and only ever gets byref(SpInfo()):
# argtypes would double the cost of the call.
lib.sp_read.restype = ctypes.c_int
lib.sp_fd.argtypes = []
lib.sp_fd.restype = ctypes.c_int
lib.sp_finish.argtypes = []
lib.sp_finish.restype = None
