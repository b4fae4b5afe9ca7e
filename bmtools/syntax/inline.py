"""Logseq's inline references (§4): matchers shared by the plain scanner and the mdit plug-in.

Each ``match_*`` function looks at ``text`` at ``i`` and returns ``(end, value)`` or None, so the
same rules serve the fast path (plain text, most lines) and the Markdown path (lines with code,
math, HTML or links, parsed by markdown-it-py with :mod:`bmtools.syntax.mdit`).
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from functools import lru_cache

from bmtools.model import (
    BLOCK_EMBED,
    BLOCK_REF,
    NAMESPACE,
    PAGE_EMBED,
    PAGE_REF,
    TAG,
    Macro,
    Ref,
)
from bmtools.names import format_journal_title, journal_day, namespace_parents, page_name

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
UUID_RE = re.compile(UUID)
_BLOCK_REF = re.compile(r"\(\(\s*(" + UUID + r")\s*\)\)")
_TAG_ALWAYS_ENDS = frozenset(" \t\n\r\f\v,!?'\":#")
_TAG_ENDS_BEFORE_SPACE = frozenset(".;[")
_MACRO_NAME = re.compile(r"\s*([^\s}]+)\s*")
# Emphasis and bare URLs hide tags (``**#b**`` is no tag; ``http://x/#a`` neither).
_EMPHASIS = re.compile(  # spans bounded so a huge line with stray "_" stays linear
    r"(\*\*|~~|\^\^|==)(?!\s)(?:.{1,2000}?)(?<!\s)\1"
    r"|(?<![\w*])([*_])(?![\s*_])(?:.{1,2000}?)(?<![\s*_])\2(?![\w*])"
)
_BARE_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s<>]*")
# Text needing real Markdown structure: code spans, math, HTML/comments, escapes, links.
MARKDOWN_CHARS = re.compile(r"[`$<\\]|\]\(")
MARKDOWN_PIECE = 50_000  # longer lines (pasted data) are parsed in pieces cut at spaces


def _pieces(text: str) -> list[tuple[int, str]]:
    if len(text) <= MARKDOWN_PIECE:
        return [(0, text)]
    out = []
    start = 0
    while start < len(text):
        end = min(start + MARKDOWN_PIECE, len(text))
        if end < len(text):  # cut at a space outside code spans and math
            low = start + MARKDOWN_PIECE // 2
            cut = text.rfind(" ", low, end)
            while cut > 0 and (text.count("`", start, cut) % 2 or text.count("$", start, cut) % 2):
                cut = text.rfind(" ", low, cut)
            end = cut + 1 if cut > 0 else end
        out.append((start, text[start:end]))
        start = end
    return out


def match_page_ref(text: str, i: int) -> tuple[int, str] | None:
    """``[[name]]`` at ``i`` (nesting allowed, no newline); returns (end, inner text)."""
    close = text.find("]]", i + 2)
    if close < 0:
        return None
    inner = text[i + 2 : close]
    if "[[" not in inner:  # the common case: no nesting, found without a character loop
        if "\n" in inner or not is_page_name(inner):
            return None
        return close + 2, inner
    depth = 0
    j = i
    n = len(text)
    while j < n - 1:
        c = text[j]
        if c == "[" and text[j + 1] == "[":
            depth += 1
            j += 2
            continue
        if c == "]" and text[j + 1] == "]":
            depth -= 1
            j += 2
            if depth == 0:
                inner = text[i + 2 : j - 2]
                return (j, inner) if inner and is_page_name(inner) else None
            continue
        if c == "\n":
            return None
        j += 1
    return None


def is_page_name(inner: str) -> bool:
    """Relative asset paths are links, not pages."""
    return not inner.startswith(("../", "./")) and inner.strip() != ""


def match_tag(text: str, i: int) -> tuple[int, str] | None:
    """``#name`` or ``#[[name]]`` at ``i``; returns (end, name)."""
    n = len(text)
    if i + 1 >= n:
        return None
    if text.startswith("[[", i + 1):
        hit = match_page_ref(text, i + 1)
        return hit
    j = i + 1
    while j < n:
        c = text[j]
        if c in _TAG_ALWAYS_ENDS:
            break
        if c in _TAG_ENDS_BEFORE_SPACE and (j + 1 == n or text[j + 1].isspace()):
            break
        j += 1
    if j == i + 1:
        return None
    return j, text[i + 1 : j]


def match_block_ref(text: str, i: int) -> tuple[int, str] | None:
    m = _BLOCK_REF.match(text, i)
    return (m.end(), m.group(1).lower()) if m else None


def match_macro(text: str, i: int) -> tuple[int, str, str] | None:
    """``{{name args}}`` at ``i``; returns (end, name, args)."""
    end = text.find("}}", i + 2)
    if end < 0 or "\n" in text[i:end]:
        return None
    body = text[i + 2 : end]
    m = _MACRO_NAME.match(body)
    if not m:
        return None
    return end + 2, m.group(1), body[m.end() :].strip()


def url_spans(text: str) -> list[tuple[int, int]]:
    """Spans of bare URLs: no refs at all inside them."""
    return [m.span() for m in _BARE_URL.finditer(text)] if "://" in text else []


def no_tag_spans(text: str, urls: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans where ``#`` starts no tag: emphasis (``**#b**``) and bare URLs."""
    emphasis = []
    if "*" in text or "_" in text or "~" in text or "^" in text or "=" in text:
        emphasis = [m.span() for m in _EMPHASIS.finditer(text)]
    return emphasis + urls


def hidden_spans(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of bare URLs (no refs at all inside) and of emphasis (no tags inside)."""
    urls = url_spans(text)
    return urls, no_tag_spans(text, urls)


def inside(spans: list[tuple[int, int]], i: int) -> bool:
    for a, b in spans:
        if a <= i < b:
            return True
    return False


@lru_cache(maxsize=262144)
def _page_info(inner: str) -> tuple[str, str, tuple[str, ...], bool]:
    """(name, text, namespace parents, is a page name) of a ref's inner text, computed once.

    ``text`` is the first ``inner`` seen, so the many refs to one page share one string.
    """
    name = page_name(inner)
    parents = tuple(namespace_parents(name)) if "/" in name else ()
    return name, inner, parents, is_page_name(inner)


class JournalRefs:
    """Page-ref targets that name a journal day, as the journal page's name (§5).

    ``[[2024-01-05]]`` and ``[[Jan 5th, 2024]]`` both point at one journal page. While a graph
    loads (see :data:`JOURNAL_REFS`), refs get this canonical target as they are made, through
    one cache per distinct written name, instead of in a second pass over every ref.
    """

    __slots__ = ("fmt", "names", "infos")

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.names: dict[str, str] = {}
        self.infos: dict[str, tuple[str, str, tuple[str, ...], bool]] = {}

    def target(self, name: str) -> str:
        """The canonical target of a page name: the journal's page name, or ``name`` itself."""
        canon = self.names.get(name)
        if canon is None:
            day = journal_day(name, self.fmt) if name[:1].isalnum() else None
            canon = page_name(format_journal_title(day, self.fmt)) if day else name
            self.names[name] = canon
        return canon

    def info(self, inner: str) -> tuple[str, str, tuple[str, ...], bool]:
        """``_page_info`` with the canonical target (namespace parents stay those as written)."""
        info = self.infos.get(inner)
        if info is None:
            name, text, parents, ok = _page_info(inner)
            info = self.infos[inner] = (self.target(name) if name else name, text, parents, ok)
        return info


_NO_INFOS: dict = {}  # always empty: the lookup table of scan_plain outside a graph load

# Set by load_graph while it reads pages: refs made meanwhile get canonical journal targets.
# Text scanned at any other time (refs_in, renderers parsing one page) keeps targets as written.
JOURNAL_REFS: ContextVar[JournalRefs | None] = ContextVar("bmtools_journal_refs", default=None)


class RefSink:
    """Collects refs and macros for one block, turning matches into model objects."""

    __slots__ = ("refs", "macros", "prop", "journals")

    def __init__(self, refs: list[Ref], macros: list[Macro], prop: str | None = None) -> None:
        self.refs = refs
        self.macros = macros
        self.prop = prop
        self.journals = JOURNAL_REFS.get()

    def page(self, kind: str, inner: str, line: int, col: int) -> None:
        name, text, parents, _ = _page_info(inner)
        if not name:
            return
        refs = self.refs
        prop = self.prop
        journals = self.journals
        refs.append(Ref(kind, journals.target(name) if journals else name, text, line, col, prop))
        for parent in parents:
            refs.append(Ref(NAMESPACE, parent, parent, line, col, prop))
        if kind != TAG and "[[" in inner:  # nested refs: [[a [[b]]]] also refs b
            scan_plain(inner, line, col + 1, self)

    def block(self, kind: str, uuid: str, line: int, col: int) -> None:
        self.refs.append(Ref(kind, uuid, uuid, line, col, self.prop))

    def macro(self, name: str, args: str, line: int, col: int) -> None:
        self.macros.append(Macro(name, args, line, col))
        if name.lower() != "embed":
            return
        a = args.strip()
        if a.startswith("[["):
            hit = match_page_ref(a, 0)
            if hit:
                self.page(PAGE_EMBED, hit[1], line, col)
        elif a.startswith("(("):
            hit2 = match_block_ref(a, 0)
            if hit2:
                self.block(BLOCK_EMBED, hit2[1], line, col)


def scan_line(text: str, line: int, col0: int, sink: RefSink) -> None:
    """Find the refs and macros of one line of text starting at 0-based column ``col0``."""
    if "[" not in text and "#" not in text and "(" not in text and "{" not in text:
        return
    # MARKDOWN_CHARS.search(text) as five substring tests (C memchr each): 2.5x faster
    if "](" in text or "`" in text or "$" in text or "<" in text or "\\" in text:
        from bmtools.syntax.mdit import scan_markdown

        for start, piece in _pieces(text):
            scan_markdown(piece, line, col0 + start, sink)
    else:
        scan_plain(text, line, col0, sink)


# The plain path in one regex, so most refs cost one C-level match: simple page refs,
# multi-word tags, tags, block refs and macros. Anything else starting with "[[" (nesting,
# single brackets inside) goes to match_page_ref. Same rules as the match_* functions.
# Every alternative starts with a literal character, so the regex engine skips ahead to the next
# "[", "#", "(" or "{" at C speed (a group-first alternative made it try each position: 2.5x).
_PLAIN = re.compile(
    r"\[\[(?P<page>[^\[\]\n]+)\]\]"
    r"|#\[\[(?P<mtag>[^\[\]\n]+)\]\]"
    r"|#(?P<tag>(?:[^\s,!?'\":#.;\[]|[.;\[](?=\S))+)"
    r"|\(\(\s*(?P<uuid>" + UUID + r")\s*\)\)"
    r"|\{\{(?P<macro>[^}\n]*)\}\}"
    r"|\[\[(?P<other>)|#\[\[(?P<other_tag>)"
)


def scan_plain(text: str, line: int, col0: int, sink: RefSink) -> None:
    """The fast path: text without Markdown code, math, HTML or links."""
    urls = url_spans(text) if "://" in text else None
    no_tags = None  # computed at the first tag: most lines have none
    pos = 0
    refs = sink.refs
    prop = sink.prop
    journals = sink.journals
    if journals is None:
        info_of, known = _page_info, _NO_INFOS
    else:
        info_of, known = journals.info, journals.infos
    for m in _PLAIN.finditer(text):
        i = m.start()
        if i < pos or (urls and inside(urls, i)):
            continue
        group = m.lastindex
        if group <= 3:  # [[page]], #[[multi-word tag]], #tag: no nesting inside
            inner = m[group]
            info = known.get(inner)  # JournalRefs.info without a call for the known names
            name, ref_text, parents, ok = info_of(inner) if info is None else info
            if group == 1:
                if not ok:
                    continue
                kind = PAGE_REF
            else:
                if no_tags is None:
                    no_tags = no_tag_spans(text, urls or [])
                if no_tags and inside(no_tags, i):
                    continue
                kind = TAG
            if not name:
                continue
            col = col0 + i + 1
            refs.append(Ref(kind, name, ref_text, line, col, prop))
            for parent in parents:
                refs.append(Ref(NAMESPACE, parent, parent, line, col, prop))
        elif group == 4:
            uuid = m[4].lower()
            refs.append(Ref(BLOCK_REF, uuid, uuid, line, col0 + i + 1, prop))
        elif group == 5:
            hit3 = match_macro(text, i)
            if hit3:
                sink.macro(hit3[1], hit3[2], line, col0 + i + 1)
        else:  # nested or unusual [[…]]: the general matchers
            if text.startswith("#", i):
                if no_tags is None:
                    no_tags = no_tag_spans(text, urls or [])
                if no_tags and inside(no_tags, i):
                    continue
                hit = match_tag(text, i)
                kind_out = TAG
            else:
                hit = match_page_ref(text, i)
                kind_out = PAGE_REF
            if hit:
                sink.page(kind_out, hit[1], line, col0 + i + 1)
                pos = hit[0]


def refs_in(
    text: str, line: int = 1, col0: int = 0, prop: str | None = None
) -> tuple[list[Ref], list[Macro]]:
    """Refs and macros of a piece of text (one line or several)."""
    refs: list[Ref] = []
    macros: list[Macro] = []
    sink = RefSink(refs, macros, prop)
    for k, part in enumerate(text.split("\n")):
        scan_line(part, line + k, col0 if k == 0 else 0, sink)
    return refs, macros
