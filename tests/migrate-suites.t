#!/usr/bin/env python3
# ISC license. The peers' own test suites, run through the translation
# that doc/migration.html gives. Debian's source packages of dumb-init
# and tini are fetched with apt-get source into a private apt state
# under the build tree (apt checks them against Debian's signed index;
# nothing of the machine's apt configuration changes), and each suite
# runs twice: against Debian's binary (the baseline: what passes there
# is what this machine can run) and through tests/peers/, where
# "dumb-init" and "tini" turn their flags into selfpipe-run's. Every
# test that passes on the baseline and fails translated must be named
# in the page's table "The peers' own test suites", and every entry of
# that table must still fail as it says: the differences a migrating
# user trips on are all stated, and none is stale.
#
# dumb-init's suite is pytest's; tini's run_inner_tests.py stops at its
# first failed assert, so it runs here with each assert recording its
# failure and going on (the step and the assert's message name it).
# dumb-init's runs under selfpipe-run -s, so that the orphans its tests
# make are reaped at once (on a machine whose PID 1 reaps late, a zombie
# counts as alive to them); tini's does not, as one of its tests wants
# orphans left unreaped without -s. SP_SUITES=dumb-init (or tini) runs
# one of the two; SP_PEER_SUITES=0 neither (make check-musl and
# make check-dist, which make check follows in .ci/run). Plain pass only.

import glob, json, os, re, shutil, signal, subprocess, sys, tempfile
import xml.etree.ElementTree as ET
sys.path.insert(0, os.path.join(os.environ.get("SP_SRC", "."), "tests"))
from pytap import Tap, scaled, SRC, BUILD, PHASE

tap = Tap()
# what this test inherited, for the diagnostics; then the suites start
# with no signal blocked, as from a login shell (SIG_SETMASK clears the
# libc's reserved ones too, which a mask inherited from afar may hold,
# and which tini's signal configuration test has no name for)
INHERITED = " ".join(l.strip() for l in open("/proc/self/status") if l.startswith(("SigBlk", "SigIgn")))
signal.pthread_sigmask(signal.SIG_SETMASK, [])


def default_reserved():
    """An ignored disposition outlives exec, and the libc cannot undo
    one on its reserved signals (32, 33) or on one Python has no name
    for: a raw rt_sigaction(SIG_DFL) does, on x86_64."""
    if os.uname().machine != "x86_64":
        return
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    ign = int(INHERITED.split("SigIgn:")[1].split()[0], 16) if "SigIgn:" in INHERITED else 0
    dfl = (ctypes.c_uint64 * 4)()     # handler SIG_DFL, no flags, no restorer, empty mask
    for sig in range(32, 65):
        if ign >> (sig - 1) & 1:
            libc.syscall(13, sig, ctypes.byref(dfl), None, 8)


default_reserved()
RUNNER = os.environ.get("SELFPIPE_RUN") or os.path.join(BUILD, "selfpipe-run")
PEERS = os.path.join(SRC, "tests", "peers")
PYTHON = "/usr/bin/python3"       # Debian's, where Debian's pytest is
CACHE = os.path.join(BUILD, "peer-suites")
PEERBIN = {"dumb-init": "/usr/bin/dumb-init", "tini": "/usr/bin/tini"}


def done():
    tap.done()
    sys.exit(0)


if os.environ.get("SP_PEER_SUITES") == "0":
    tap.skip("the peers' suites through the translation",
             "SP_PEER_SUITES=0: make check-musl and make check-dist leave them to make check")
    done()

if PHASE != "plain":
    tap.skip("the peers' suites through the translation", "plain pass only: they start hundreds of runners")
    done()

missing = [p for p in [RUNNER, PYTHON] + list(PEERBIN.values()) if not os.access(p, os.X_OK)]
if subprocess.call([PYTHON, "-c", "import pytest, pytest_timeout, psutil"], stderr=subprocess.DEVNULL) != 0:
    missing.append("python3-pytest, python3-pytest-timeout, python3-psutil")
if missing:
    tap.skip("the peers' suites through the translation",
             "missing: %s (as root: sh tools/install-deps test)" % ", ".join(missing))
    done()


def fetch():
    """The source trees, unpacked under CACHE: {name: directory}, or an
    error string."""
    found = {}
    for name in PEERBIN:
        dirs = sorted(d for d in glob.glob(os.path.join(CACHE, "src", name + "-*")) if os.path.isdir(d))
        if dirs:
            found[name] = dirs[-1]
    if len(found) == len(PEERBIN):
        return found
    for d in ("lists/partial", "cache/archives/partial", "src"):
        os.makedirs(os.path.join(CACHE, d), exist_ok=True)
    with open(os.path.join(CACHE, "sources.list"), "w") as f:
        f.write("deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
                "http://deb.debian.org/debian bookworm main\n")
    apt = ["apt-get", "-q", "-o", "Dir::Etc::SourceList=" + os.path.join(CACHE, "sources.list"),
           "-o", "Dir::Etc::SourceParts=/nonexistent", "-o", "Dir::State::Lists=" + os.path.join(CACHE, "lists"),
           "-o", "Dir::Cache=" + os.path.join(CACHE, "cache"), "-o", "Debug::NoLocking=1",
           "-o", "APT::Sandbox::User=root"]
    for cmd in (apt + ["update"], apt + ["source", "--download-only"] + list(PEERBIN)):
        r = subprocess.run(cmd, cwd=os.path.join(CACHE, "src"), capture_output=True, text=True, timeout=300)
        # a missing Debian packaging tarball is no matter: the suites are upstream's
        tarballs = glob.glob(os.path.join(CACHE, "src", "*.orig.tar.*"))
        if r.returncode and not (cmd[-1] in PEERBIN and len(tarballs) >= len(PEERBIN)):
            return "%s: %s" % (" ".join(cmd[-2:]), (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1])
    for t in glob.glob(os.path.join(CACHE, "src", "*.orig.tar.*")):
        subprocess.check_call(["tar", "xf", t, "-C", os.path.join(CACHE, "src")])
    return fetch() if all(glob.glob(os.path.join(CACHE, "src", n + "-*")) for n in PEERBIN) else "no source tree unpacked"


trees = fetch()
if isinstance(trees, str):
    tap.skip("the peers' suites through the translation",
             "Debian's source packages of dumb-init and tini cannot be fetched (%s)" % trees)
    done()


def stated():
    """The page's table: {(peer, test): what differs}."""
    page = open(os.path.join(SRC, "doc", "migration.html")).read()
    m = re.search(r'<h2 id="suites">(.*?)(?=<h2|</body>)', page, re.S)
    rows = re.findall(r"<tr><td><tt>(dumb-init|tini): ([^<]+)</tt></td>\s*<td>(.*?)</td></tr>", m.group(1) if m else "", re.S)
    return dict(((peer, re.sub(r"\s+", " ", t.strip())), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", why).replace("&nbsp;", " ")).strip()) for peer, t, why in rows)


def scratch_copy(tree):
    d = tempfile.mkdtemp(prefix="sp-suite-")
    dst = os.path.join(d, os.path.basename(tree))
    shutil.copytree(tree, dst)
    return d, dst


def suite_env(bindir):
    env = dict(os.environ)
    for k in list(env):
        if k.startswith(("DUMB_INIT_", "TINI_", "PYTEST")):
            del env[k]
    env["PATH"] = bindir + ":/usr/bin:/bin:/usr/sbin:/sbin"
    env["SELFPIPE_RUN"] = RUNNER
    env["PYTHONPATH"] = os.path.join(PEERS, "pymod")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


# dumb-init: pytest, per test case
def dumb_init(bindir, cases=()):
    """{test id: True passed / False failed} for the suite (or only those
    cases) with bindir first in PATH."""
    d, tree = scratch_copy(trees["dumb-init"])
    xml = os.path.join(d, "junit.xml")
    try:
        subprocess.run([RUNNER, "-s", "-v", "0", "--", PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "--timeout=%d" % scaled(10), "--junitxml=" + xml] + (["tests/" + c for c in cases] or ["tests"]),
                       cwd=tree, env=suite_env(bindir), stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=scaled(900))
        out = {}
        for case in ET.parse(xml).iter("testcase"):
            if case.find("skipped") is not None:
                continue
            mod = case.get("classname").split(".")[-1]
            out["%s.py::%s" % (mod, case.get("name"))] = case.find("failure") is None and case.find("error") is None
        return out
    finally:
        shutil.rmtree(d, ignore_errors=True)


def matches(entry, test):
    """An entry is file::function (every case of it) or
    file::function[p] (the cases whose parameters include p)."""
    base, _, params = test.partition("[")
    ebase, _, eparam = entry.partition("[")
    if ebase != base:
        return False
    return not eparam or eparam.rstrip("]") in params.rstrip("]").split("-")


def compare(peer, base, ours, table):
    entries = [t for (p, t) in table if p == peer]
    ran = [t for t in base if base[t] and t in ours]
    differs = sorted(t for t in ran if not ours[t])
    tap.ok(len(ran) >= 0.8 * len(base) and len(ran) > 0,
           "%s's suite: %d of its %d cases pass against %s" % (peer, len(ran), len(base), PEERBIN[peer]),
           "failing on the baseline, so left out: %s" % sorted(t for t in base if not base[t]))
    unstated = [t for t in differs if not any(matches(e, t) for e in entries)]
    tap.ok(not unstated, "%s's suite translated: %d of %d pass; every case that fails is stated on the page"
           % (peer, len(ran) - len(differs), len(ran)), "not stated:\n  " + "\n  ".join(unstated))
    for e in entries:
        hit = [t for t in ran if matches(e, t)]
        bad = [t for t in hit if ours[t]]
        tap.ok(hit and not bad, "  %s: %s (%s)" % (e, table[(peer, e)][:90], "%d cases fail" % len(hit) if hit else "no such case"),
               "these pass translated, so the entry is stale: %s" % bad)


table = stated()
tap.ok(len(table) > 0, "doc/migration.html has the table of the suites' differences (%d entries)" % len(table))

SUITES = os.environ.get("SP_SUITES", "dumb-init,tini").split(",")
if "dumb-init" in SUITES:
    base = dumb_init(os.path.dirname(PEERBIN["dumb-init"]))
    ours = dumb_init(PEERS)
    # the suite's own deadlines are fixed (a 5 s timeout, 1.5 s waits):
    # on a busy machine a case can miss one, so a failure that the page
    # does not state counts once it fails again, alone
    entries = [t for (p, t) in table if p == "dumb-init"]
    again = [t for t in ours if not ours[t] and base.get(t) and not any(matches(e, t) for e in entries)]
    if again:
        ours.update(dumb_init(PEERS, again))
    compare("dumb-init", base, ours, table)


# tini: run_inner_tests.py, each assert recording its failure and going on
# the driver: run_inner_tests.py with every assert turned into a call
# that records the step and the message, then goes on
SOFT_MAIN = r'''
import ast, builtins, json, os, re, sys
class SOFT(ast.NodeTransformer):
    def visit_Assert(self, node):
        call = ast.Call(func=ast.Name(id="__soft", ctx=ast.Load()),
                        args=[node.test, node.msg or ast.Constant(value="")], keywords=[])
        return ast.copy_location(ast.Expr(value=call), node)
path, out = sys.argv[1], sys.argv[2]
tree = ast.parse(open(path).read())
tree = SOFT().visit(tree)
ast.fix_missing_locations(tree)
failed, step = [], ["start"]
def __soft(cond, msg):
    if not cond:
        key = "%s: %s" % (step[0], str(msg).split("\n")[0])
        if key not in failed:
            failed.append(key)
real_print = builtins.print
def step_print(*a, **kw):
    s = " ".join(str(x) for x in a)
    if re.match("(?i)running ", s):
        # the step, without the binary's path, the env and the signal number's target
        step[0] = re.sub(r" *\(.*$| for /.*$", "", s)
    real_print(*a, **kw)
g = {"__name__": "__main__", "__soft": __soft, "__file__": path, "print": step_print}
sys.argv = [path]
try:
    exec(compile(tree, path, "exec"), g)
except Exception as e:
    failed.append("%s: stopped: %s: %s" % (step[0], type(e).__name__, str(e).split("\n")[0]))
json.dump(failed, open(out, "w"))
'''


def tini(tini_bin):
    """The failed asserts, as 'step: message', of run_inner_tests.py
    with tini_bin as BUILD_DIR/tini."""
    d, tree = scratch_copy(trees["tini"])
    build = os.path.join(d, "build")
    os.makedirs(build)
    os.symlink(tini_bin, os.path.join(build, "tini"))
    try:
        subprocess.check_call([os.environ.get("CC", "cc"), "-o", os.path.join(build, "sigconf-test"),
                               os.path.join(tree, "test", "sigconf", "sigconf-test.c")])
        driver = os.path.join(d, "soft.py")
        with open(driver, "w") as f:
            f.write(SOFT_MAIN)
        # its scripts start with "#!/usr/bin/env python"
        os.makedirs(os.path.join(d, "bin"))
        os.symlink(PYTHON, os.path.join(d, "bin", "python"))
        env = suite_env(os.path.dirname(tini_bin) + ":" + os.path.join(d, "bin"))
        env.update(SOURCE_DIR=tree, BUILD_DIR=build, FORCE_SUBREAPER="1")
        res = os.path.join(d, "failed.json")
        subprocess.run([PYTHON, driver, os.path.join(tree, "test", "run_inner_tests.py"), res],
                       cwd=tree, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=scaled(900))
        return json.load(open(res))
    finally:
        shutil.rmtree(d, ignore_errors=True)


if "tini" in SUITES:
    tbase = tini(PEERBIN["tini"])
    tours = tini(os.path.join(PEERS, "tini"))
    # as for dumb-init, what fails on the baseline is left out of the comparison
    tap.ok(len(tbase) <= 1, "tini's run_inner_tests.py against %s: %d of its steps fail here, left out" % (PEERBIN["tini"], len(tbase)),
           "failed: %s\n(this test inherited %s)" % (tbase, INHERITED))
    if tbase:
        tap.note("failing on the baseline, so left out: %s (this test inherited %s)" % (tbase, INHERITED))
    entries = [t for (p, t) in table if p == "tini"]
    unstated = [f for f in tours if f not in entries and f not in tbase]
    tap.ok(not unstated, "tini's suite translated: %d asserts fail, every one stated on the page" % len(tours),
           "not stated:\n  " + "\n  ".join(unstated))
    for e in entries:
        tap.ok(e in tours, "  tini: %s (%s)" % (e, table[("tini", e)][:90]), "it passes translated: the entry is stale")

done()
