#!/usr/bin/env python3
# ISC license. poll_info(): who sent each signal, how, with what value;
# SIGCHLD status; loss reports when the pipe overflows, through
# poll_info() and poll().

import ctypes
import fcntl
import os
import signal
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytap

from self_pipe import SelfPipe, SignalInfo, _lib

USR1, USR2, CHLD = signal.SIGUSR1, signal.SIGUSR2, signal.SIGCHLD
ME = os.getpid()
SI_USER, SI_QUEUE, SI_TKILL = 0, -1, -6     # Linux <asm-generic/siginfo.h>

libc = ctypes.CDLL(None, use_errno=True)
# union sigval travels as one machine word: what a long is on Linux ABIs
libc.sigqueue.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_long]


class Info(unittest.TestCase):
    def setUp(self):
        self.sp = SelfPipe([USR1, USR2, CHLD])

    def tearDown(self):
        self.sp.close()

    def test_kill_self(self):
        """kill() from this process: code SI_USER, our pid and uid, value 0"""
        os.kill(ME, USR1)
        i = self.sp.poll_info()
        self.assertIsInstance(i, SignalInfo)
        self.assertEqual(tuple(i), (USR1, SI_USER, ME, os.getuid(), 0))
        self.assertIs(i.signal, USR1)
        self.assertEqual((i.status, i.lost), (0, 0))
        self.assertIsNone(self.sp.poll_info())

    def test_unpack(self):
        """a 5-tuple: signal, code, pid, uid, value = sp.poll_info()"""
        os.kill(ME, USR2)
        sig, code, pid, uid, value = self.sp.poll_info()
        self.assertEqual((sig, pid), (USR2, ME))

    def test_other_process(self):
        """kill from another process: its pid"""
        p = subprocess.Popen(["kill", "-s", "USR2", str(ME)])
        i = self.sp.poll_info(30)
        p.wait()
        self.assertEqual((i.signal, i.code, i.pid), (USR2, SI_USER, p.pid))

    def test_sigqueue(self):
        """sigqueue(): code SI_QUEUE and the value, negative too"""
        for v in (12345, -7):
            self.assertEqual(libc.sigqueue(ME, USR1, v), 0)
            i = self.sp.poll_info()
            self.assertEqual(tuple(i), (USR1, SI_QUEUE, ME, os.getuid(), v))

    def test_tkill(self):
        """pthread_kill(): code SI_TKILL, our pid"""
        signal.pthread_kill(threading.get_ident(), USR2)
        self.assertEqual(tuple(self.sp.poll_info())[:3], (USR2, SI_TKILL, ME))

    def test_sigchld(self):
        """SIGCHLD: CLD_EXITED, the child's pid, its exit status"""
        p = subprocess.Popen(["sh", "-c", "exit 7"])
        i = self.sp.poll_info(30)
        p.wait()
        self.assertEqual((i.signal, i.code, i.pid, i.status), (CHLD, os.CLD_EXITED, p.pid, 7))
        self.assertIn("status=7", repr(i))


class Threads(unittest.TestCase):
    def test_threads(self):
        """three threads polling at once: every sigqueue value comes out once"""
        n = 3000
        got, done = [], threading.Event()

        def worker():
            while not done.is_set():
                i = sp.poll_info(0.05)
                if i is not None:
                    got.append(i.value)     # list.append is atomic
                    if len(got) >= n:
                        done.set()

        old = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)     # threads switch between any two bytecodes
        self.addCleanup(sys.setswitchinterval, old)
        with SelfPipe([USR1]) as sp:
            ts = [threading.Thread(target=worker) for _ in range(3)]
            for t in ts:
                t.start()
            try:
                for v in range(n):
                    libc.sigqueue(ME, USR1, v)
                done.wait(pytap.scaled(60))
            finally:
                done.set()
                for t in ts:
                    t.join()
        self.assertEqual(sorted(got), list(range(n)))


class Loss(unittest.TestCase):
    def setUp(self):
        self.sp = SelfPipe([USR1, USR2])
        self.room = fcntl.fcntl(self.sp.fileno(), fcntl.F_GETPIPE_SZ) // ctypes.sizeof(_lib.SpInfo)

    def tearDown(self):
        self.sp.close()

    def overflow(self):
        for _ in range(self.room):
            os.kill(ME, USR2)
        for i in range(12):
            os.kill(ME, (USR1, USR2)[i % 3 == 0])    # 8 USR1, 4 USR2 lost

    def test_poll_info(self):
        """a full pipe: every record, then one loss report per signal with lost = the count"""
        self.overflow()
        n = 0
        while True:
            i = self.sp.poll_info()
            if i is None or i.lost:
                break
            n += 1
        self.assertEqual(n, self.room)
        reports = {i.signal: i.lost}
        self.assertEqual(tuple(i)[1:], (0, 0, 0, 0))
        self.assertIn("lost=", repr(i))
        i = self.sp.poll_info()
        reports[i.signal] = i.lost
        self.assertEqual(reports, {USR1: 8, USR2: 4})
        self.assertIsNone(self.sp.poll_info())

    def test_poll(self):
        """poll(): a loss report comes back as its signal, once"""
        self.overflow()
        got = []
        while True:
            s = self.sp.poll()
            if s is None:
                break
            got.append(s)
        self.assertEqual(len(got), self.room + 2)
        self.assertEqual(set(got[self.room:]), {USR1, USR2})
        os.kill(ME, USR1)
        self.assertEqual(self.sp.poll_info().lost, 0)   # back to normal


pytap.main()
