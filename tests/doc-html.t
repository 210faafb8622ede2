#!/usr/bin/env python3
# ISC license. The HTML documentation is written by hand: every page of
# doc/ must be well-formed (each element closed, in order, void elements
# aside), and every relative link (href, src) must lead to a file of the
# tree, and to an element of that page when it names an anchor. A broken
# page or link is found here rather than by a reader.

import glob
import html.parser
import os
import re
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytap

DOC = os.path.join(pytap.SRC, "doc")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr"}


class Page(html.parser.HTMLParser):
    """One page: its structural errors, its anchors, its links."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.anchors, self.links = [], [], set(), []
        self.feed(text)
        self.close()
        for tag, line in reversed(self.stack):
            self.errors.append("line %d: <%s> never closed" % (line, tag))

    def _attrs(self, attrs):
        for k, v in attrs:
            if k in ("id", "name") and v:
                self.anchors.add(v)
            if k in ("href", "src") and v is not None:
                self.links.append((self.getpos()[0], v))

    def handle_starttag(self, tag, attrs):
        self._attrs(attrs)
        if tag not in VOID:
            self.stack.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag, attrs):
        self._attrs(attrs)

    def handle_endtag(self, tag):
        line = self.getpos()[0]
        if tag in VOID:
            self.errors.append("line %d: </%s> closes a void element" % (line, tag))
        elif not self.stack:
            self.errors.append("line %d: </%s> with nothing open" % (line, tag))
        elif self.stack[-1][0] != tag:
            open_tag, open_line = self.stack[-1]
            self.errors.append("line %d: </%s> while <%s> of line %d is open" % (line, tag, open_tag, open_line))
            if any(t == tag for t, _ in self.stack):  # resynchronise on the matching one
                while self.stack.pop()[0] != tag:
                    pass
        else:
            self.stack.pop()


_pages = {}


def page(path):
    path = os.path.realpath(path)
    if path not in _pages:
        with open(path, encoding="utf-8") as f:
            _pages[path] = Page(f.read())
    return _pages[path]


def bad_links(path, p=None):
    """The relative links of the page at path that lead nowhere."""
    p = p or page(path)
    bad = []
    for line, link in p.links:
        u = urllib.parse.urlsplit(link)
        if u.scheme or u.netloc or link.startswith("//"):
            continue                    # not ours to check
        target = os.path.normpath(os.path.join(os.path.dirname(path), urllib.parse.unquote(u.path))) \
            if u.path else path
        if not os.path.exists(target):
            bad.append("line %d: %s: no such file" % (line, link))
        elif u.fragment:
            if not target.endswith(".html"):
                bad.append("line %d: %s: an anchor in a file that is not a page" % (line, link))
            elif u.fragment not in page(target).anchors:
                bad.append("line %d: %s: no id or name %r there" % (line, link, u.fragment))
    return bad


PAGES = sorted(glob.glob(os.path.join(DOC, "**", "*.html"), recursive=True))


class WellFormed(unittest.TestCase):
    def test_pages_found(self):
        """doc/ has the pages the README names"""
        names = [os.path.relpath(p, DOC) for p in PAGES]
        for n in ("index.html", "libselfpipe.html", "selfpipe-run.html", "python.html"):
            self.assertIn(n, names)

    def test_checker_catches(self):
        """the checker itself: a misnested, an unclosed, a stray end tag are reported; void tags are not"""
        self.assertEqual(Page("<p><br /><br><img src=x><tt>a</tt></p>").errors, [])
        self.assertEqual(len(Page("<p><tt>a</p></tt>").errors), 2)
        self.assertEqual(len(Page("<ul><li>a</ul>").errors), 1)
        self.assertEqual(len(Page("<p>a</p></p>").errors), 1)
        self.assertEqual(len(Page("<html><body><p>a").errors), 3)


class Links(unittest.TestCase):
    def test_checker_catches(self):
        """the checker itself: a missing file, a missing anchor are reported; external links are not"""
        here = os.path.join(DOC, "index.html")
        p = Page('<a href="nonexistent.html">x</a><a href="#nowhere">y</a><a href="index.html#nowhere">z</a>'
                 '<a href="http://example.org/x">e</a><a href="//skarnet.org/">s</a><a href="mailto:a@b">m</a>')
        self.assertEqual(len(bad_links(here, p)), 3)


def add(cls, name, doc, fn):
    fn.__doc__ = doc
    setattr(cls, name, fn)


for path in PAGES:
    rel = os.path.relpath(path, pytap.SRC)
    key = re.sub(r"\W", "_", os.path.relpath(path, DOC))
    add(WellFormed, "test_" + key, "%s: every element closed, in order" % rel,
        lambda self, path=path: self.assertEqual(page(path).errors, []))
    add(Links, "test_" + key, "%s: every relative link leads to a file, and to its anchor" % rel,
        lambda self, path=path: self.assertEqual(bad_links(path), []))


pytap.main()
