#!/usr/bin/env python3
# ISC license. The asyncio example of doc/python.html, run as it is
# written there: loop.add_reader(sp.fileno(), ...) and a callback that
# takes every record there is. Signals come from another process (this
# one), one at a time and in a burst (the burst is what a callback that
# read one record per wake-up would leave behind); SIGTERM ends it with 0.

import html
import os
import re
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytap


def doc_example():
    """The first <pre> after the asyncio heading of doc/python.html, as text."""
    with open(os.path.join(pytap.SRC, "doc", "python.html")) as f:
        page = f.read()
    m = re.search(r'<a name="asyncio">.*?<pre>\n(.*?)</pre>', page, re.S)
    return html.unescape(m.group(1)) if m else None


class Asyncio(unittest.TestCase):
    def setUp(self):
        code = doc_example()
        self.assertIsNotNone(code, "no asyncio example in doc/python.html")
        self.out = tempfile.TemporaryFile(mode="w+")
        env = dict(os.environ, PYTHONPATH=os.path.join(pytap.SRC, "src", "python"))
        self.p = subprocess.Popen([sys.executable, "-c", code], stdout=self.out,
                                  stderr=subprocess.STDOUT, env=env, text=True)
        self.assertTrue(pytap.wait_until(lambda: self.lines()[:1] == ["ready %d" % self.p.pid], 10),
                        self.lines())

    def tearDown(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()
        self.out.close()

    def lines(self):
        self.out.seek(0)
        return self.out.read().splitlines()

    def got(self):
        return [line for line in self.lines() if line.startswith("got ")]

    def wait_got(self, n):
        return pytap.wait_until(lambda: len(self.got()) >= n, 10)

    def end(self):
        os.kill(self.p.pid, signal.SIGTERM)
        self.assertEqual(self.p.wait(pytap.scaled(10)), 0, self.lines())

    def test_one_at_a_time(self):
        """each signal, sent after the last one was printed, is printed once, with this process as its sender"""
        names = ["SIGHUP", "SIGUSR1", "SIGUSR2", "SIGUSR1"]
        for i, name in enumerate(names):
            os.kill(self.p.pid, signal.Signals[name])
            self.assertTrue(self.wait_got(i + 1), self.lines())
        self.end()
        self.assertEqual(self.got(), ["got %s from pid %d" % (n, os.getpid()) for n in names + ["SIGTERM"]])

    def test_burst(self):
        """three signals at once: all three printed before SIGTERM, none twice"""
        for s in (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
            os.kill(self.p.pid, s)
        self.assertTrue(self.wait_got(3), self.lines())
        pytap.settle(0.2)
        self.end()
        got = self.got()
        self.assertEqual(sorted(got[:3]), sorted("got %s from pid %d" % (n, os.getpid())
                                                 for n in ("SIGHUP", "SIGUSR1", "SIGUSR2")))
        self.assertEqual(got[3:], ["got SIGTERM from pid %d" % os.getpid()])


pytap.main()
