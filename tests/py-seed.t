#!/usr/bin/env python3
# ISC license. The seed's documented SelfPipe behaviour, point by point,
# on the libselfpipe-backed self_pipe.

import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytap

from self_pipe import SelfPipe

USR1, USR2, HUP = signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP
ME = os.getpid()


def later(delay, sig, pid=ME):
    """Another process sends sig to pid after delay seconds."""
    return subprocess.Popen(["sh", "-c", 'sleep "$1" && exec kill -s "$2" "$3"', "sh",
                             str(delay), signal.Signals(sig).name[3:], str(pid)])


class Seed(unittest.TestCase):
    def setUp(self):
        self.sp = SelfPipe([USR1, USR2, HUP])

    def tearDown(self):
        self.sp.close()

    def drain(self):
        got = []
        while True:
            s = self.sp.poll()
            if s is None:
                return got
            got.append(s)

    def test_empty_list(self):
        """an empty list raises ValueError("no signals specified")"""
        with self.assertRaises(ValueError) as cm:
            SelfPipe([])
        self.assertEqual(str(cm.exception), "no signals specified")

    def test_nothing_pending(self):
        """poll() and poll(0) return None at once when nothing came"""
        t = time.monotonic()
        self.assertIsNone(self.sp.poll())
        self.assertIsNone(self.sp.poll(0))
        self.assertIsNone(self.sp.poll(0.0))
        self.assertLess(time.monotonic() - t, 1)

    def test_one_per_poll(self):
        """one signal per poll(), as a signal.Signals"""
        os.kill(ME, USR1)
        os.kill(ME, USR1)
        s = self.sp.poll()
        self.assertIs(s, USR1)
        self.assertIsInstance(s, signal.Signals)
        self.assertIs(self.sp.poll(), USR1)
        self.assertIsNone(self.sp.poll())

    def test_order(self):
        """USR1, USR2, HUP, USR1 come back in that order"""
        for s in (USR1, USR2, HUP, USR1):
            os.kill(ME, s)
        self.assertEqual(self.drain(), [USR1, USR2, HUP, USR1])

    def times_out(self, timeout):
        """poll(timeout) with nothing pending: None, no earlier than timeout,
        and not 10 s later (a wait that ignores its timeout)"""
        t = time.monotonic()
        self.assertIsNone(self.sp.poll(timeout))
        dt = time.monotonic() - t
        self.assertGreaterEqual(dt, timeout)
        self.assertLess(dt, timeout + 10)

    def test_timeout_float(self):
        """poll(0.3) with nothing pending returns None no earlier than 0.3 s"""
        self.times_out(0.3)

    def test_timeout_int(self):
        """poll(1), an int, returns None no earlier than 1 s"""
        self.times_out(1)

    def test_timeout_tiny(self):
        """a timeout below a millisecond is still waited for"""
        self.times_out(0.0002)

    def test_signal_during_wait(self):
        """a signal sent during poll(60) by another process returns it promptly"""
        p = later(0.3, HUP)
        t = time.monotonic()
        s = self.sp.poll(60)
        dt = time.monotonic() - t
        p.wait()
        self.assertIs(s, HUP)
        self.assertLess(dt, 20)     # 60 if the wait did not end on the signal
        self.assertIsNone(self.sp.poll())

    def test_wait_forever(self):
        """poll(None) waits until a signal comes"""
        p = later(0.2, USR2)
        self.assertIs(self.sp.poll(None), USR2)
        p.wait()

    def test_pending_before_wait(self):
        """a signal already there returns at once from a long poll"""
        os.kill(ME, USR2)
        t = time.monotonic()
        self.assertIs(self.sp.poll(60), USR2)
        self.assertLess(time.monotonic() - t, 5)

    def test_negative_timeout(self):
        """a negative timeout is a ValueError, nothing is consumed"""
        with self.assertRaises(ValueError):
            self.sp.poll(-1)
        os.kill(ME, USR1)
        with self.assertRaises(ValueError):
            self.sp.poll(-1)
        self.assertIs(self.sp.poll(), USR1)

    def test_each_delivery_once(self):
        """500 deliveries: 500 polls return them, the next one None"""
        for i in range(500):
            os.kill(ME, (USR1, USR2)[i % 2])
        got = self.drain()
        self.assertEqual(len(got), 500)
        self.assertEqual(got, [(USR1, USR2)[i % 2] for i in range(500)])

    def test_while_python_runs(self):
        """signals arriving between polls, while Python works: none lost, none twice"""
        sent, got = [], []
        x = 0
        for i in range(300):
            s = (USR1, USR2, HUP)[i % 3]
            os.kill(ME, s)
            sent.append(s)
            x += sum(range(i % 50))     # Python code between the deliveries
            if i % 7 == 0:
                r = self.sp.poll()
                if r is not None:
                    got.append(r)
        got += self.drain()
        self.assertEqual(got, sent)

    def test_rt_signal(self):
        """a real-time signal without an enum member comes back as its number, every delivery"""
        self.sp.close()
        rt = signal.SIGRTMIN + 2
        self.sp = SelfPipe([rt, USR1])
        for s in (rt, USR1, rt, rt):
            os.kill(ME, s)
        self.assertEqual(self.drain(), [rt, USR1, rt, rt])

    def test_second_instance(self):
        """a second instance raises RuntimeError; the first keeps working"""
        with self.assertRaises(RuntimeError) as cm:
            SelfPipe([signal.SIGTERM])
        self.assertIn("already open", str(cm.exception))
        os.kill(ME, USR1)
        self.assertIs(self.sp.poll(), USR1)

    def test_dropped(self):
        """an instance nobody refers to is closed: handlers back, a new one opens"""
        self.sp = None
        self.assertIs(signal.getsignal(USR1), signal.SIG_DFL)
        self.sp = SelfPipe([USR1])
        self.assertIn("SIGUSR1", repr(self.sp))

    def test_after_close(self):
        """after close(): poll() and fileno() raise ValueError, close() again is fine, a new one opens"""
        self.sp.close()
        self.assertTrue(self.sp.closed)
        self.assertRaises(ValueError, self.sp.poll)
        self.assertRaises(ValueError, self.sp.poll_info)
        self.assertRaises(ValueError, self.sp.fileno)
        self.sp.close()
        self.sp = SelfPipe([USR1])
        os.kill(ME, USR1)
        self.assertIs(self.sp.poll(), USR1)

    def test_context_manager(self):
        """with SelfPipe(...) as sp: closed at the end, even on an exception"""
        self.sp.close()
        with SelfPipe([USR2]) as sp:
            os.kill(ME, USR2)
            self.assertIs(sp.poll(), USR2)
        self.assertTrue(sp.closed)
        with self.assertRaises(KeyError):
            with SelfPipe([USR2]) as sp:
                raise KeyError("x")
        self.assertTrue(sp.closed)

    def test_untrappable(self):
        """SIGKILL, SIGSTOP and non-signals are a ValueError"""
        self.sp.close()
        for bad in ([signal.SIGKILL], [USR1, signal.SIGSTOP], [0], [signal.NSIG]):
            with self.assertRaises(ValueError):
                SelfPipe(bad)
        self.sp = SelfPipe([USR1])  # nothing was left half open

    def test_not_main_thread(self):
        """like signal.signal(), only from the main thread"""
        import threading
        self.sp.close()
        err = []
        t = threading.Thread(target=lambda: err.append(self.assertRaises(ValueError, SelfPipe, [USR1])))
        t.start()
        t.join()
        self.assertEqual(len(err), 1)
        self.sp = SelfPipe([USR1])


pytap.main()
