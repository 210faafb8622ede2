# ISC license. The one call of the "prctl" module that tini's test suite
# makes, for tests/migrate-suites.t, through libc.
import ctypes, os

_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_CHILD_SUBREAPER = 36


def set_child_subreaper(flag):
    if _libc.prctl(PR_SET_CHILD_SUBREAPER, int(flag), 0, 0, 0) < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
