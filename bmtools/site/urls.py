"""Stable output paths derived from page names (the same on every build).

A page named ``n`` (its lower-cased name, as Logseq identifies it) is written to
``p/<slug(n)>.html``; a journal to ``journals/YYYY-MM-DD.html``. The slug keeps a name
readable and is injective, so two pages never share a file:

- a namespace separator ``/`` becomes a folder: ``milestones/examples/Space X`` →
  ``p/milestones/examples/space_x.html``;
- letters and digits (any script, NFC) and ``-`` are kept, a space becomes ``_``;
- every other character becomes ``~`` and its code point in lower-case hex: two digits below
  256 (``(`` → ``~28``), ``u`` and four digits below 65536, ``U`` and six digits above; a
  ``.`` is kept except first in a segment (no hidden files, no ``..``);
- an empty segment is ``~``, a segment that Windows reserves (``con``, ``nul``, ``com1`` …)
  gets a ``~`` appended, and a segment over 120 bytes is cut and ends in ``~h`` and 12 hex
  digits of its SHA-1, so every file name stays short.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from urllib.parse import quote

PAGES_DIR = "p"
JOURNALS_DIR = "journals"
ROADMAPS_DIR = "roadmaps"
STATIC_DIR = "static"
ASSETS_DIR = "assets"
MAX_SEGMENT_BYTES = 120
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?", re.IGNORECASE)


def _char(c: str, first: bool) -> str:
    if c == " ":
        return "_"
    if c == "-" or (c.isalnum() and c.isprintable()) or (c == "." and not first):
        return c
    code = ord(c)
    if code < 0x100:
        return f"~{code:02x}"
    if code < 0x10000:
        return f"~u{code:04x}"
    return f"~U{code:06x}"


_PLAIN = re.compile(r"[a-z0-9][a-z0-9 -]{0,100}")


def segment(text: str) -> str:
    """One path segment of a slug (see the module docstring)."""
    if _PLAIN.fullmatch(text) and not _RESERVED.fullmatch(text):
        return text.replace(" ", "_")  # the common case, without a loop over characters
    if not text:
        return "~"
    out = "".join(_char(c, i == 0) for i, c in enumerate(text))
    if _RESERVED.fullmatch(out):
        out += "~"
    if len(out.encode("utf-8")) > MAX_SEGMENT_BYTES:
        digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        cut = out.encode("utf-8")[: MAX_SEGMENT_BYTES - 16].decode("utf-8", "ignore")
        out = cut.rstrip("~") + "~h" + digest
    return out


def slug(name: str) -> str:
    """The path of a page name below ``p/``, without ``.html``."""
    return "/".join(segment(part) for part in name.lower().split("/"))


def page_path(name: str, journal_day=None) -> str:
    """The output file of a page, relative to the site root."""
    if journal_day is not None:
        return f"{JOURNALS_DIR}/{journal_day.isoformat()}.html"
    return f"{PAGES_DIR}/{slug(name)}.html"


def roadmap_path(name: str) -> str:
    """The roadmap page of an example page (its SVG and .ics sit beside it)."""
    return f"{ROADMAPS_DIR}/{slug(name)}.html"


ROOT = "\x01"  # stands for the way back to the site root until a page is written


def href(to_path: str, fragment: str = "") -> str:
    """A percent-encoded URL of an output file, from the site root: it starts with
    :data:`ROOT`, which :func:`relative` turns into ``../`` as often as the page is deep, so
    that a fragment rendered once serves pages at any depth and links work on file://."""
    url = ROOT + quote_path(to_path)
    if fragment:
        url += "#" + quote(fragment, safe="-_.~")
    return url


_UNQUOTED = re.compile(r"[A-Za-z0-9/~_.-]*")  # what quote(path, safe="/~-_.") leaves as it is


def quote_path(path: str) -> str:
    """An output path as a URL path (percent-encoded UTF-8)."""
    if _UNQUOTED.fullmatch(path):
        return path  # most paths: a regex test instead of quote's loop
    return quote(path, safe="/~-_.")


_CONTROL = re.compile("[\x00\x02-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def relative(html: str, from_path: str) -> str:
    """``html`` with every :data:`ROOT` made relative to the page at ``from_path`` (links
    between pages of one folder are the bare file name: the most common case, kept short),
    and without the control characters and noncharacters HTML does not allow (a page's
    text may hold them)."""
    if _CONTROL.search(html):
        html = _CONTROL.sub("", html)
    folder = posixpath.dirname(from_path)
    if folder:
        html = html.replace(ROOT + quote(folder, safe="/~-_.") + "/", "")
    if folder.startswith(PAGES_DIR + "/"):
        html = html.replace(ROOT + PAGES_DIR + "/", "../" * folder.count("/"))
    return html.replace(ROOT, root_prefix(from_path))


def root_prefix(from_path: str) -> str:
    """``../`` as often as ``from_path`` is deep: the way back to the site root."""
    return "../" * from_path.count("/")
