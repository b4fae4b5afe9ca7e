"""Logseq's inline references (§4): matchers shared by the plain scanner and the mdit plug-in.

Each ``match_*`` function looks at ``text`` at ``i`` and returns ``(end, value)`` or None, so the
same rules serve the fast path (plain text, most lines) and the Markdown path (lines with code,
math, HTML or links, parsed by markdown-it-py with :mod:`bmtools.syntax.mdit`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
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
# A scheme starts where its word starts (the lookbehind), else a long word before a URL was
# tried from each of its letters (80,000 letters: 32 s).
_BARE_URL = re.compile(r"(?<![a-zA-Z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]*+://[^\s<>]*")
# Text needing real Markdown structure: code spans, math, HTML/comments, escapes, links.
MARKDOWN_CHARS = re.compile(r"[`$<\\]|\]\(")
# Longer lines (pasted data) are parsed in pieces cut at spaces: markdown-it-py's link parser
# reads to the end of its input from every "](" it cannot close, so a piece's cost grows with
# its square (a 50,000-character piece of "[x](" took 2.3 s; one of 4,000, 0.015 s).
MARKDOWN_PIECE = 4_000
CUT_TRIES = 8  # spaces tried for a cut outside code spans and math before a hard cut
LINK_DENSITY = 40  # a long line with a "](" every 40 characters or less is read as plain text


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
            tries = CUT_TRIES
            while cut > 0 and (text.count("`", start, cut) % 2 or text.count("$", start, cut) % 2):
                tries -= 1
                cut = text.rfind(" ", low, cut) if tries else -1
            end = cut + 1 if cut > 0 else end
        out.append((start, text[start:end]))
        start = end
    return out


# -- linear time on any input -------------------------------------------------------------
# A line of 160,000 "[[" took 10 s and 40,000 "{{" 118 s: every opener searched the rest of
# the line for its closer. Searches now go through _Next, which remembers, per text, where the
# last search for a needle ended, so all the searches of one line cost one pass over it; the
# nested-ref scan has a per-text budget (far beyond any real page), and nested refs are read
# to a bounded depth. tests/test_scanner_linear.py counts the work.

NESTED_BUDGET = 200_000  # tokens a text's nested-ref scans may read in all
NESTED_DEPTH = 16  # [[a [[b [[c …]]]]]]: deeper refs inside refs are not read again
_TOKENS = re.compile(r"\[\[|\]\]|\n")


class _Next:
    """The next occurrence of ``needle`` in ``text`` at or after a position, remembered: a
    search from ``i`` that lands inside the range an earlier search covered costs nothing."""

    __slots__ = ("text", "needle", "start", "found")

    def __init__(self, text: str, needle: str) -> None:
        self.text, self.needle = text, needle
        self.start, self.found = len(text) + 1, -1

    def at(self, i: int) -> int:
        if self.start <= i and (self.found < 0 or self.found >= i):
            return self.found
        self.start, self.found = i, self.text.find(self.needle, i)
        global WORK
        WORK += (self.found if self.found >= 0 else len(self.text)) - i
        return self.found


class _TextMemo:
    """What the scanners remember of the text they last read (one text at a time)."""

    __slots__ = ("text", "finders", "budget", "pairs")

    def __init__(self, text: str) -> None:
        self.text = text
        self.finders: dict[str, _Next] = {}
        self.budget = NESTED_BUDGET
        self.pairs: dict[int, int] | None = None

    def closing(self, i: int) -> int | None:
        """Where the ``[[`` at ``i`` is closed (the end of its ``]]``), -1 where it is not, or
        None when ``i`` is not where a reading from the text's start sees an opener. One pass
        with a stack pairs every opener, as the depth count from each opener would."""
        pairs = self.pairs
        if pairs is None:
            global WORK
            pairs = self.pairs = {}
            stack: list[int] = []
            for token in _TOKENS.finditer(self.text):
                WORK += 1
                t = token.group()
                if t == "[[":
                    stack.append(token.start())
                    pairs[token.start()] = -1
                elif t == "]]":
                    if stack:
                        pairs[stack.pop()] = token.end()
                else:  # a newline: what is open stays unclosed
                    stack.clear()
        return pairs.get(i)

    def next(self, needle: str, i: int) -> int:
        finder = self.finders.get(needle)
        if finder is None:
            finder = self.finders[needle] = _Next(self.text, needle)
        return finder.at(i)


WORK = 0  # characters the searches read and tokens the nested scans read, ever: what
# tests/test_scanner_linear.py counts (it must grow linearly with the text)


_memo = _TextMemo("")


def memo_of(text: str) -> _TextMemo:
    """The memo for ``text`` (a new one when another text is read)."""
    global _memo
    if _memo.text is not text:
        _memo = _TextMemo(text)
    return _memo


def match_page_ref(text: str, i: int) -> tuple[int, str] | None:
    """``[[name]]`` at ``i`` (nesting allowed, no newline); returns (end, inner text)."""
    memo = memo_of(text)
    close = memo.next("]]", i + 2)
    if close < 0:
        return None
    opened = memo.next("[[", i + 2)
    if opened < 0 or opened >= close:  # the common case: no nesting
        newline = memo.next("\n", i + 2)
        if 0 <= newline < close:
            return None
        inner = text[i + 2 : close]
        return (close + 2, inner) if is_page_name(inner) else None
    end = memo.closing(i)
    if end is not None:  # an opener on the text's token grid: paired in one pass
        if end < 0:
            return None
        inner = text[i + 2 : end - 2]
        return (end, inner) if inner and is_page_name(inner) else None
    depth = 0  # an opener off that grid ("[" + "[[…"): read on, within the budget
    global WORK
    for token in _TOKENS.finditer(text, i):
        memo.budget -= 1
        WORK += 1
        if memo.budget < 0:
            return None  # a pathological line: no more nested refs read in it
        t = token.group()
        if t == "\n":
            return None
        depth += 1 if t == "[[" else -1
        if depth == 0:
            j = token.end()
            inner = text[i + 2 : j - 2]
            return (j, inner) if inner and is_page_name(inner) else None
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


def match_macro(text: str, i: int, plain: bool = False) -> tuple[int, str, str] | None:
    """``{{name args}}`` at ``i``; returns (end, name, args). ``plain``: the fast path's
    reading, where the arguments hold no ``}`` at all (``{{query #{"a"}}}`` is no macro
    there, and its tag is read, as Logseq reads it)."""
    memo = memo_of(text)
    if plain:
        end = memo.next("}", i + 2)
        if end < 0 or not text.startswith("}}", end):
            return None
    else:
        end = memo.next("}}", i + 2)
    if end < 0:
        return None
    newline = memo.next("\n", i)
    if 0 <= newline < end:
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
    """Spans where ``#`` starts no tag: emphasis (``**#b**``) and bare URLs; sorted and merged,
    so that :func:`inside` can bisect them."""
    emphasis = []
    if "*" in text or "_" in text or "~" in text or "^" in text or "=" in text:
        emphasis = emphasis_spans(text)
    return _merged(emphasis + urls) if emphasis and urls else emphasis or urls


_DOUBLE = ("**", "~~", "^^", "==")
_EMPHASIS_CHARS = re.compile(r"[*~^=_]")
_NOT_WORD_OR_STAR = re.compile(r"[^\w*]")


def emphasis_spans(text: str) -> list[tuple[int, int]]:
    """What ``_EMPHASIS.finditer(text)`` finds, in O(n log n): the regex tried up to 2,000
    characters from every delimiter (a line of ``_#x_ `` took 84 s). Each closer's conditions
    depend on its own position only, so closers are listed once and found by bisection."""
    n = len(text)
    newlines = [m.start() for m in re.finditer("\n", text)] if "\n" in text else []
    closers2: dict[str, list[int]] = {d: [] for d in _DOUBLE}
    closers1: dict[str, list[int]] = {"*": [], "_": []}
    for m in _EMPHASIS_CHARS.finditer(text):
        q = m.start()
        before = text[q - 1] if q else ""
        if text.startswith(_DOUBLE, q) and q and not before.isspace():
            closers2[text[q : q + 2]].append(q)
        c = text[q]
        if c in "*_" and q and before not in " \t\n\r\f\v*_" and not before.isspace():
            after = text[q + 1] if q + 1 < n else ""
            if not after or not (after == "*" or after.isalnum() or after == "_"):
                closers1[c].append(q)
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _EMPHASIS_CHARS.finditer(text):
        p = m.start()
        if p < pos:
            continue
        line_end = _next_in(newlines, p, n)
        d = text[p : p + 2]
        if d in closers2 and p + 2 < n and not text[p + 2].isspace():
            q = _first_at_least(closers2[d], p + 3)
            if q is not None and q - (p + 2) <= 2000 and q < line_end:
                out.append((p, q + 2))
                pos = q + 2
                continue
        c = text[p]
        if c in "*_" and (not p or _NOT_WORD_OR_STAR.match(text[p - 1])):
            after = text[p + 1] if p + 1 < n else ""
            if after and not after.isspace() and after not in "*_":
                q = _first_at_least(closers1[c], p + 2)
                if q is not None and q - (p + 1) <= 2000 and q < line_end:
                    out.append((p, q + 1))
                    pos = q + 1
    return out


def _first_at_least(sorted_positions: list[int], lo: int) -> int | None:
    k = bisect_left(sorted_positions, lo)
    return sorted_positions[k] if k < len(sorted_positions) else None


def _next_in(sorted_positions: list[int], lo: int, default: int) -> int:
    found = _first_at_least(sorted_positions, lo)
    return default if found is None else found


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def hidden_spans(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of bare URLs (no refs at all inside) and of emphasis (no tags inside)."""
    urls = url_spans(text)
    return urls, no_tag_spans(text, urls)


def inside(spans: list[tuple[int, int]], i: int) -> bool:
    """Whether ``i`` falls in one of ``spans`` (sorted, not overlapping): a bisection, so a
    line with thousands of tags and spans stays linear."""
    k = bisect_right(spans, (i, _AFTER_ANY))
    return k > 0 and i < spans[k - 1][1]


_AFTER_ANY = float("inf")


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

    __slots__ = ("refs", "macros", "prop", "journals", "depth")

    def __init__(self, refs: list[Ref], macros: list[Macro], prop: str | None = None) -> None:
        self.refs = refs
        self.macros = macros
        self.prop = prop
        self.journals = JOURNAL_REFS.get()
        self.depth = 0  # how deep in nested refs the scan is

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
        if kind != TAG and "[[" in inner and self.depth < NESTED_DEPTH:
            self.depth += 1  # nested refs: [[a [[b]]]] also refs b
            try:
                scan_plain(inner, line, col + 1, self)
            finally:
                self.depth -= 1

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
        if len(text) > MARKDOWN_PIECE and text.count("](") * LINK_DENSITY > len(text):
            scan_plain(text, line, col0, sink)  # a wall of "[x](": no prose, no Markdown
            return
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
    r"|\{\{(?P<macro>)"  # found by match_macro: a regex scan per "{{" was quadratic
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
            hit3 = match_macro(text, i, plain=True)
            if hit3:
                sink.macro(hit3[1], hit3[2], line, col0 + i + 1)
                pos = hit3[0]  # what is inside a macro is its own (as the regex consumed it)
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
