#!/usr/bin/env python3
# ISC license. self_pipe and Python's own signal handling: close() gives
# back exactly what was there, at the Python level (signal.getsignal)
# and at the kernel level (/proc/self/status); Python handlers of other
# signals keep running, during a wait too.

import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytap

from self_pipe import SelfPipe

USR1, USR2, HUP, INT, TERM = signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP, signal.SIGINT, signal.SIGTERM
ME = os.getpid()


def kernel():
    """(blocked, ignored, caught) signal masks of this thread, from the kernel."""
    st = {}
    with open("/proc/thread-self/status") as f:
        for l in f:
            k, _, v = l.partition(":")
            if k in ("SigBlk", "SigIgn", "SigCgt"):
                st[k] = int(v, 16)
    return st["SigBlk"], st["SigIgn"], st["SigCgt"]


def bit(sig):
    return 1 << (sig - 1)


def later(*steps):
    """Another process sends signals to us: later((0.3, "USR2"), (0.5, "USR1"))."""
    script = "; ".join('sleep %s && kill -s %s %d' % (d, s, ME) for d, s in steps)
    return subprocess.Popen(["sh", "-c", script])


class Boom(Exception):
    pass


class Restore(unittest.TestCase):
    def setUp(self):
        self.calls = []
        self.orig = {s: signal.getsignal(s) for s in (USR1, USR2, HUP, INT, TERM)}
        signal.signal(USR1, self.h)
        signal.signal(USR2, signal.SIG_IGN)
        signal.signal(HUP, signal.SIG_DFL)
        signal.signal(INT, signal.default_int_handler)

    def tearDown(self):
        for s, h in self.orig.items():
            signal.signal(s, h)

    def h(self, sig, frame):
        self.calls.append(sig)

    def test_close_restores(self):
        """close() restores getsignal() and the kernel dispositions of every trapped signal"""
        py = {s: signal.getsignal(s) for s in (USR1, USR2, HUP, INT, TERM)}
        before = kernel()
        sp = SelfPipe([USR1, USR2, HUP, INT])
        blk, ign, cgt = kernel()
        for s in (USR1, USR2, HUP, INT):
            self.assertTrue(cgt & bit(s), "trapped %d" % s)
        self.assertFalse(ign & bit(USR2))
        self.assertEqual(signal.getsignal(USR1), self.h)   # Python's table is left alone
        sp.close()
        self.assertEqual(kernel(), before)
        self.assertEqual({s: signal.getsignal(s) for s in py}, py)

    def test_handlers_work_after_close(self):
        """after close(): the Python handler runs, SIG_IGN ignores, SIGINT raises KeyboardInterrupt"""
        with SelfPipe([USR1, USR2, INT]) as sp:
            os.kill(ME, USR1)
            os.kill(ME, INT)
            self.assertEqual([sp.poll(), sp.poll()], [USR1, INT])
        self.assertEqual(self.calls, [])
        os.kill(ME, USR1)
        os.kill(ME, USR2)      # ignored again: we are still alive
        self.assertEqual(self.calls, [USR1])
        with self.assertRaises(KeyboardInterrupt):
            os.kill(ME, INT)
            time.sleep(pytap.scaled(5))   # the interrupt ends it at once

    def test_changed_while_trapped(self):
        """signal.signal() on a trapped signal meanwhile: close() still gives back the originals"""
        before = kernel()
        sp = SelfPipe([USR1, HUP])
        signal.signal(USR1, lambda s, f: self.calls.append("other"))
        signal.signal(HUP, lambda s, f: None)
        sp.close()
        self.assertIs(signal.getsignal(HUP), signal.SIG_DFL)
        self.assertEqual(signal.getsignal(USR1), self.h)
        self.assertEqual(kernel(), before)
        os.kill(ME, USR1)
        self.assertEqual(self.calls, [USR1])

    def test_mask_restored(self):
        """a blocked signal is unblocked while trapped, blocked again after close()"""
        old = signal.pthread_sigmask(signal.SIG_BLOCK, [USR1])
        try:
            with SelfPipe([USR1]) as sp:
                self.assertFalse(kernel()[0] & bit(USR1))
                os.kill(ME, USR1)
                self.assertIs(sp.poll(), USR1)
            self.assertTrue(kernel()[0] & bit(USR1))
            self.assertIn(USR1, signal.pthread_sigmask(signal.SIG_BLOCK, []))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


class Others(unittest.TestCase):
    """Python handlers for signals the SelfPipe does not trap."""

    def setUp(self):
        self.calls = []
        self.orig = {s: signal.getsignal(s) for s in (USR2, TERM, INT)}
        signal.signal(USR2, lambda s, f: self.calls.append((s, time.monotonic())))
        signal.signal(INT, signal.default_int_handler)  # even if started with SIGINT ignored
        self.sp = SelfPipe([USR1, HUP])

    def tearDown(self):
        self.sp.close()
        for s, h in self.orig.items():
            signal.signal(s, h)

    def test_other_handler(self):
        """a Python handler for another signal runs, and that signal stays out of the pipe"""
        os.kill(ME, USR2)
        os.kill(ME, USR1)
        self.assertEqual([c[0] for c in self.calls], [USR2])
        self.assertIs(self.sp.poll(), USR1)
        self.assertIsNone(self.sp.poll())

    def test_other_handler_during_wait(self):
        """a Python handler runs during poll(2), and the wait still lasts its whole 2 s"""
        p = later((0.2, "USR2"))
        t = time.monotonic()
        self.assertIsNone(self.sp.poll(2))
        dt = time.monotonic() - t
        p.wait()
        self.assertEqual(len(self.calls), 1)
        self.assertGreaterEqual(dt, 2)

    def test_handler_exception_ends_wait(self):
        """an exception from a Python handler comes out of poll(60) promptly"""
        def boom(s, f):
            raise Boom()
        signal.signal(TERM, boom)
        p = later((0.3, "TERM"))
        t = time.monotonic()
        with self.assertRaises(Boom):
            self.sp.poll(60)
        p.wait()
        self.assertLess(time.monotonic() - t, 20)   # 60 if the handler waited for the poll

    def test_keyboard_interrupt_during_wait(self):
        """SIGINT from another process interrupts poll(60) with KeyboardInterrupt"""
        p = later((0.3, "INT"))
        t = time.monotonic()
        with self.assertRaises(KeyboardInterrupt):
            self.sp.poll(60)
        p.wait()
        self.assertLess(time.monotonic() - t, 20)

    def test_trapped_after_handler(self):
        """a trapped signal after a handled one, in one wait: both served"""
        p = later((0.2, "USR2"), (0.2, "HUP"))
        self.assertIs(self.sp.poll(30), HUP)
        p.wait()
        self.assertEqual(len(self.calls), 1)


class Fork(unittest.TestCase):
    def test_child(self):
        """an os.fork() child gets the original handlers, writes nothing into the parent's pipe, may open its own"""
        calls = []
        old = signal.signal(USR1, lambda s, f: calls.append(s))
        try:
            with SelfPipe([USR1, USR2]) as sp:
                pid = os.fork()
                if pid == 0:
                    try:
                        ok = sp.closed
                        os.kill(os.getpid(), USR1)
                        ok = ok and calls == [USR1]
                        with SelfPipe([USR2]) as sp2:
                            os.kill(os.getpid(), USR2)
                            ok = ok and sp2.poll() is USR2
                    finally:
                        os._exit(0 if ok else 1)
                _, st = os.waitpid(pid, 0)
                self.assertEqual(st, 0)
                self.assertIsNone(sp.poll())
                os.kill(ME, USR2)
                self.assertIs(sp.poll(), USR2)
        finally:
            signal.signal(USR1, old)


pytap.main()
