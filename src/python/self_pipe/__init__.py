# ISC license.
"""self_pipe: the self-pipe trick for Python, backed by libselfpipe.

    from self_pipe import SelfPipe
    with SelfPipe([signal.SIGTERM, signal.SIGHUP]) as sp:
        sig = sp.poll(1.5)      # a signal.Signals, or None after 1.5 s

Every delivery of a trapped signal is recorded by libselfpipe's C
handler, in delivery order, and comes back from poll() exactly once.
See doc/python.html.
"""

import ctypes
import errno
import math
import os
import select
import signal
import threading
import time
import weakref
from typing import Any, Callable, Dict, Iterable, NamedTuple, Optional, Tuple, Union

from ._lib import lib, SpInfo, sigset

# What poll() returns: a signal.Signals, or a plain number for the
# real-time signals that have no member (SIGRTMIN+1...).
Signal = Union[signal.Signals, int]

__all__ = ["SelfPipe", "SignalInfo", "Signal"]


class _Fields(NamedTuple):
    signal: Signal
    code: int
    pid: int
    uid: int
    value: int


class SignalInfo(_Fields):
    """One delivery: (signal, code, pid, uid, value).

    Two more attributes, outside the tuple so that 5-way unpacking
    keeps working: status (si_status for SIGCHLD, else 0) and lost
    (0 for a delivery; N > 0 for a loss report: N deliveries of signal
    were lost to a full pipe, and every other field is 0).
    """

    status: int = 0
    lost: int = 0

    def __repr__(self) -> str:
        extra = "".join(", %s=%d" % (k, getattr(self, k)) for k in ("status", "lost") if getattr(self, k))
        return super().__repr__()[:-1] + extra + ")"


def _as_signal(n: int) -> Signal:
    try:
        return signal.Signals(n)
    except ValueError:      # SIGRTMIN+1...: no enum member
        return n


# One enum lookup per signal number, done once: poll() is a hot path.
_SIGNALS: Dict[int, Signal] = {n: _as_signal(n) for n in range(1, signal.NSIG)}

_sp_read = lib.sp_read
_new_tuple = tuple.__new__
# The instance that holds libselfpipe, if any, weakly: an instance
# nobody refers to any more is closed, as a file would be.
_open: Callable[[], Optional["SelfPipe"]] = lambda: None
# Reentrant: a garbage collection inside the lock may close an instance.
_lock = threading.RLock()


class SelfPipe:
    """Traps sigs (a non-empty list of signal.Signals) until close().

    One instance per process: libselfpipe has one pipe, and signal
    dispositions are process-wide anyway.
    """

    def __init__(self, sigs: Iterable[int]) -> None:
        global _open
        self._fd = -1
        sigs = [int(s) for s in sigs]
        if not sigs:
            raise ValueError("no signals specified")
        for s in sigs:
            if not 0 < s < signal.NSIG:
                raise ValueError("%d is not a signal number" % s)
            if s in (signal.SIGKILL, signal.SIGSTOP):
                raise ValueError("%s cannot be trapped" % signal.Signals(s).name)
        # signal.signal() has the same rule: Python runs its handlers in
        # the main thread only, and close() gives them back from there.
        if threading.current_thread() is not threading.main_thread():
            raise ValueError("SelfPipe only works in the main thread")
        # One record buffer per thread: between sp_read filling it and
        # Python reading it, another thread may run and call sp_read.
        self._tls = threading.local()
        with _lock:
            if _open() is not None:
                raise RuntimeError("a SelfPipe is already open in this process: close it first")
            self._sigs = tuple(sorted(set(sigs)))
            # What Python believes (signal.getsignal), to give it back
            # exactly; libselfpipe keeps the C-level dispositions.
            self._saved: Dict[int, Any] = {s: signal.getsignal(s) for s in self._sigs}
            fd = lib.sp_init(ctypes.byref(sigset(self._sigs)))
            if fd < 0:
                e = ctypes.get_errno()
                if e == errno.EBUSY:
                    raise RuntimeError("libselfpipe is already in use in this process")
                if e == errno.EINVAL:
                    raise ValueError("cannot trap %r: reserved by the C library" % (self._sigs,))
                raise OSError(e, os.strerror(e))
            self._fd = fd
            _open = weakref.ref(self)

    def fileno(self) -> int:
        """The pipe's read end, for select, selectors, asyncio.

        Readable when signals came. Then call poll() until it returns
        None: records are read from the pipe in batches, so the ones
        after the first may no longer make the pipe readable.
        """
        if self._fd < 0:
            raise ValueError("SelfPipe is closed")
        return self._fd

    @property
    def closed(self) -> bool:
        return self._fd < 0

    def _buf(self) -> Tuple[SpInfo, Any]:
        try:
            buf: Tuple[SpInfo, Any] = self._tls.buf
            return buf
        except AttributeError:
            info = SpInfo()
            self._tls.buf = (info, ctypes.byref(info))
            return self._tls.buf

    def _read(self) -> Optional[SpInfo]:
        if self._fd < 0:
            raise ValueError("SelfPipe is closed")
        info, ref = self._buf()
        r = _sp_read(ref)
        if r > 0:
            return info
        if r < 0:
            e = ctypes.get_errno()
            raise OSError(e, os.strerror(e))
        return None

    def _wait(self, timeout: Optional[float]) -> Optional[SpInfo]:
        """Returns the next record (SpInfo) or None once timeout is over.

        The wait is Python's select.poll on the pipe, not sp_wait: sp_wait
        retries EINTR inside C, so the Python handlers of other signals
        (KeyboardInterrupt included) would only run once it returned.
        select.poll hands EINTR to Python, which runs them at once, then
        waits again for what is left (PEP 475).
        """
        if timeout is not None and not timeout >= 0:
            raise ValueError("timeout must be a number >= 0, or None")
        info = self._read()
        if info is not None or timeout == 0:
            return info
        deadline = None if timeout is None else time.monotonic() + timeout
        p = select.poll()
        p.register(self._fd, select.POLLIN)
        while True:
            if deadline is None:
                ms = None
            else:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                ms = math.ceil(left * 1000)
            p.poll(ms)
            info = self._read()
            if info is not None:
                return info

    def poll(self, timeout: Optional[float] = 0) -> Optional[Signal]:
        """The next signal (signal.Signals), or None.

        timeout: seconds (int or float) to wait at most; 0 returns at
        once, None waits for ever. A loss report (deliveries lost to a
        full pipe) comes back as its signal, once: poll_info() tells how
        many were lost.
        """
        if timeout == 0 and self._fd >= 0:     # the hot path, _wait inlined
            info, ref = self._buf()
            r = _sp_read(ref)
            if r > 0:
                n = info.sig
                return _SIGNALS.get(n, n)
            if r == 0:
                return None
        rec = self._wait(timeout)
        return None if rec is None else _SIGNALS.get(rec.sig, rec.sig)

    def poll_info(self, timeout: Optional[float] = 0) -> Optional[SignalInfo]:
        """Like poll(), but a SignalInfo (signal, code, pid, uid, value), or None."""
        info = self._read() if timeout == 0 else self._wait(timeout)
        if info is None:
            return None
        n = info.sig
        # tuple.__new__: what SignalInfo(...) does, without its argument parsing
        r = _new_tuple(SignalInfo, (_SIGNALS.get(n, n), info.code, info.pid, info.uid, info.value.sival_int))
        if info.status:
            r.status = info.status
        if info.lost:
            r.lost = info.lost
        return r

    def close(self) -> None:
        """Gives every trapped signal its original handler back. Idempotent."""
        global _open
        with _lock:
            if self._fd < 0:
                return
            lib.sp_finish()
            self._fd = -1
            _open = lambda: None
        # sp_finish put back the C-level dispositions. If Python code
        # changed a handler meanwhile, Python's table and the kernel
        # disagree: set the original again, through Python.
        if threading.current_thread() is threading.main_thread():
            for s, h in self._saved.items():
                if h is not None and signal.getsignal(s) is not h:
                    signal.signal(s, h)

    def __enter__(self) -> "SelfPipe":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_fd", -1) >= 0:
            self.close()

    def __repr__(self) -> str:
        state = "closed" if self._fd < 0 else "fd=%d" % self._fd
        return "<SelfPipe %s %s>" % (state, ",".join(getattr(_SIGNALS[s], "name", str(s)) for s in self._sigs))


def _after_fork_in_child() -> None:
    # As sp_fork does in C: a child must not write its signals into the
    # parent's pipe. It gets the original handlers back and may open
    # its own SelfPipe.
    global _lock
    _lock = threading.RLock()   # another thread may have held it at fork time
    sp = _open()
    if sp is not None:
        sp.close()


os.register_at_fork(after_in_child=_after_fork_in_child)
