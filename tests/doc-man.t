#!/usr/bin/env python3
# ISC license. The man pages (doc/man) are written by hand beside the
# HTML pages (doc/*.html): nothing but this test keeps them saying the
# same thing. For selfpipe-run: its usage string (in the source, and as
# the program prints it), the synopsis and the options of both pages,
# the exit codes, the hooks' environment and the log lines. For
# libselfpipe: the functions of the header, of both pages and of the
# man page links, their prototypes, the macros and the errno values.
# For selfpipe-gen: its usage, synopses, options, exit codes, log lines.
# For the chain-loaders (selfpipe-bind, selfpipe-listenfds): the usage
# string (source, printed), synopses, options, exit codes, log lines,
# and selfpipe-listenfds's dialects.
# Each check is also run on a page with something taken out, so that a
# check that sees nothing cannot pass.

import errno
import glob
import html
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytap

SRC = pytap.SRC
DOC = os.path.join(SRC, "doc")


def read(*path):
    with open(os.path.join(SRC, *path), encoding="utf-8") as f:
        return f.read()


# --- roff, as far as these pages use it

def roff_text(s):
    """The text of roff input: font changes and escapes resolved."""
    s = re.sub(r"\\f[BIRP]|\\f\(..|\\&|\\c", "", s)
    s = s.replace("\\-", "-").replace("\\e", "\\").replace("\\ ", " ").replace("\\(em", "--")
    return s


def roff_args(s):
    """The arguments of a request: words, or "quoted strings" ("" inside is ")."""
    out = []
    for m in re.finditer(r'"((?:[^"]|"")*)"|(\S+)', s):
        out.append(m.group(1).replace('""', '"') if m.group(1) is not None else m.group(2))
    return out


def roff_line(line):
    """One input line as text; None for a request that prints nothing."""
    if not line.startswith((".", "'")):
        return roff_text(line)
    m = re.match(r"[.'](\w+)\s*(.*)", line)
    if not m:
        return None
    req, rest = m.groups()
    if req in ("B", "I", "R", "SM", "SB"):
        return roff_text(" ".join(roff_args(rest)))
    if req in ("BR", "RB", "IR", "RI", "BI", "IB"):
        return roff_text("".join(roff_args(rest)))
    return None


def man_sections(text):
    """{SECTION NAME: [input lines]}"""
    out, cur = {}, None
    for line in text.split("\n"):
        m = re.match(r"\.SH\s+(.*)", line)
        if m:
            cur = " ".join(roff_args(m.group(1)))
            out[cur] = []
        elif cur is not None:
            out[cur].append(line)
    return out


def man_tags(lines):
    """The tags of the .TP paragraphs: the line after each .TP, as text."""
    tags = []
    for i, line in enumerate(lines):
        if re.match(r"\.TP\b", line) and i + 1 < len(lines):
            tags.append(roff_line(lines[i + 1]))
    return tags


def man_text(lines):
    return " ".join(t for t in map(roff_line, lines) if t is not None)


def split_blocks(lines, start=r"\.(nf|EX)\b", end=r"\.(fi|EE)\b"):
    """(lines inside the blocks from start to end, lines outside them)"""
    ins, outs, inside = [], [], False
    for line in lines:
        if re.match(start, line):
            inside = True
        elif re.match(end, line):
            inside = False
        else:
            (ins if inside else outs).append(line)
    return ins, outs


def man_blocks(lines):
    """The lines of the .nf/.fi and .EX/.EE blocks, as text."""
    return [t for t in map(roff_line, split_blocks(lines)[0]) if t is not None]


# --- HTML, as far as these pages use it

def html_text(s):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", "", s)).replace("\xa0", " ")).strip()


def html_section(page, title):
    """What follows the <h2> whose text is title, up to the next <h2>."""
    for m in re.finditer(r"<h2[^>]*>(.*?)</h2>(.*?)(?=<h2|</body>)", page, re.S):
        if html_text(m.group(1)) == title:
            return m.group(2)
    return ""


def html_items(s):
    return [html_text(m) for m in re.findall(r"<li>(.*?)</li>", s, re.S)]


def html_pre(s):
    return [html.unescape(re.sub(r"<[^>]*>", "", p)) for p in re.findall(r"<pre\b[^>]*>(.*?)</pre>", s, re.S)]


# --- selfpipe-run

def source_usage():
    """SPRUN_USAGE, wherever src/selfpipe defines it, as a string."""
    text = "".join(read(os.path.relpath(f, SRC)) for f in sorted(glob.glob(os.path.join(SRC, "src", "selfpipe", "*.[ch]"))))
    text = re.sub(r"\\\n", " ", text)
    macros = dict(re.findall(r"(?m)^#\s*define\s+(\w+)\s+(.*)$", text))

    def expand(body, depth=0):
        out = ""
        for m in re.finditer(r'"((?:[^"\\]|\\.)*)"|(\w+)', body):
            if m.group(1) is not None:
                out += m.group(1).encode().decode("unicode_escape")
            elif m.group(2) in macros and depth < 8:
                out += expand(macros[m.group(2)], depth + 1)
            else:
                raise ValueError(m.group(2))
        return out
    try:
        return expand(macros["SPRUN_USAGE"])
    except (KeyError, ValueError):      # not a #define of strings and macros
        return None


def synopsis(s):
    """A synopsis, spaced one way: "prog [-v verbosity] [-T] ... prog..."."""
    s = re.sub(r"\s+", " ", s).strip()
    return re.sub(r"\[ ", "[", re.sub(r" \]", "]", s))


def usage_options(usage):
    """The options of a synopsis: ["-v verbosity", "-T", ...]."""
    return [(o + " " + a) if a else o for o, a in re.findall(r"\[ ?(-\w)(?: ([^\]\s]+))? ?\]", usage)]


def option_head(text):
    """"-m from:to : forward..." -> "-m from:to"."""
    m = re.match(r"(-\w)(?: (\S+))? : ", text + " ")
    return m and ((m.group(1) + " " + m.group(2)) if m.group(2) else m.group(1))


def run_html_synopsis(page):
    pre = html_pre(html_section(page, "Interface"))
    return synopsis(pre[0]) if pre else None


def run_html_options(page):
    return [option_head(i) for i in html_items(html_section(page, "Options"))]


def run_man_synopsis(man):
    return synopsis(man_text(man_sections(man).get("SYNOPSIS", [])))


def run_man_options(man):
    return [re.sub(r"\s+", " ", t).strip() for t in man_tags(man_sections(man).get("OPTIONS", []))]


EXIT_RE = re.compile(r"^(\d+(?:\+N)?)\b")


def run_html_exits(page):
    return sorted({m.group(1) for m in (EXIT_RE.match(i) for i in html_items(html_section(page, "Exit codes"))) if m})


def run_man_exits(man):
    return sorted({m.group(1) for m in (EXIT_RE.match(t.strip()) for t in man_tags(man_sections(man).get("EXIT STATUS", []))) if m})


def env_vars(text):
    return sorted(set(re.findall(r"\bSELFPIPE_[A-Z_]+\b", text)))


# the sender as fmt_head words it: a pid with its name (or gone), the
# kernel, the terminal, outside; then how it was sent
EVENT = re.compile(r"SIG[A-Z0-9+-]+ from (?:pid \d+(?: \([^)]*\))? uid \d+|the kernel|the terminal|outside the container"
                   r"|outside the pid namespace|unknown sender)(?: by (?:kill|tkill|sigqueue value -?\d+))?")


def run_html_logs(page):
    pre = html_pre(html_section(page, "Log lines"))
    lines = [l for l in (pre[0].split("\n") if pre else []) if l.strip()]
    out = []
    for l in lines:
        l = re.sub(r"\s{2,}\(.*\)\s*$", "", l)            # the notes in parentheses
        l = re.sub(r"^selfpipe-run: ", "", l.strip())
        out.append(EVENT.sub("EVENT", l, count=1))
    return sorted(set(out))


def run_man_logs(man):
    return sorted({l.strip() for l in man_blocks(man_sections(man).get("LOG LINES", [])) if l.strip()})


# --- libselfpipe

def norm_proto(s):
    s = re.sub(r"\s+", " ", s).strip().rstrip(";").strip()
    return re.sub(r"\s*([(),*])\s*", r"\1", s)


def strip_names(proto):
    """int sp_wait(sp_info*info,int timeout_ms) -> int sp_wait(sp_info*,int)"""
    m = re.match(r"(.*?)\((.*)\)$", proto)
    if not m:
        return proto
    params = []
    for p in m.group(2).split(","):
        toks = re.findall(r"\w+|\*", p)
        if len(toks) >= 2 and re.match(r"\w+$", toks[-1]):
            p = re.sub(r"\s*\w+$", "", p)
        params.append(p)
    return "%s(%s)" % (m.group(1), ",".join(params))


def proto_name(proto):
    """The name a prototype declares: the last word before its "("."""
    m = re.search(r"(\w+)\s*$", proto.split("(")[0]) if "(" in proto else None
    return m and m.group(1)


def header_api(header):
    """{name: prototype without parameter names}, None for a macro; macros SP_*."""
    text = re.sub(r"/\*.*?\*/", "", header, flags=re.S)
    api = {}
    for m in re.finditer(r"\bextern\s+([^;]*?\))\s*;", text):
        p = norm_proto(m.group(1))
        api[proto_name(p)] = p
    for m in re.finditer(r"\btypedef\s+([^;{}]*?\))\s*;", text):
        p = norm_proto(m.group(1))
        api[proto_name(p)] = "typedef " + p
    for name in re.findall(r"(?m)^#\s*define\s+(sp_\w+)\(", text):
        api[name] = None
    macros = sorted(set(re.findall(r"(?m)^#\s*define\s+(SP_\w+)", text)))
    return api, macros


def lib_html_protos(page):
    out = {}
    for c in re.findall(r"<code>(.*?)</code>", html_section(page, "Functions"), re.S):
        p = norm_proto(html_text(c))
        if p.startswith("typedef "):
            out[proto_name(p[8:])] = "typedef " + p[8:]
        elif proto_name(p):
            out[proto_name(p)] = p
    return out


def lib_man_protos(man):
    lines = [l for l in man_sections(man).get("SYNOPSIS", []) if not re.match(r"\.(PP|nf|fi)\b", l)]
    text = " ".join(t for t in map(roff_line, lines) if t is not None and not t.lstrip().startswith("#"))
    out = {}
    for stmt in text.split(";"):
        p = norm_proto(stmt)
        if not p:
            continue
        if p.startswith("typedef "):
            out[proto_name(p[8:])] = "typedef " + p[8:]
        else:
            out[proto_name(p)] = p
    return out


def lib_man_names(man):
    text = man_text(man_sections(man).get("NAME", []))
    return sorted(n.strip() for n in text.split(" - ")[0].split(",") if n.strip() != "selfpipe")


def man_links(mandir):
    """{name: what the page sources} for every sp_*.3 in mandir."""
    out = {}
    for f in sorted(glob.glob(os.path.join(mandir, "sp_*.3"))):
        with open(f) as h:
            m = re.search(r"(?m)^\.so\s+(\S+)", h.read())
        out[os.path.basename(f)[:-2]] = m and m.group(1)
    return out


ERRNO = set(errno.errorcode.values())


def errnos(text):
    return sorted({w for w in re.findall(r"\bE[A-Z0-9]+\b", text) if w in ERRNO})


def lib_html_errnos(page):
    body = re.sub(r"<pre\b[^>]*>.*?</pre>", "", page, flags=re.S)     # the examples' code
    return errnos(html.unescape(body))


def lib_man_errnos(man):
    secs = man_sections(man)
    lines = [l for name, ls in secs.items() if name != "EXAMPLE" for l in ls]
    text = split_blocks(lines, r"\.EX\b", r"\.EE\b")[1]
    return errnos(roff_text("\n".join(text)))


def functions(protos):
    return sorted(n for n, p in protos.items() if p is None or not p.startswith("typedef "))


def compare(a, b):
    """What differs between two lists: [] when they agree."""
    if a == b:
        return []
    sa, sb = set(a), set(b)
    return ["only in the first: %s" % sorted(sa - sb), "only in the second: %s" % sorted(sb - sa)] \
        if sa != sb else ["same items, another order: %s / %s" % (a, b)]


def printed_usage(run):
    """What selfpipe-run prints with no argument: (exit code, usage string or None)."""
    r = subprocess.run([run], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    m = re.match(r"selfpipe-run: usage: (.*)", r.stderr)
    return r.returncode, m and m.group(1)


class Runner(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.run_path = os.environ.get("SELFPIPE_RUN") or os.path.join(pytap.BUILD, "selfpipe-run")
        cls.rc, cls.printed = printed_usage(cls.run_path)
        cls.source = source_usage()
        # the program's own word first; the source's if it could not say
        cls.usage = cls.printed or cls.source or ""
        cls.html = read("doc", "selfpipe-run.html")
        cls.man = read("doc", "man", "selfpipe-run.1")

    def test_usage_printed(self):
        """selfpipe-run with no argument prints its usage string, naming every option, and exits 100 as documented"""
        self.assertEqual(self.rc, 100)
        self.assertIsNotNone(self.printed)
        self.assertTrue(self.printed.startswith("selfpipe-run "), self.printed)
        self.assertGreaterEqual(len(usage_options(self.printed)), 10)
        self.assertIn("100", run_html_exits(self.html))
        self.assertIn("100", run_man_exits(self.man))

    def test_usage_source(self):
        """the usage string printed is SPRUN_USAGE of src/selfpipe"""
        if self.source is None:
            self.skipTest("no #define SPRUN_USAGE in src/selfpipe: the printed usage is the reference")
        self.assertEqual(self.printed, self.source)

    def test_html_synopsis(self):
        """selfpipe-run.html's synopsis is the usage string"""
        self.assertEqual(run_html_synopsis(self.html), synopsis(self.usage))

    def test_man_synopsis(self):
        """selfpipe-run.1's SYNOPSIS is the usage string"""
        self.assertEqual(run_man_synopsis(self.man), synopsis(self.usage))

    def test_html_options(self):
        """selfpipe-run.html documents every option of the usage string, and no other"""
        self.assertEqual(compare(run_html_options(self.html), usage_options(self.usage)), [])

    def test_man_options(self):
        """selfpipe-run.1's OPTIONS: every option of the usage string, and no other"""
        self.assertEqual(compare(run_man_options(self.man), usage_options(self.usage)), [])

    def test_exit_codes(self):
        """the same exit codes in both pages"""
        h = run_html_exits(self.html)
        self.assertGreaterEqual(len(h), 5, h)
        self.assertEqual(compare(run_man_exits(self.man), h), [])

    def test_exit_not_found(self):
        """a prog that is not found: 127, as documented"""
        r = subprocess.run([self.run_path, "-v", "0", "/nonexistent/prog"], capture_output=True)
        self.assertEqual(r.returncode, 127)
        self.assertIn("127", run_html_exits(self.html))

    def test_hook_environment(self):
        """the same SELFPIPE_* variables in both pages"""
        h = env_vars(html_section(self.html, "Hooks"))
        self.assertEqual(h, ["SELFPIPE_CHILD", "SELFPIPE_SENDER", "SELFPIPE_SIGNAL"])
        self.assertEqual(compare(env_vars(self.man), env_vars(self.html)), [])

    def test_log_lines(self):
        """the same log line forms in both pages"""
        h = run_html_logs(self.html)
        self.assertGreaterEqual(len(h), 15, h)
        self.assertEqual(compare(run_man_logs(self.man), h), [])


class Library(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.header, cls.macros = header_api(read("src", "include", "selfpipe", "selfpipe.h"))
        cls.html = read("doc", "libselfpipe.html")
        cls.man = read("doc", "man", "selfpipe.3")
        cls.hp = lib_html_protos(cls.html)
        cls.mp = lib_man_protos(cls.man)

    def test_functions(self):
        """the header's functions: all in libselfpipe.html, selfpipe.3's SYNOPSIS and NAME, and a man link each"""
        names = functions(self.header)
        self.assertGreaterEqual(len(names), 12, names)
        self.assertEqual(compare(functions(self.hp), names), [])
        self.assertEqual(compare(functions(self.mp), names), [])
        self.assertEqual(compare(lib_man_names(self.man), names), [])
        links = man_links(os.path.join(DOC, "man"))
        self.assertEqual(compare(sorted(links), names), [])
        for n, target in links.items():
            self.assertEqual(target, "man3/selfpipe.3", n)
        self.assertTrue(os.path.isfile(os.path.join(DOC, "man", "selfpipe.3")))

    def test_prototypes(self):
        """each prototype (and typedef) the same in both pages, and, names aside, in the header"""
        self.assertEqual(compare(sorted(self.hp), sorted(self.mp)), [])
        for n in self.hp:
            if self.hp[n].startswith("typedef "):     # parameter names are optional there
                self.assertEqual(strip_names(self.mp[n]), strip_names(self.hp[n]), n)
            else:
                self.assertEqual(self.mp[n], self.hp[n], n)
            if self.header.get(n) is not None:
                self.assertEqual(strip_names(self.hp[n]), self.header[n], n)

    def test_macros(self):
        """the header's SP_* macros are in both pages"""
        self.assertIn("SP_SIGNAME_MAX", self.macros)
        for m in self.macros:
            self.assertIn(m, self.html, m)
            self.assertIn(m, self.man, m)

    def test_errnos(self):
        """the same errno values in both pages (examples aside)"""
        h = lib_html_errnos(self.html)
        self.assertGreaterEqual(len(h), 8, h)
        self.assertEqual(compare(lib_man_errnos(self.man), h), [])


# --- the chain-loaders

LOADERS = ("selfpipe-bind", "selfpipe-listenfds")


def loader_source_usage(name):
    """The USAGE of src/sockets/NAME.c, one string literal."""
    m = re.search(r'(?m)^#define USAGE "((?:[^"\\]|\\.)*)"$', read("src", "sockets", name + ".c"))
    return m and m.group(1)


def loader_options(usage):
    """The options of a synopsis, an argument with a [...] of its own kept
    whole: ["-b backlog", "-u path[,mode]", ...]."""
    return [(o + " " + a) if a else o for o, a in re.findall(r"\[ (-\w)(?: ((?:[^\[\]\s]|\[[^\]]*\])+))? \]", usage)]


def loader_printed_usage(name):
    r = subprocess.run([os.path.join(pytap.BUILD, name)], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    m = re.match(r"%s: usage: (.*)\n$" % re.escape(name), r.stderr)
    return r.returncode, m and m.group(1)


def loader_html_logs(page):
    pre = html_pre(html_section(page, "Log lines"))
    return sorted({l.strip() for l in (pre[0].split("\n") if pre else []) if l.strip()})


def source_dialects():
    return re.findall(r'\.name = "([^"]+)"', read("src", "sockets", "spsock_dialect_find.c"))


def html_dialects(page):
    return [i.split()[0].rstrip(":") for i in html_items(html_section(page, "Dialects"))]


def man_dialects(man):
    return [t.strip() for t in man_tags(man_sections(man).get("DIALECTS", []))]


class Loaders(unittest.TestCase):
    """Each check for both programs, in turn."""

    def pages(self, name):
        return read("doc", name + ".html"), read("doc", "man", name + ".1")

    def test_usage(self):
        """each prints its USAGE (src/sockets/PROG.c) with no argument, exits 100, and both pages say 100"""
        for name in LOADERS:
            rc, printed = loader_printed_usage(name)
            page, man = self.pages(name)
            self.assertEqual((rc, printed), (100, loader_source_usage(name)), name)
            self.assertTrue(printed.startswith(name + " ") and printed.endswith(" prog..."), printed)
            self.assertIn("100", run_html_exits(page))
            self.assertIn("100", run_man_exits(man))

    def test_synopsis(self):
        """the HTML Interface and the man SYNOPSIS are the usage string"""
        for name in LOADERS:
            page, man = self.pages(name)
            usage = loader_source_usage(name)
            self.assertEqual(run_html_synopsis(page), synopsis(usage), name)
            self.assertEqual(run_man_synopsis(man), synopsis(usage), name)

    def test_options(self):
        """both pages document every option of the usage string, and no other"""
        for name in LOADERS:
            page, man = self.pages(name)
            opts = loader_options(loader_source_usage(name))
            self.assertGreaterEqual(len(opts), 3, opts)
            self.assertEqual(compare(run_html_options(page), opts), [], name)
            self.assertEqual(compare(run_man_options(man), opts), [], name)

    def test_exit_codes(self):
        """the same exit codes in both pages: 100, 111, 126, 127"""
        for name in LOADERS:
            page, man = self.pages(name)
            self.assertEqual(run_html_exits(page), ["100", "111", "126", "127"], name)
            self.assertEqual(compare(run_man_exits(man), run_html_exits(page)), [], name)

    def test_log_lines(self):
        """the same log lines in both pages, the usage line first among them"""
        for name in LOADERS:
            page, man = self.pages(name)
            h = loader_html_logs(page)
            self.assertGreaterEqual(len(h), 8, h)
            self.assertIn("%s: usage: %s" % (name, loader_source_usage(name)), h)
            self.assertEqual(compare(run_man_logs(man), h), [], name)

    def test_dialects(self):
        """selfpipe-listenfds: the dialects of the source, in both pages, in the same order"""
        page, man = self.pages("selfpipe-listenfds")
        d = source_dialects()
        self.assertEqual(d[0], "systemd")
        self.assertGreaterEqual(len(d), 6, d)
        self.assertEqual(html_dialects(page), d)
        self.assertEqual(man_dialects(man), d)

    def test_linked(self):
        """both pages are linked from doc/index.html, and name each other"""
        index = read("doc", "index.html")
        for name in LOADERS:
            self.assertIn('href="%s.html"' % name, index)
        self.assertIn("selfpipe-listenfds.html", read("doc", "selfpipe-bind.html"))
        self.assertIn("selfpipe-bind.html", read("doc", "selfpipe-listenfds.html"))


class LoadersDetect(unittest.TestCase):
    """The loaders' checks, on pages with one thing taken out."""

    def test_option_removed(self):
        """each option taken out of each man page's OPTIONS, then out of each HTML page, in turn"""
        for name in LOADERS:
            opts = loader_options(loader_source_usage(name))
            page, man = read("doc", name + ".html"), read("doc", "man", name + ".1")
            for o in opts:
                self.assertNotEqual(compare(run_man_options(without_tp(man, "OPTIONS", o.split()[0])), opts), [], o)
                mutant = without(page, r"<li> <tt>%s</tt>.*?</li>" % re.escape(o.split()[0]), re.S)
                self.assertNotEqual(compare(run_html_options(mutant), opts), [], o)

    def test_dialect_removed(self):
        """the php-fpm dialect taken out of each page"""
        page, man = read("doc", "selfpipe-listenfds.html"), read("doc", "man", "selfpipe-listenfds.1")
        self.assertNotEqual(html_dialects(without(page, r"<li> <tt>php-fpm</tt>.*?</li>", re.S)), source_dialects())
        self.assertNotEqual(man_dialects(without_tp(man, "DIALECTS", "php-fpm")), source_dialects())

    def test_log_line_removed(self):
        """a log line taken out of selfpipe-bind.html"""
        page, man = read("doc", "selfpipe-bind.html"), read("doc", "man", "selfpipe-bind.1")
        mutant = without(page, r"^selfpipe-bind: fatal: unable to bind 127.*\n")
        self.assertNotEqual(compare(run_man_logs(man), loader_html_logs(mutant)), [])



# --- selfpipe-gen

def gen_usage():
    m = re.search(r'#define SPGEN_USAGE "((?:[^"\\]|\\.)*)"', read("src", "selfpipe", "sprun.h"))
    return m and m.group(1)


def gen_letters(usage):
    """Every option of the synopsis, bracketed or not."""
    return sorted(set(re.findall(r"(?:^|\s|\[ )(-\w)\b", usage)))


def gen_html_letters(page):
    ul = re.search(r"<ul>(.*?)</ul>", html_section(page, "Options"), re.S)
    return sorted(set(re.findall(r"<tt>(-\w)</tt>", ul.group(1) if ul else "")))


def gen_man_letters(man):
    lines = man_sections(man).get("OPTIONS", [])
    return sorted({"-" + m.group(1) for m in (re.match(r"\.BI? \\-(\w)\b", l) for l in lines) if m})


class Gen(unittest.TestCase):
    """selfpipe-gen: its usage (sprun.h, printed), synopses, options, exit codes, log lines."""

    def pages(self):
        return read("doc", "selfpipe-gen.html"), read("doc", "man", "selfpipe-gen.1")

    def test_usage(self):
        """it prints SPGEN_USAGE with -U and no prog, exits 100"""
        r = subprocess.run([os.path.join(pytap.BUILD, "selfpipe-gen"), "-U", "HUP"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
        self.assertEqual((r.returncode, r.stderr), (100, "selfpipe-gen: usage: %s\n" % gen_usage()))
        self.assertTrue(gen_usage().startswith("selfpipe-gen ") and gen_usage().endswith(" prog..."))

    def test_synopsis(self):
        page, man = self.pages()
        self.assertEqual(run_html_synopsis(page), synopsis(gen_usage()))
        self.assertEqual(run_man_synopsis(man), synopsis(gen_usage()))

    def test_options(self):
        """both pages document every option of the synopsis, and no other"""
        page, man = self.pages()
        letters = gen_letters(gen_usage())
        self.assertGreaterEqual(len(letters), 25, letters)
        self.assertIn("-U", letters)
        self.assertEqual(gen_html_letters(page), letters)
        self.assertEqual(gen_man_letters(man), letters)

    def test_exit_codes(self):
        page, man = self.pages()
        self.assertEqual(run_html_exits(page), ["100", "111", "126", "127"])
        self.assertEqual(run_man_exits(man), run_html_exits(page))

    def test_log_lines(self):
        page, man = self.pages()
        h = loader_html_logs(page)
        self.assertGreaterEqual(len(h), 30, h)
        self.assertEqual(compare(run_man_logs(man), h), [])

    def test_linked(self):
        index = read("doc", "index.html")
        self.assertIn('href="selfpipe-gen.html"', index)
        self.assertIn('id="zero-downtime"', index)
        self.assertIn("selfpipe-gen.html", read("doc", "selfpipe-run.html"))

    def test_option_removed(self):
        """-A taken out of each page: the check sees it"""
        page, man = self.pages()
        letters = gen_letters(gen_usage())
        self.assertNotEqual(gen_html_letters(without(page, r"<li> <tt>-A</tt>.*?</li>", re.S)), letters)
        self.assertNotEqual(gen_man_letters(without_tp(man, "OPTIONS", "-A")), letters)

def without(text, pattern, flags=re.M):
    """text with the first match of pattern taken out: the mutant must differ."""
    out, n = re.subn(pattern, "", text, count=1, flags=flags)
    assert n == 1, "mutation %r matched nothing" % pattern
    return out


def without_tp(man, section, tag):
    """man without the .TP paragraph of section whose tag is tag, or tag and more words."""
    lines = man.split("\n")
    cur, out, i = None, [], 0
    while i < len(lines):
        m = re.match(r"\.SH\s+(.*)", lines[i])
        if m:
            cur = " ".join(roff_args(m.group(1)))
        if cur == section and re.match(r"\.TP\b", lines[i]) and i + 1 < len(lines) \
                and re.match(re.escape(tag) + r"(\s|$)", (roff_line(lines[i + 1]) or "").strip()):
            i += 2
            while i < len(lines) and not re.match(r"\.(TP|SH|PP)\b", lines[i]):
                i += 1
            return "\n".join(out + lines[i:])
        out.append(lines[i])
        i += 1
    raise AssertionError("no .TP %r in %s" % (tag, section))


class Detects(unittest.TestCase):
    """The checks above, on pages with one thing taken out."""

    @classmethod
    def setUpClass(cls):
        cls.usage = printed_usage(os.environ.get("SELFPIPE_RUN") or os.path.join(pytap.BUILD, "selfpipe-run"))[1] \
            or source_usage() or ""
        cls.opts = usage_options(cls.usage)
        cls.rhtml = read("doc", "selfpipe-run.html")
        cls.rman = read("doc", "man", "selfpipe-run.1")
        cls.lhtml = read("doc", "libselfpipe.html")
        cls.lman = read("doc", "man", "selfpipe.3")

    def test_man_option_removed(self):
        """each option taken out of selfpipe-run.1's OPTIONS in turn"""
        self.assertTrue(self.opts)
        for o in self.opts:
            man = without_tp(self.rman, "OPTIONS", o.split()[0])
            self.assertNotEqual(compare(run_man_options(man), self.opts), [], o)

    def test_man_synopsis_option_removed(self):
        """-s taken out of selfpipe-run.1's SYNOPSIS"""
        man = without(self.rman, r"^\.RB \[ \\-s \]\n")
        self.assertNotEqual(run_man_synopsis(man), synopsis(self.usage))

    def test_html_option_removed(self):
        """each option taken out of selfpipe-run.html's options in turn"""
        for o in self.opts:
            page = without(self.rhtml, r"<li> <tt>%s</tt>.*?</li>" % re.escape(o.split()[0]), re.S)
            self.assertNotEqual(compare(run_html_options(page), self.opts), [], o)

    def test_usage_option_added(self):
        """an option added to the usage string only"""
        usage = self.usage.replace(" prog...", " [ -x extra ] prog...")
        self.assertNotEqual(compare(run_man_options(self.rman), usage_options(usage)), [])
        self.assertNotEqual(compare(run_html_options(self.rhtml), usage_options(usage)), [])
        self.assertNotEqual(run_html_synopsis(self.rhtml), synopsis(usage))
        self.assertNotEqual(run_man_synopsis(self.rman), synopsis(usage))

    def test_exit_code_removed(self):
        """each numbered exit code taken out of selfpipe-run.1 in turn"""
        codes = run_html_exits(self.rhtml)
        for c in codes:
            man = without_tp(self.rman, "EXIT STATUS", c)
            self.assertNotEqual(compare(run_man_exits(man), codes), [], c)

    def test_log_line_removed(self):
        """a log line taken out of selfpipe-run.html"""
        page = without(self.rhtml, r"^selfpipe-run: debug: .*\n")
        self.assertNotEqual(compare(run_man_logs(self.rman), run_html_logs(page)), [])

    def test_function_removed(self):
        """sp_fork taken out of libselfpipe.html"""
        page = without(self.lhtml, r"<code>[^<]*\bsp_fork\b[^<]*</code>")
        self.assertNotEqual(functions(lib_html_protos(page)), functions(lib_man_protos(self.lman)))

    def test_prototype_changed(self):
        """a parameter's type taken out of selfpipe.3's SYNOPSIS"""
        man = without(self.lman, r"(?<=sp_wait\(sp_info \*\" info \", )int ")
        self.assertNotEqual(lib_man_protos(man)["sp_wait"], lib_html_protos(self.lhtml)["sp_wait"])

    def test_errno_removed(self):
        """EBUSY taken out of selfpipe.3"""
        man = self.lman.replace("EBUSY", "")
        self.assertNotEqual(compare(lib_man_errnos(man), lib_html_errnos(self.lhtml)), [])


pytap.main()
