#!/usr/bin/env python3
# ISC license. fileno() in event loops: asyncio (loop.add_reader),
# selectors, select.select; signals sent by another process.

import asyncio
import os
import select
import selectors
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytap

from self_pipe import SelfPipe

USR1, USR2, HUP, TERM = signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP, signal.SIGTERM
ME = os.getpid()


def sender(*sigs, delay=0.1):
    """Another process sends sigs to us, one by one, waiting for each to be served."""
    script = "; ".join("sleep %s && kill -s %s %d" % (delay, signal.Signals(s).name[3:], ME) for s in sigs)
    return subprocess.Popen(["sh", "-c", script])


class Loops(unittest.TestCase):
    def setUp(self):
        self.sp = SelfPipe([USR1, USR2, HUP, TERM])

    def tearDown(self):
        self.sp.close()

    def test_asyncio(self):
        """asyncio: add_reader(fileno()) drains with poll(); other coroutines keep running"""
        got, ticks = [], []

        async def ticker():
            while True:
                ticks.append(time.monotonic())
                await asyncio.sleep(0.05)

        async def main():
            loop = asyncio.get_running_loop()
            done = loop.create_future()

            def readable():
                while (s := self.sp.poll()) is not None:
                    got.append(s)
                    if s == TERM and not done.done():
                        done.set_result(None)

            loop.add_reader(self.sp.fileno(), readable)
            t = asyncio.create_task(ticker())
            p = sender(USR1, HUP, USR2, TERM)
            try:
                await asyncio.wait_for(done, pytap.scaled(60))
            finally:
                loop.remove_reader(self.sp.fileno())
                t.cancel()
            await loop.run_in_executor(None, p.wait)

        asyncio.run(main())
        self.assertEqual(got, [USR1, HUP, USR2, TERM])
        self.assertGreater(len(ticks), 1)

    def test_asyncio_self(self):
        """asyncio: signals the loop sends itself, each seen once, in order"""
        got = []

        async def main():
            loop = asyncio.get_running_loop()
            loop.add_reader(self.sp.fileno(), lambda: got.extend(iter(self.sp.poll, None)))
            for s in (USR2, USR1, USR2):
                os.kill(ME, s)
            for _ in range(200):
                await asyncio.sleep(0.01)
                if len(got) >= 3:
                    break
            loop.remove_reader(self.sp.fileno())

        asyncio.run(main())
        self.assertEqual(got, [USR2, USR1, USR2])

    def test_asyncio_signal_handler(self):
        """asyncio's own add_signal_handler for another signal works beside the SelfPipe"""
        got, handled = [], []

        async def main():
            loop = asyncio.get_running_loop()
            done = loop.create_future()

            def readable():
                got.extend(iter(self.sp.poll, None))
                if handled and got and not done.done():
                    done.set_result(None)

            loop.add_reader(self.sp.fileno(), readable)
            loop.add_signal_handler(signal.SIGALRM, lambda: (handled.append(1), readable()))
            try:
                p = sender(signal.SIGALRM, HUP)
                await asyncio.wait_for(done, pytap.scaled(60))
            finally:
                loop.remove_signal_handler(signal.SIGALRM)
                loop.remove_reader(self.sp.fileno())
            await loop.run_in_executor(None, p.wait)

        asyncio.run(main())
        self.assertEqual((handled, got), ([1], [HUP]))

    def test_selectors(self):
        """selectors.DefaultSelector: readable on a signal, quiet without one"""
        with selectors.DefaultSelector() as sel:
            sel.register(self.sp, selectors.EVENT_READ, "sp")
            self.assertEqual(sel.select(0.1), [])
            p = sender(HUP)
            ev = sel.select(60)
            p.wait()
            self.assertEqual([(k.data, k.fileobj) for k, _ in ev], [("sp", self.sp)])
            self.assertIs(self.sp.poll(), HUP)
            self.assertIsNone(self.sp.poll())
            self.assertEqual(sel.select(0), [])

    def test_select(self):
        """select.select takes the SelfPipe itself"""
        os.kill(ME, USR1)
        r, _, _ = select.select([self.sp], [], [], 5)
        self.assertEqual(r, [self.sp])
        self.assertIs(self.sp.poll(), USR1)
        self.assertEqual(select.select([self.sp], [], [], 0)[0], [])


pytap.main()
