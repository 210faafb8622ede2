#!/usr/bin/env python3
# ISC license. The README's server loop (tests/py_server.py), driven by
# signals from this process: orderly exit on TERM, immediate exit on
# QUIT, a status line on ALRM, signals that come during a job served
# after it, in order.

import os
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytap

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = pytap.scaled(60)    # generous: the machine may be loaded


class Server(unittest.TestCase):
    def start(self, jobtime):
        fd, self.state = tempfile.mkstemp()
        os.close(fd)
        env = dict(os.environ, PYTHONPATH=os.path.join(pytap.SRC, "src", "python"))
        self.p = subprocess.Popen([sys.executable, os.path.join(HERE, "py_server.py"), self.state, str(jobtime)],
                                  stdout=subprocess.PIPE, text=True, env=env)
        self.lines = []
        self.until("ready")

    def tearDown(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()
        self.p.stdout.close()
        if os.path.exists(self.state):
            os.unlink(self.state)

    def until(self, what):
        """Reads the server's lines up to the first one starting with what."""
        for l in self.p.stdout:
            self.lines.append(l.strip())
            if l.startswith(what):
                return l.split()
        self.fail("no %r line: %r" % (what, self.lines))

    def finish(self):
        rest = self.p.communicate(timeout=TIMEOUT)[0]
        self.lines += rest.split("\n")[:-1]
        return self.p.returncode

    def test_alrm_then_term(self):
        """ALRM prints a status each time, TERM exits 0 after cleaning up"""
        self.start(0.01)
        counts = []
        for _ in range(3):
            self.p.send_signal(signal.SIGALRM)
            counts.append(int(self.until("status")[1]))
        self.assertEqual(counts, sorted(counts))
        self.p.send_signal(signal.SIGTERM)
        self.assertEqual(self.finish(), 0)
        self.assertEqual(self.lines[-2:], ["stopping", "bye"])
        self.assertFalse(os.path.exists(self.state))

    def test_quit(self):
        """QUIT exits 3 at once, no cleanup"""
        self.start(0.01)
        self.p.send_signal(signal.SIGQUIT)
        self.assertEqual(self.finish(), 3)
        self.assertEqual(self.lines[-1], "quit")
        self.assertTrue(os.path.exists(self.state))

    def test_during_job(self):
        """ALRM then TERM during a job: the job ends, then the status, then the orderly exit"""
        self.start(1.0)
        n = self.until("job")[1]
        self.p.send_signal(signal.SIGALRM)
        self.p.send_signal(signal.SIGTERM)
        self.assertEqual(self.finish(), 0)
        i = self.lines.index("job %s done" % n)
        self.assertEqual(self.lines[i:], ["job %s done" % n, "status %s" % n, "stopping", "bye"])

    def test_quit_during_job(self):
        """QUIT during a job: no new job starts, exit 3 right after it"""
        self.start(1.0)
        n = self.until("job")[1]
        self.p.send_signal(signal.SIGQUIT)
        self.assertEqual(self.finish(), 3)
        self.assertEqual(self.lines[-2:], ["job %s done" % n, "quit"])


pytap.main()
