# ISC license. What the tests/int-gen-*.t stories share on top of
# intlib: selfpipe-gen, selfpipe-bind and selfpipe-listenfds on the
# tests' PATH, a load client that records which generation answered
# each request and when it was sent, one rollout triggered through the
# supervisor and read back from the log, and the numbers printed.
#
# The one claim every story makes about "the new code is served": a
# request sent after the test has read "rollout done" in the log (so
# after the old generation was reaped) is answered by the new
# generation, never an older one. Reading the log comes after the fact,
# so that holds whatever the scheduling; nothing is timed by a sleep.

import os
import re
import statistics
import time

from intlib import Load, scaled, wait_until  # noqa: F401

PROGRAMS = ('selfpipe-gen', 'selfpipe-bind', 'selfpipe-listenfds')
# the supervisors' tool for SIGALRM to the service: selfpipe-gen -U ALRM
ALARM = {'s6': ['s6-svc', '-a'], 'runit': ['sv', 'alarm']}


def gen_programs(h):
    """selfpipe-gen and the socket tools of this build on the tests'
    PATH, beside selfpipe-run; a missing one ends the story."""
    build = os.path.dirname(h.runner)
    bindir = os.path.join(h.tmp, 'bin')
    for p in PROGRAMS:
        path = os.path.join(build, p)
        if not os.access(path, os.X_OK):
            h.bail('%s is not built at %s: run make' % (p, path))
        os.symlink(path, os.path.join(bindir, p))


class GenLoad(Load):
    """intlib's Load (keep-alive and fresh connections, a keep-alive
    connection closed while idle retried once), where an answer is good
    when it matches pattern; each good answer is kept as (monotonic time
    the request was sent, the pattern's groups), and how long it took."""

    def __init__(self, port, pattern, **kw):
        super().__init__(port, '', **kw)
        self.pattern = re.compile(pattern)
        self.seen = []
        self.lat = []     # (sent, seconds to the answer) of each good answer

    def get(self, c):
        t = time.monotonic()
        c.request('GET', '/')
        r = c.getresponse()
        body = r.read().decode(errors='replace')
        m = self.pattern.match(body)
        if r.status != 200 or not m:
            raise ValueError('status %d body %r' % (r.status, body))
        with self.lock:
            self.seen.append((t, m.groups()))
            self.lat.append((t, time.monotonic() - t))

    def since(self, t):
        """The groups of every answer to a request sent at t or later."""
        with self.lock:
            return [g for (s, g) in self.seen if s >= t]

    def first_since(self, t, want):
        """True once a request sent at t or later got want (a groups tuple, or a function of it)."""
        ok = want if callable(want) else (lambda g: g == want)
        return any(ok(g) for g in self.since(t))

    def slowest(self, t0=0, t1=None):
        """The longest wait for an answer, in ms, of the requests sent between t0 and t1."""
        with self.lock:
            w = [d for (s, d) in self.lat if s >= t0 and (t1 is None or s < t1)]
        return int(max(w) * 1000) if w else 0

    def report(self, h, what):
        n = self.ok + self.failed
        h.note('%s: %d requests in %.1f s (%.0f/s), %d failed, %d keep-alive retries'
               % (what, n, self.elapsed, n / self.elapsed if self.elapsed else 0, self.failed, self.retried))
        return n


def wait_running(load, n=50, timeout=20):
    return wait_until(lambda: load.ok > n, timeout, 0.02)


DONE = (r'selfpipe-gen: info: rollout done: generation (\d+) \(pid (\d+)\) ready in (\d+) ms; '
        r'generation (\d+) \(pid (\d+)\) retired, (exited \d+|killed by SIG\w+), (\d+) ms after the trigger$')


class Rollout:
    """One "rollout done" line: new (generation, pid), ready ms, old
    (generation, pid), how the old one ended, ms from the trigger."""

    def __init__(self, m):
        self.new, self.newpid, self.ready = int(m.group(1)), int(m.group(2)), int(m.group(3))
        self.old, self.oldpid, self.how, self.ms = int(m.group(4)), int(m.group(5)), m.group(6), int(m.group(7))
        self.seen_at = time.monotonic()   # when the test read it: after the old one was reaped


def alarm(h, sup, svc):
    """SIGALRM to the service through its supervisor (s6-svc -a, sv alarm)."""
    rc, out = h.run(ALARM[sup.name] + [svc])
    return rc == 0 or out


def rollout(h, sup, svc, logdir, n, timeout=60):
    """The n-th trigger of a rollout (from 1), by the supervisor: the
    n-th "rollout done" line as a Rollout, or None at the deadline."""
    alarm(h, sup, svc)
    d = h.wait_log(logdir, '^%s%s' % (sup.stamp, DONE), timeout, count=n)
    return Rollout(d[n - 1]) if len(d) >= n else None


def spread(ms):
    """min/median/max of a list of numbers, as words."""
    if not ms:
        return 'none'
    return 'min %d, median %d, max %d ms (%d)' % (min(ms), statistics.median(ms), max(ms), len(ms))


def uptime(h, sup, svc):
    """(pid, seconds up) as the supervisor shows them, None if it shows none."""
    if sup.name == 's6':
        rc, out = h.run(['s6-svstat', '-o', 'up,pid,updownfor', svc])
        w = out.split()
        if rc == 0 and len(w) == 3 and w[0] == 'true':
            return int(w[1]), int(w[2])
        return None
    m = re.match(r'run: [^:]*: \(pid (\d+)\) (\d+)s', sup.status(svc))
    return (int(m.group(1)), int(m.group(2))) if m else None


def same_service(h, sup, svc, before, t0, what):
    """The supervisor still shows the pid it showed at t0 (monotonic),
    up at least as long as the test has watched it: never restarted."""
    now = uptime(h, sup, svc)
    watched = int(time.monotonic() - t0)
    return h.ok(now is not None and before is not None and now[0] == before[0] and now[1] >= before[1] + watched - 1,
                '%s: %s shows the same pid %s, up %s s, unbroken (watched %d s)'
                % (what, sup.name, now and now[0], now and now[1], watched),
                '%s then, %s now: %s' % (before, now, sup.status(svc)))


def rollback_lines(h, logdir, stamp, start):
    """The "rolled back" lines of the log from line start on: (generation, pid, why, tail)."""
    r = re.compile(r'^%sselfpipe-gen: warning: rollout: generation (\d+) \(pid (\d+)\) rolled back after \d+ ms: '
                   r'(.*?); generation \d+ \(pid \d+\) keeps serving; (.*)$' % stamp)
    out = []
    for line in h.logtext(logdir).splitlines()[start:]:
        m = r.match(line)
        if m:
            out.append((int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)))
    return out


def rollouts(h, sup, svc, logdir, load, count, edit, expect, cur=1, between=None, timeout=60):
    """count rollouts under load, each triggered by the supervisor. Before
    the i-th (from 0), between(i, cur) runs if given (a story of its
    own, cur the serving generation), then edit(i) changes the code and
    returns the version the next generation will serve. A rollout is
    good when "rollout done" says cur was retired and exited 0, and a
    request sent after the test read that line got expect(version, new
    generation) (the load's groups); then 50 more requests are served
    before the next. Returns (the Rollouts, how each
    generation answers {generation: groups}, None or why it broke)."""
    done, answers, gen = [], {}, cur
    for i in range(count):
        if between is not None:
            between(i, gen)
        v = edit(i)
        r = rollout(h, sup, svc, logdir, i + 1, timeout)
        if r is None or r.old != gen or r.how != 'exited 0':
            return done, answers, 'rollout %d: %s' % (i + 1, 'no "rollout done"' if r is None else
                                                      'generation %d retired (%s), not %d' % (r.old, r.how, gen))
        want = expect(v, r.new)
        if not wait_until(lambda: load.first_since(r.seen_at, want), 20, 0.02):
            return done, answers, 'rollout %d: generation %d did not answer %s after it' % (i + 1, r.new, want)
        answers[r.new] = want
        done.append(r)
        gen = r.new
        served = load.ok    # the new generation carries the load a while
        wait_until(lambda: load.ok >= served + 50, 20, 0.02)
    return done, answers, None


def stale_answers(load, done, answers, first):
    """Answers to requests sent after a "rollout done" that an older
    generation gave (first: (generation, its answer) before the first
    rollout), and answers that no generation gives: both [] when every
    rollout switched cleanly."""
    gens = dict(answers)
    gens[first[0]] = first[1]
    stale, odd = [], []
    for r in done:
        newer = set(g for n, g in gens.items() if n >= r.new)
        stale += [g for g in load.since(r.seen_at) if g not in newer]
    known = set(gens.values())
    odd = [g for (t, g) in load.seen if g not in known]
    return stale[:10], odd[:10]
