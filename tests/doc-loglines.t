#!/usr/bin/env python3
# ISC license. Every log line selfpipe-run can print is in its doc page,
# with its level: each sprun_log(), sprun_diefu() and sprun_dief() call
# of src/selfpipe/*.c, and each delivery outcome of sprun_event.c's text
# renderer, becomes a pattern (its string literals as they are, a
# "cond ? a : b" of two literals as either, anything else as any text),
# and some line of doc/selfpipe-run.html's "Log lines" list must match
# it, level included. Every "event" name of the JSON lines is in the
# page's table of events. A call the parser cannot read fails the test.

import glob
import html
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytap

SRC = os.path.join(pytap.SRC, "src", "selfpipe")
PAGE = os.path.join(pytap.SRC, "doc", "selfpipe-run.html")
LEVEL = {"SPRUN_WARN": "warning", "SPRUN_INFO": "info", "SPRUN_DEBUG": "debug"}
LITERAL = r'"(?:[^"\\]|\\.)*"'


def unquote(lit):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), lit[1:-1])


def call_args(text, start):
    """The top-level arguments of the call whose '(' is at start, and
    where it ends."""
    args, depth, cur, i = [], 0, "", start
    while i < len(text):
        c = text[i]
        if c == '"':
            m = re.match(LITERAL, text[i:])
            cur += m.group(0)
            i += len(m.group(0))
            continue
        if c in "([{":
            depth += 1
            if depth == 1:
                i += 1
                continue
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append(cur.strip())
                return args, i
        elif c == "," and depth == 1:
            args.append(cur.strip())
            cur = ""
            i += 1
            continue
        cur += c
        i += 1
    raise ValueError("unterminated call at %d" % start)


def piece(arg):
    """One argument as a regex."""
    if re.fullmatch(LITERAL, arg):
        return re.escape(unquote(arg))
    m = re.fullmatch(r"[^?]*\?\s*(%s)\s*:\s*(%s)" % (LITERAL, LITERAL), arg)
    if m:
        return "(?:%s|%s)" % (re.escape(unquote(m.group(1))), re.escape(unquote(m.group(2))))
    return ".*?"


def source_lines(src=SRC, events=True):
    """(where, level word, regex) for every line the sources can print."""
    out = []
    for path in sorted(glob.glob(os.path.join(src, "*.c"))):
        text = open(path).read()
        name = os.path.basename(path)
        for m in re.finditer(r"\b(sprun_log|sprun_diefu|sprun_dief)\s*\(", text):
            where = "%s:%d" % (name, text.count("\n", 0, m.start()) + 1)
            args, _ = call_args(text, m.end() - 1)
            if m.group(1) == "sprun_log":
                level, words = LEVEL.get(args[0]), args[2:]
            else:
                level, words = "fatal", args[1:]
            rx = "".join(piece(a) for a in words)
            if m.group(1) == "sprun_diefu":
                rx = "unable to " + rx + ": .+"
            out.append((where, level, rx, m.group(0)))
    return out + (event_lines() if events else [])


def event_lines():
    """The delivery lines: the head (signal and sender), then each
    outcome's words, from fmt_tail's cases."""
    text = open(os.path.join(SRC, "sprun_event.c")).read()
    body = text[text.index("static int fmt_tail"):]
    body = body[:body.index("\n}\n")]
    out = []
    for m in re.finditer(r"case (SPRUN_EV_\w+) :(.*?)return (SPRUN_\w+) ;", body, re.S):
        vs = sorted((int(i), v.strip()) for i, v in re.findall(r"v\[(\d)\] = ([^;]+);", m.group(2)))
        rx = r"SIG[A-Z0-9+-]+ from .+? -> " + "".join(piece(v) for _, v in vs)
        out.append(("sprun_event.c " + m.group(1), LEVEL.get(m.group(3)), rx, m.group(1)))
    return out


def section(page, title):
    m = re.search(r"<h2[^>]*>\s*%s\s*</h2>(.*?)(?=<h2)" % re.escape(title), page, re.S)
    return m.group(1) if m else ""


def doc_lines(page, prog="selfpipe-run"):
    """The lines of the "Log lines" list, as 'level: text', notes off."""
    out = []
    for pre in re.findall(r"<pre>(.*?)</pre>", section(page, "Log lines"), re.S):
        for l in html.unescape(re.sub(r"<[^>]+>", "", pre)).split("\n"):
            l = re.sub(r"\s{2,}\(.*\)\s*$", "", l.strip())
            if l.startswith(prog + ": "):
                out.append(l[len(prog + ": "):])
    return out


tap = pytap.Tap()
page = open(PAGE).read()
docs = doc_lines(page)
tap.ok(len(docs) >= 60, "the page's Log lines list has the lines (%d)" % len(docs))
try:
    lines = source_lines()
    tap.ok(True, "every log call of src/selfpipe/*.c parsed (%d lines)" % len(lines))
except (ValueError, AttributeError) as e:
    lines = []
    tap.ok(False, "every log call of src/selfpipe/*.c parsed", str(e))
calls = sum(len(re.findall(r"\bsprun_(?:log|diefu|dief)\s*\(", open(p).read())) for p in glob.glob(os.path.join(SRC, "*.c")))
tap.ok(len([l for l in lines if not l[0].startswith("sprun_event.c ")]) == calls and calls >= 60,
       "  all %d calls, none skipped" % calls)
enum = re.search(r"enum sprun_outcome_e\s*\{(.*?)\}", open(os.path.join(SRC, "sprun.h")).read(), re.S).group(1)
outcomes = len(re.findall(r"\bSPRUN_EV_\w+", re.sub(r"/\*.*?\*/", "", enum, flags=re.S)))
tap.ok(len([l for l in lines if l[0].startswith("sprun_event.c ")]) == outcomes and outcomes >= 17,
       "  and the %d outcomes of a delivery (sprun.h's enum)" % outcomes)
missing = ["%s: %s: %s" % (where, level, rx) for where, level, rx, _ in lines
           if not level or not any(re.fullmatch(re.escape(level) + ": " + rx, d, re.S) for d in docs)]
tap.ok(not missing, "every line the runner can print is in doc/selfpipe-run.html, with its level", "\n".join(missing))

# the other way: a documented line that nothing prints is a stale one
stale = [d for d in docs if not any(re.fullmatch(re.escape(level) + ": " + rx, d, re.S) for _, level, rx, _ in lines if level)]
tap.ok(not stale, "every line of the list is one the runner prints", "\n".join(stale))

# the JSON events
log = open(os.path.join(SRC, "sprun_log.c")).read()
table = re.search(r"evname\[\]\s*=\s*\{(.*?)\}", log, re.S)
names = re.findall(LITERAL, table.group(1)) if table else []
tap.ok(len(names) >= 15, "sprun_log.c names its events (%d)" % len(names))
json_doc = section(page, "JSON log lines")
undoc = [unquote(n) for n in names if "<tt>%s</tt>" % unquote(n) not in json_doc]
tap.ok(json_doc and not undoc, "every event name is in the page's JSON log lines table", undoc)

# selfpipe-gen: the lines of src/generations are in its page; its page
# lists no line that neither it nor the shared code prints
GEN_SRC = os.path.join(pytap.SRC, "src", "generations")
gpage = open(os.path.join(pytap.SRC, "doc", "selfpipe-gen.html")).read()
gdocs = doc_lines(gpage, "selfpipe-gen")
glines = source_lines(GEN_SRC, events=False)
gcalls = sum(len(re.findall(r"\bsprun_(?:log|diefu|dief)\s*\(", open(p).read())) for p in glob.glob(os.path.join(GEN_SRC, "*.c")))
tap.ok(len(glines) == gcalls and gcalls >= 15, "selfpipe-gen: every log call of src/generations/*.c parsed (%d)" % gcalls)
gmissing = ["%s: %s: %s" % (where, level, rx) for where, level, rx, _ in glines
            if not level or not any(re.fullmatch(re.escape(level) + ": " + rx, d, re.S) for d in gdocs)]
tap.ok(not gmissing, "  every line of src/generations is in doc/selfpipe-gen.html, with its level", "\n".join(gmissing))
known = glines + lines
gstale = [d for d in gdocs if not d.startswith("usage: ")
          and not any(re.fullmatch(re.escape(level) + ": " + rx, d, re.S) for _, level, rx, _ in known if level)]
tap.ok(gdocs and not gstale, "  every line of its list is one selfpipe-gen prints (%d lines)" % len(gdocs), "\n".join(gstale))
tap.done()
