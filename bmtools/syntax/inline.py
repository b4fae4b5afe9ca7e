"""Logseq's inline syntax (§4): one grammar for refs, tags, block refs, macros and the Markdown
that hides them (code, math, HTML, links), read left to right in one pass.

Every scan is linear in the length of its line, whatever the line holds: a search that starts
at an opener (``[[``, ``{{``, ``[``, ``<``, a backtick…) is answered from a :class:`Line`, which
remembers each search and builds its bracket tables once, so no stretch of text is searched
again from the next opener (a line of 160,000 ``[[`` once took 10 s, 5 MB more than 120 s).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
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
_MACRO_NAME = re.compile(r"\s*([^\s}]+)\s*")
# Refs nested deeper than this inside [[a [[b …]]]] are read as the outer ref's text only, so
# a line of 2.5 million nested brackets costs a bounded number of passes (and no recursion).
MAX_NESTING = 16
NESTED_DEPTH = MAX_NESTING  # the name tests/test_scanner_linear.py knows
WORK = 0  # characters the Line searches and table builds have read, ever: what
# tests/test_scanner_linear.py counts (it must grow linearly with the text)

# -- the grammar -----------------------------------------------------------------------------
# One list of alternatives, compiled twice: _PLAIN for lines without Markdown structure (most
# lines, the fast path) and _MARKDOWN, which adds the openers of code, math, HTML, escapes and
# links. Each alternative starts with a literal character, so the regex engine skips ahead at
# C speed; whatever needs more than one regex match goes to a handler below, which answers
# from the Line's tables. Group numbers are the ``lastindex`` the scanner dispatches on.
# '[' belongs to a tag unless a blank or the end follows it; '.' and ';' unless a run of them
# comes before a blank or the end (#a.b, #v1.2, #o[.; not the dots of "#abc... more", as in
# Logseq); possessive: no backtracking over a run
_TAG_CHARS = r"(?:[^\s,!?'\":#.;\[]|\[(?=\S)|[.;]++(?=[^\s.;]))+"
_TAG = re.compile(_TAG_CHARS)  # a tag's name, or the rest of one after its "[[…]]"
_COMMON = (
    r"\[\[(?P<page>[^\[\]\n]+)\]\]"  # 1 [[page]] without brackets inside
    r"|#\[\[(?P<mtag>[^\[\]\n]+)\]\]"  # 2 #[[multi-word tag]]
    r"|#(?!\[\[)(?P<tag>" + _TAG_CHARS + r")"  # 3 #tag
    r"|\(\(\s*(?P<uuid>" + UUID + r")\s*\)\)"  # 4 ((uuid))
    r"|\{\{(?P<macro>)"  # 5 {{macro …}}
    r"|\[\[(?P<nest>)"  # 6 any other [[: nested or with brackets inside
    r"|#\[\[(?P<nest_tag>)"  # 7 any other #[[
)
_PLAIN = re.compile(_COMMON)
# 8-11: code, math, HTML (only "<" before a letter, "!" or "?"), escapes; links come from Line.
# Empty groups after the literal, not a group around alternatives: a pattern whose every
# alternative starts with a literal lets the regex engine skip to the next candidate at C speed.
_MARKDOWN = re.compile(
    _COMMON + r"|`(?P<code>)|\$(?P<math>)|<(?=[A-Za-z0-9!?])(?P<html>)|\\(?P<esc>.?)"
)

# Emphasis and bare URLs hide tags (``**#b**`` is no tag; ``http://x/#a`` neither).
_EMPHASIS_CHARS = re.compile(r"[*_~^=]")
_CLOSERS = {
    "**": re.compile(r"(?<=\S)(?=\*\*)"),
    "~~": re.compile(r"(?<=\S)(?=~~)"),
    "^^": re.compile(r"(?<=\S)(?=\^\^)"),
    "==": re.compile(r"(?<=\S)(?===)"),
    "*": re.compile(r"(?<![\s*_])\*(?![\w*])"),
    "_": re.compile(r"(?<![\s*_])_(?![\w*])"),
}
EMPHASIS_SPAN = 2000  # longest emphasis that hides a tag, as before
# A bare URL as mldoc reads it: letters and digits, "://", a host (no whitespace, none of
# "/?#[]<>{}()"), then from a "/", "?" or "#" on whatever balances its () and [] up to
# whitespace, less trailing ",;.!?". Only the start of a run of letters and digits is tried
# (the lookbehind), each run read once: a long word without "://" costs its length.
_BARE_URL = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]++://[^\s/?#\[\]<>{}()]++")
_URL_REST = re.compile(r"[^\s()\[\],;.!?]*+")
MARKDOWN_CHARS = re.compile(r"[`$<\\]|\]\(")

# mldoc reads "<", "((" and "{{" only where a new inline element may start: at the start of the
# line, after whitespace, after one of these characters, or right after another element.
_TOKEN_BREAKS = frozenset("\\_^[*~`=$#") | frozenset(" \t\n\r\f\v")
_HTML_TAGS = frozenset(
    "a abbr address area article aside audio b base bdi bdo blockquote body br button canvas "
    "caption cite code col colgroup data datalist dd del dfn div dl dt em embed fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins "
    "kbd keygen label legend li link main map mark meta meter nav noscript object ol optgroup "
    "option output p param pre progress q rb rp rt rtc ruby s samp script section select small "
    "source span strong style sub sup table tbody td template textarea tfoot th thead time title "
    "tr track u ul var video details summary wbr".split()
)
_HTML_NAME = re.compile(r"<([A-Za-z][A-Za-z0-9]{0,9})(?=[ \t>])")  # known tags are short
_HTML_EVENTS = re.compile(r"<(/?)([a-z0-9]+)([ >])")
_QUICK_LINK = re.compile(r"<[A-Za-z0-9]++:(?://)?+")
_SPACE_OR_GT = re.compile(r"[\s>]")
_LABEL_CHARS = re.compile(r"[\[\]`\\]")
_BRACKETS = re.compile(r"[\[\]]")
_PARENS = re.compile(r"\\.|[()]", re.DOTALL)
_LINK_TITLE = re.compile(r'\s+"(?:[^"\\]|\\.)*"\s*\Z')
_COLON_SLASHES = re.compile(r"[^:]*://")
_LABEL_CODE = re.compile(r"`+")


def match_page_ref(text: str, i: int, line: Line | None = None) -> tuple[int, str] | None:
    """``[[name]]`` at ``i`` (nesting allowed, no newline); returns (end, inner text)."""
    return (line or Line(text)).page_ref(i)


# What Logseq reads as a link to a file, not a page, in ``[[…]]``: a local asset (the value
# starts with "assets" after any "." and "/": [[../assets/x.png]], [[assets]]) or a drawing
# (it starts with "draws": [[draws/2022-01-25.excalidraw]]); [[../up]] is a page.
_FILE_LINK = re.compile(r"[./]*assets|draws")


def is_page_name(inner: str) -> bool:
    """Whether ``[[inner]]`` names a page: not a local asset or drawing (:data:`_FILE_LINK`)."""
    return _FILE_LINK.match(inner) is None and inner.strip() != ""


def match_tag(text: str, i: int, line: Line | None = None) -> tuple[int, str] | None:
    """``#name`` or ``#[[name]]`` at ``i``; returns (end, name)."""
    if i + 1 >= len(text):
        return None
    if text.startswith("[[", i + 1):
        return (line or Line(text)).page_ref(i + 1)
    m = _TAG.match(text, i + 1)  # the reader's own rule (:data:`_TAG_CHARS`)
    return (m.end(), m.group()) if m else None


def match_block_ref(text: str, i: int) -> tuple[int, str] | None:
    m = _BLOCK_REF.match(text, i)
    return (m.end(), m.group(1).lower()) if m else None


def match_macro(text: str, i: int, line: Line | None = None) -> tuple[int, str, str] | None:
    """``{{name args}}`` (or ``{{{name args}}}``) at ``i``; returns (end, name, args)."""
    return (line or Line(text)).macro(i)


class Line:
    """A line being scanned, with the searches and tables that keep every scan linear.

    Searches are remembered (``find``): asked again from a later position before the last hit,
    the answer is that hit, and a failed search answers every later position, so scanning
    forward never reads a stretch twice. Tables of brackets, parentheses and HTML tags are built
    once, on first use, in one pass each.
    """

    __slots__ = (
        "text",
        "n",
        "retry",
        "dead",
        "_seen",
        "_eols",
        "_urls",
        "_no_tags",
        "_nest",
        "_label",
        "_paren",
        "_html",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.retry = 0  # after a failed page_ref(i): where the next opener may close
        self.dead = 0  # no "[[" before this position closes (known after a failed page_ref)
        self._seen: dict = {}
        self._eols: list[int] | None = None
        self._urls: tuple[list[int], list[int]] | None = None
        self._no_tags: tuple | None = None
        self._nest: tuple | None = None
        self._label: dict[int, int] | None = None
        self._paren: tuple | None = None
        self._html: dict | None = None

    def find(self, needle: str, pos: int) -> int:
        """``text.find(needle, pos)``, answered from the last search for ``needle`` when it can."""
        memo = self._seen.get(needle)
        if memo is not None:
            lo, hit = memo
            if lo <= pos and (hit < 0 or pos <= hit):
                return hit
        hit = self.text.find(needle, pos)
        self._seen[needle] = (pos, hit)  # one tuple: a reader never sees half an update
        global WORK
        WORK += (hit if hit >= 0 else self.n) - pos
        return hit

    def search(self, pattern: re.Pattern[str], pos: int) -> int:
        """Start of ``pattern``'s first match at or after ``pos`` (-1 if none), remembered."""
        memo = self._seen.get(pattern)
        if memo is not None:
            lo, hit = memo
            if lo <= pos and (hit < 0 or pos <= hit):
                return hit
        m = pattern.search(self.text, pos)
        hit = m.start() if m else -1
        self._seen[pattern] = (pos, hit)
        global WORK
        WORK += (hit if hit >= 0 else self.n) - pos
        return hit

    def _eol_list(self) -> list[int]:
        eols = self._eols
        if eols is None:
            text = self.text
            eols = self._eols = [m.start() for m in _EOL.finditer(text)] if "\n" in text else []
        return eols

    def _eol_before(self, i: int, j: int) -> bool:
        """Whether a newline lies in ``text[i:j]`` (refs, code and links stay on one line)."""
        eols = self._eol_list()
        if not eols:
            return False
        k = bisect_left(eols, i)
        return k < len(eols) and eols[k] < j

    # -- spans that hide refs --------------------------------------------------------------

    def in_url(self, i: int, since: int = 0) -> int:
        """End of the bare URL holding position ``i``, or 0: no refs inside URLs. A URL counts
        where an element may start (see :func:`_breaks`) at or after ``since``: one read as
        part of a link or ref ends nothing, nor does one glued to a word (``see:http://…``)."""
        if self._urls is None:
            self._urls = _spans(url_spans(self.text))
        starts, ends = self._urls
        k = bisect_right(starts, i) - 1
        if k < 0 or i >= ends[k] or starts[k] < since:
            return 0
        return ends[k] if _breaks(self.text, starts[k], since) else 0

    def no_tag(self, i: int) -> bool:
        """Whether ``#`` at ``i`` is inside emphasis, where it starts no tag."""
        if self._no_tags is None:
            self._no_tags = _no_tag_table(self.text)
        return bool(self._no_tags) and _inside(self._no_tags, i)

    # -- [[page refs]] -----------------------------------------------------------------------

    def page_ref(self, i: int) -> tuple[int, str] | None:
        """``[[name]]`` at ``i``: (end, inner text), nesting counted, or None."""
        self.retry = i + 2
        close = self.find("]]", i + 2)
        if close < 0:
            return None
        opener = self.find("[[", i + 2)
        if opener < 0 or opener >= close:  # the common case: no nesting
            end = close + 2
        else:
            end = self._nested_end(i)
            if end < 0:
                return None
        if self._eol_before(i, end):
            return None
        text = self.text
        if text.startswith(("../", "./"), i + 2) or _blank(text, i + 2, end - 2):
            return None  # checked in place: a rejected opener never copies its inner text
        return end, text[i + 2 : end - 2]

    def _nested_end(self, i: int) -> int:
        """End of the ``[[…]]`` opening at ``i`` with nesting counted, or -1.

        Read from left to right, a run of ``[`` makes pairs from its first character on and a
        run of ``]`` likewise, so every start inside a run sees the same pairs after it. The
        runs get levels once per line; the close of an opener is the first later run that
        brings the level back below it, found through "next lower run" links.
        """
        if self._nest is None:
            self._nest = _nest_table(self.text)
            _worked(self.n)
        starts, ends, levels, lower, floor, viable = self._nest
        k = bisect_right(starts, i) - 1
        if k < 0 or i >= ends[k] or self.text[i] != "[":
            return -1
        target = levels[k] - (ends[k] - i) // 2  # the level at which this opener is closed
        if floor[k] > target:
            # Never closed; nor is any later opener of this run deeper than the lowest level
            # ahead (the last one of the run may close without nesting): skip those.
            depth = max(levels[k] - floor[k], 1)
            retry = self.retry = i + 2 * max(1, (ends[k] - i) // 2 - depth)
            if retry + 2 > ends[k]:  # none left in this run: none until the next viable run
                nxt = viable[k + 1] if k + 1 < len(viable) else -1
                self.dead = starts[nxt] if nxt >= 0 else self.n
            return -1
        j = lower[k]
        while j >= 0 and levels[j] > target:
            j = lower[j]
        return starts[j] + 2 * (levels[j - 1] - target)

    # -- {{macros}} --------------------------------------------------------------------------

    def macro(self, i: int) -> tuple[int, str, str] | None:
        """``{{name args}}`` or ``{{{name args}}}`` at ``i``: the body stops at the first ``}``."""
        close = self.find("}", i + 2)
        if close < 0 or self._eol_before(i, close):
            return None
        text = self.text
        if text.startswith("{{{", i) and text.startswith("}}}", close) and close > i + 3:
            body, end = text[i + 3 : close], close + 3
        elif text.startswith("}}", close) and close > i + 2:
            body, end = text[i + 2 : close], close + 2
        else:
            return None
        m = _MACRO_NAME.match(body)
        if not m:
            return None
        return end, m.group(1), body[m.end() :].strip()

    # -- Markdown: code, math, HTML, links ---------------------------------------------------

    def code(self, i: int) -> int:
        """End of the code span at ``i`` (`` `x` `` or ````x````), or -1."""
        text = self.text
        if text.startswith("``", i):
            j = self.find("``", i + 2)
            return j + 2 if j >= 0 and not self._eol_before(i, j) else -1
        j = self.find("`", i + 1)
        return j + 1 if j > i + 1 and not self._eol_before(i, j) else -1

    def math(self, i: int) -> int:
        """End of ``$math$``, ``$$math$$``, ``\\(math\\)`` or ``\\[math\\]`` at ``i``, or -1."""
        text = self.text
        c = text[i + 1 : i + 2]
        if text[i] == "\\":
            if c not in ("[", "("):
                return -1
            j = self.find("\\]" if c == "[" else "\\)", i + 2)
            return j + 2 if j >= 0 and not self._eol_before(i, j) else -1
        if c == "$":
            j = self.find("$", i + 2)
            if j < 0 or not text.startswith("$$", j) or self._eol_before(i, j):
                return -1
            return j + 2
        if c in ("", " "):
            return -1
        j = self.find("$", i + 2)
        if j < 0 or self._eol_before(i, j) or text[j - 1] in " ([{":
            return -1
        return j + 1

    def html(self, i: int) -> int:
        """End of the inline HTML at ``i`` (comment, ``<tag …>…</tag>``, ``<x …/>``), or -1."""
        text = self.text
        for opener, closer in (("<!--", "-->"), ("<?", "?>"), ("<![CDATA[", "]]"), ("<!", ">")):
            if text.startswith(opener, i):
                j = self.find(closer, i + len(opener))
                return j + len(closer) if j >= 0 else -1
        m = _HTML_NAME.match(text, i)
        if not m or m.group(1).lower() not in _HTML_TAGS:
            return -1
        end = self._html_close(i, m.group(1).lower())
        if end < 0:
            j = self.find("/>", m.end())
            end = j + 2 if j >= 0 else -1
        return end

    def _html_close(self, i: int, tag: str) -> int:
        """End of the ``</tag>`` closing the element opened at ``i`` (same tags nest), or -1."""
        if self._html is None:
            self._html = _html_table(self.text)
            _worked(self.n)
        table = self._html.get(tag)
        if table is None:
            return -1
        positions, match = table
        k = bisect_left(positions, i)
        return match[k] if k < len(positions) and positions[k] == i else -1

    def quick_link(self, i: int) -> int:
        """End of ``<scheme:…>`` at ``i``, or -1."""
        m = _QUICK_LINK.match(self.text, i)
        if not m:
            return -1
        j = self.search(_SPACE_OR_GT, m.end())
        return j + 1 if j > m.end() and self.text[j] == ">" else -1

    def link(self, i: int) -> tuple[int, int, int] | None:
        """``[label](url)`` at ``i``: (label end, url end, link end) or None, as mldoc reads.

        The label ends at its first ``]`` outside nested brackets, code and escapes, and must
        be followed by ``(``; the url runs to the ``)`` that balances it, spaces allowed.
        """
        text = self.text
        if text.startswith("[](", i):
            close = i + 1
        else:
            close = self._label_end(i)
            if close < 0 or not text.startswith("](", close):
                return None
        url_end = self._url_end(close + 2)
        if url_end < 0:
            return None
        end = url_end + 1
        if text.startswith("{", end):  # {:width 100} metadata belongs to the link
            j = self.find("}", end + 1)
            if j >= 0 and not self._eol_before(end, j):
                end = j + 1
        if self._eol_before(i, end):
            return None
        return close, url_end, end

    def link_starts(self) -> list[int]:
        """Positions of the ``[`` whose label closes right before a ``(``: where links may open."""
        if self._label is None:
            self._label = _label_table(self)
            _worked(self.n)
        text = self.text
        return sorted(
            p - 1 if p and text[p - 1] == "!" else p  # an image opens at its "!"
            for p, q in self._label.items()
            if text.startswith("(", q + 1)
        )

    def _label_end(self, i: int) -> int:
        """Position of the ``]`` ending the label opened by ``[`` at ``i``, or -1."""
        if self._label is None:
            self._label = _label_table(self)
            _worked(self.n)
        return self._label.get(i, -1)

    def _url_end(self, u: int) -> int:
        """Position of the ``)`` ending a url that starts at ``u``: the first one that is not
        balanced inside it, or else a ``)`` ending the line (mldoc's reading), or -1."""
        if self._paren is None:
            self._paren = _paren_table(self.text)
            _worked(self.n)
        positions, levels, lower = self._paren
        k = bisect_left(positions, u)
        base = levels[k - 1] if k > 0 else 0
        j = k
        while 0 <= j < len(positions) and levels[j] >= base:
            j = lower[j]
        if 0 <= j < len(positions):
            return positions[j]
        eols = self._eol_list()
        k2 = bisect_left(eols, u)
        stop = eols[k2] if k2 < len(eols) else self.n
        return stop - 1 if stop - 1 >= u and self.text[stop - 1] == ")" else -1


def _worked(n: int) -> None:
    """Count one pass over ``n`` characters (a table built for a line) in :data:`WORK`."""
    global WORK
    WORK += n


def _breaks(text: str, i: int, last: int) -> bool:
    """Whether an element may start at ``i``: mldoc reads "<", "((", "{{" and URLs only at the
    start of the line, after whitespace or one of ``\\_^[*~`=$#``, or right after an element
    (``x((uuid))`` and ``(<span>…`` are plain text; ``[((uuid))]`` is a block ref)."""
    return i == 0 or i == last or text[i - 1] in _TOKEN_BREAKS


def _blank(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is empty or whitespace, read without copying it."""
    m = _NON_SPACE.search(text, start, end)
    return m is None


_NON_SPACE = re.compile(r"\S")
_EOL = re.compile(r"\n")


def _spans(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Sorted, non-overlapping spans as two lists for ``bisect``."""
    return [a for a, _ in spans], [b for _, b in spans]


def _nest_table(text: str) -> tuple[list[int], ...]:
    """Runs of 2+ ``[`` or ``]``: starts, ends, the level after each, the next lower run, the
    lowest level of the runs after each, and the next run at or after each where a ``[[`` may
    close (followed by a run of ``]``, or with a lower level ahead)."""
    starts: list[int] = []
    ends: list[int] = []
    levels: list[int] = []
    level = 0
    for m in _RUNS.finditer(text):
        a, b = m.span()
        level += (b - a) // 2 if text[a] == "[" else -((b - a) // 2)
        starts.append(a)
        ends.append(b)
        levels.append(level)
    lower = _next_lower(levels)
    floor = [0] * len(levels)
    viable = [-1] * len(levels)
    low = len(text)  # above every level
    nxt = -1
    for k in range(len(levels) - 1, -1, -1):
        floor[k] = low
        if text[starts[k]] == "[" and (
            low < levels[k] or (k + 1 < len(levels) and text[starts[k + 1]] == "]")
        ):
            nxt = k
        viable[k] = nxt
        if levels[k] < low:
            low = levels[k]
    return starts, ends, levels, lower, floor, viable


_RUNS = re.compile(r"\[{2,}|\]{2,}")


def _next_lower(levels: list[int]) -> list[int]:
    """For each index, the next index whose level is lower than its own (-1 if none)."""
    out = [-1] * len(levels)
    stack: list[int] = []
    for j, v in enumerate(levels):
        while stack and levels[stack[-1]] > v:
            out[stack.pop()] = j
        stack.append(j)
    return out


def _label_table(line: Line) -> dict[int, int]:
    """``[`` position → the ``]`` closing it, counted as a link label is read: code spans and
    escaped characters skipped, other brackets nested. One pass and one stack per line."""
    text = line.text
    out: dict[int, int] = {}
    stack: list[int] = []
    if "`" not in text and "\\" not in text:
        for m in _BRACKETS.finditer(text):
            p = m.start()
            if text[p] == "[":
                stack.append(p)
            elif stack:
                out[stack.pop()] = p
        return out
    pos = 0
    while True:
        m = _LABEL_CHARS.search(text, pos)
        if m is None:
            break
        p = m.start()
        c = text[p]
        if c == "[":
            stack.append(p)
            pos = p + 1
        elif c == "]":
            if stack:
                out[stack.pop()] = p
            pos = p + 1
        elif c == "\\":
            pos = p + 2
        else:
            end = line.code(p)
            pos = end if end > 0 else p + 1
    return out


def _paren_table(text: str) -> tuple[list[int], list[int], list[int]]:
    """Unescaped ``(``/``)``: positions, the level after each, the next lower one."""
    positions: list[int] = []
    levels: list[int] = []
    level = 0
    for m in _PARENS.finditer(text):
        c = m.group()
        if c == "(":
            level += 1
        elif c == ")":
            level -= 1
        else:
            continue
        positions.append(m.start())
        levels.append(level)
    return positions, levels, _next_lower(levels)


def _html_table(text: str) -> dict[str, tuple[list[int], list[int]]]:
    """Per known tag: positions of ``<tag>``/``<tag `` and ``</tag>`` (case-insensitive), and
    for each opener the end of its matching close (-1 if none, or for a close)."""
    lower = text.lower() if not text.islower() else text
    events: dict[str, list[tuple[int, bool]]] = {}
    for m in _HTML_EVENTS.finditer(lower):
        slash, name, after = m.groups()
        if name in _HTML_TAGS and not (slash and after != ">"):
            events.setdefault(name, []).append((m.start(), slash == "/"))
    out = {}
    for name, evs in events.items():
        positions = [p for p, _ in evs]
        match = [-1] * len(evs)
        stack: list[int] = []
        for k, (p, closing) in enumerate(evs):
            if closing:
                if stack:
                    match[stack.pop()] = p + len(name) + 3
            else:
                stack.append(k)
        out[name] = (positions, match)
    return out


def url_spans(text: str) -> list[tuple[int, int]]:
    """Spans of bare URLs: no refs at all inside them (where one may start: see ``in_url``)."""
    if "://" not in text:
        return []
    out = []
    pos = 0
    n = len(text)
    while True:
        m = _BARE_URL.search(text, pos)
        if m is None:
            return out
        end = m.end()
        if end < n and text[end] in "/?#":
            end = _url_rest(text, end + 1)
        out.append((m.start(), end))
        pos = end


def _url_rest(text: str, pos: int) -> int:
    """End of a URL's path from ``pos``: brackets balanced, stopped by whitespace, by a closing
    bracket that closes nothing, or by ",;.!?" before whitespace or the end."""
    n = len(text)
    closers: list[str] = []
    while True:
        pos = _URL_REST.match(text, pos).end()
        if pos >= n:
            return pos
        c = text[pos]
        if c in "([":
            closers.append(")" if c == "(" else "]")
        elif c in ")]":
            if not closers or closers[-1] != c:
                return pos
            closers.pop()
        elif c in ",;.!?":
            if pos + 1 >= n or text[pos + 1].isspace():
                return pos
        else:  # whitespace
            return pos
        pos += 1


def _no_tag_table(text: str) -> tuple:
    """Emphasis spans of ``text`` for :func:`_inside`, or ``()`` when there are none."""
    if "*" in text or "_" in text or "~" in text or "^" in text or "=" in text:
        spans = _emphasis_spans(text)
        if spans:
            return _spans(spans)
    return ()


def _inside(table: tuple, i: int) -> bool:
    """Whether ``i`` lies in one of the (sorted, disjoint) spans of ``table``."""
    starts, ends = table
    k = bisect_right(starts, i) - 1
    return k >= 0 and i < ends[k]


# A line this short is searched by one regex (C speed, each start tried over at most the rest
# of the line, so at most SHORT_LINE steps a character); a longer one by the linear scan below.
SHORT_LINE = 160
_EMPHASIS = re.compile(
    r"(\*\*|~~|\^\^|==)(?!\s)(?:.{1,2000}?)(?<!\s)\1"
    r"|(?<![\w*])([*_])(?![\s*_])(?:.{1,2000}?)(?<![\s*_])\2(?![\w*])"
)  # 2000: EMPHASIS_SPAN


def _emphasis_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``**b**``, ``~~s~~``, ``^^h^^``, ``==m==``, ``*i*``, ``_i_`` (tags inside are
    none), found left to right. Short lines: one regex; long ones: each closer looked up in a
    sorted list, linear in the line (the regex would try up to EMPHASIS_SPAN characters from
    every opener)."""
    if len(text) <= SHORT_LINE:
        return [m.span() for m in _EMPHASIS.finditer(text)]
    return emphasis_spans(text)


def emphasis_spans(text: str) -> list[tuple[int, int]]:
    """:func:`_emphasis_spans` for any line, in time linear in its length."""
    n = len(text)
    closers: dict[str, list[int]] = {}
    out: list[tuple[int, int]] = []
    end = 0
    for m in _EMPHASIS_CHARS.finditer(text):
        i = m.start()
        if i < end:
            continue
        pair = text[i : i + 2]
        if pair in ("**", "~~", "^^", "==") and i + 2 < n and not text[i + 2].isspace():
            j = _closer(text, closers, pair, i + 3)
            if 0 <= j and j - i - 2 <= EMPHASIS_SPAN and "\n" not in text[i + 2 : j]:
                end = j + 2
                out.append((i, end))
                continue
        c = text[i]
        if (
            c in "*_"
            and i + 1 < n
            and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_*"))
            and not (text[i + 1].isspace() or text[i + 1] in "*_")
        ):
            j = _closer(text, closers, c, i + 2)
            if 0 <= j and j - i - 1 <= EMPHASIS_SPAN and "\n" not in text[i + 1 : j]:
                end = j + 1
                out.append((i, end))
    return out


def _closer(text: str, closers: dict[str, list[int]], delim: str, pos: int) -> int:
    """First position >= ``pos`` where ``delim`` can close emphasis, or -1."""
    found = closers.get(delim)
    if found is None:
        found = closers[delim] = [m.start() for m in _CLOSERS[delim].finditer(text)]
    k = bisect_left(found, pos)
    return found[k] if k < len(found) else -1


def no_tag_spans(text: str, urls: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans where ``#`` starts no tag: emphasis (``**#b**``) and bare URLs."""
    return _emphasis_spans(text) + urls


def hidden_spans(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of bare URLs (no refs at all inside) and of emphasis (no tags inside)."""
    urls = url_spans(text)
    return urls, no_tag_spans(text, urls)


def inside(spans: list[tuple[int, int]], i: int) -> bool:
    """Whether ``i`` lies in one of ``spans`` (a short list; the scanner uses :class:`Line`)."""
    return any(a <= i < b for a, b in spans)


@lru_cache(maxsize=262144)
def _page_info(inner: str) -> tuple[str, str, tuple[str, ...], bool]:
    """(name, text, namespace parents, is a page name) of a ref's inner text, computed once.

    ``text`` is the first ``inner`` seen, so the many refs to one page share one string.
    """
    name = page_name(inner)
    # a name holding a [[ref]] is in no namespace (Logseq makes no parent page for it)
    parents = tuple(namespace_parents(name)) if "/" in name and "[[" not in inner else ()
    return name, inner, parents, is_page_name(inner)


class JournalRefs:
    """Page-ref targets that name a journal day, as the journal page's name (§5).

    ``[[2024-01-05]]`` and ``[[Jan 5th, 2024]]`` both point at one journal page. ``load_graph``
    makes one per load and hands it down the readers (``RefSink(journals=…)``): refs get this
    canonical target as they are made, through one cache per distinct written name, instead of
    in a second pass over every ref. Text scanned without one keeps its targets as written.
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


_NO_INFOS: dict = {}  # always empty: the lookup table of the scanner without a JournalRefs


class RefSink:
    """Collects refs and macros for one block, turning matches into model objects.

    ``journals``: the graph's journal-ref resolver (refs to a journal day get its canonical
    name), or None to keep targets as written. With ``spans`` set to a list, the scanner also
    records the (start, end) of every element it reads (refs, tags, macros, code, math, HTML,
    links), relative to the scanned text: what is left between them is the plain text a
    comma-separated property value splits.
    """

    __slots__ = ("refs", "macros", "prop", "journals", "spans", "depth")

    def __init__(
        self,
        refs: list[Ref],
        macros: list[Macro],
        prop: str | None = None,
        journals: JournalRefs | None = None,
    ) -> None:
        self.refs = refs
        self.macros = macros
        self.prop = prop
        self.journals = journals
        self.spans: list[tuple[int, int]] | None = None
        self.depth = 0

    def page(self, kind: str, inner: str, line: int, col: int, at: int = -1) -> None:
        """A ref to the page ``inner`` written at column ``col``; ``at``: the 0-based column
        where ``inner`` starts, for the refs nested in it (after ``[[``: ``col + 1``)."""
        name, text, parents, _ = _page_info(inner)
        if not name:
            return
        refs = self.refs
        prop = self.prop
        journals = self.journals
        refs.append(Ref(kind, journals.target(name) if journals else name, text, line, col, prop))
        for parent in parents:
            refs.append(Ref(NAMESPACE, parent, parent, line, col, prop))
        if "[[" in inner:
            self.nested(inner, line, col + 1 if at < 0 else at)

    def nested(self, inner: str, line: int, col0: int) -> None:
        """Page refs inside a ref or tag: ``[[a [[b]]]]`` and ``#a[[b]]`` also ref ``b``.

        Only ``[[…]]`` counts there (Logseq reads the rest as the outer name's text), only
        down to :data:`MAX_NESTING` levels, and not in a property value (Logseq takes the
        outer name only there).
        """
        if self.depth >= MAX_NESTING or self.prop is not None:
            return
        self.depth += 1
        try:
            ln = Line(inner)
            pos = 0
            while True:
                i = inner.find("[[", pos)
                if i < 0:
                    break
                hit = ln.page_ref(i)
                if hit is None:
                    pos = i + 2
                    continue
                self.page(PAGE_REF, hit[1], line, col0 + i + 1)
                pos = hit[0]
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
        if sink.spans is None:
            return  # no ref can start here (the elements of a property value are still read)
    # MARKDOWN_CHARS.search(text) as five substring tests (C memchr each): 2.5x faster
    if "](" in text or "`" in text or "$" in text or "<" in text or "\\" in text:
        _scan(text, line, col0, sink, _MARKDOWN)
    else:
        _scan(text, line, col0, sink, _PLAIN)


def scan_plain(text: str, line: int, col0: int, sink: RefSink) -> None:
    """The fast path: text without Markdown code, math, HTML or links."""
    _scan(text, line, col0, sink, _PLAIN)


def _scan(text: str, line: int, col0: int, sink: RefSink, pattern: re.Pattern[str]) -> None:
    """The one scanner: every element of ``pattern`` (and every link) found left to right, each
    read whole.

    An element that reads past its regex match (a nested ref, a code span, a link) moves
    ``last``: later matches inside it are skipped, and a long one restarts the search after it,
    so nothing inside is read again as an element of its own. Links are not in the regex:
    their openers come from the Line's bracket table, merged in order.
    """
    urls = "://" in text
    ln: Line | None = None  # built at the first element needing more than the regex
    refs = sink.refs
    prop = sink.prop
    journals = sink.journals
    spans = sink.spans
    if journals is None:
        info_of, known = _page_info, _NO_INFOS
    else:
        info_of, known = journals.info, journals.infos
    links: list[int] = []
    if pattern is _MARKDOWN and "](" in text:
        ln = Line(text)
        links = ln.link_starts()
    nlinks = len(links)
    li = 0  # the next link opener to try
    no_tags: tuple | None = None  # emphasis spans, computed at the first tag
    last_close = -2  # the last "]]": no [[…]] opens at or after it
    dead = 0  # no [[ before this position can close (see Line.page_ref)
    last = 0  # end of the last element read
    pos = 0
    while True:
        restart = -1  # where to search again; when it is ``last``, the text up to it was read
        for m in pattern.finditer(text, pos):
            i = m.start()
            if i < last:  # inside an element read past its match
                if m.end() <= last:
                    continue
                restart = last
                break
            while li < nlinks and links[li] < i:  # a link opens before this element
                end = _try_link(ln, links[li], last, line, col0, sink)  # type: ignore[arg-type]
                if end > 0:
                    last = restart = end
                    break
                li += 1
            if restart >= 0:
                break
            if urls:
                if ln is None:
                    ln = Line(text)
                skip = ln.in_url(i, last)
                if skip:
                    last = restart = skip  # nothing inside a bare URL is an element
                    break
            group = m.lastindex
            if group <= 3:  # [[page]], #[[multi-word tag]], #tag: no nesting inside
                if group != 1:
                    if no_tags is None:
                        no_tags = _no_tag_table(text)
                    if no_tags and _inside(no_tags, i):
                        if _OPENERS.search(text, i + 1, m.end()):
                            restart = i + 1  # read on after the "#": the tag's text holds refs
                            break
                        continue
                inner = written = m[group]
                end = m.end()
                if group == 2 and end < len(text) and _TAG.match(text, end):
                    # #[[a]]b: the tag is "[[a]]b" (#[[a]]] the tag "a]"), and refs a
                    end = _TAG.match(text, end).end()  # type: ignore[union-attr]
                    inner = written = text[i + 1 : end]
                    if inner.endswith("]]"):
                        inner = inner[2:-2]
                    group = 3
                info = known.get(inner)  # JournalRefs.info without a call for the known names
                name, ref_text, parents, ok = info_of(inner) if info is None else info
                if group == 1 and not ok:
                    continue
                last = end
                if spans is not None:
                    spans.append((i, last))
                if not name:
                    continue
                col = col0 + i + 1
                refs.append(Ref(PAGE_REF if group == 1 else TAG, name, ref_text, line, col, prop))
                for parent in parents:
                    refs.append(Ref(NAMESPACE, parent, parent, line, col, prop))
                if group == 3 and "[[" in written and "]]" in written:
                    sink.nested(written, line, col)  # #a[[b]] also refs b
            elif group <= 5:  # ((uuid)), {{macro}}: only where an element may start
                if i and i != last and text[i - 1] not in _TOKEN_BREAKS:
                    continue
                if group == 4:
                    uuid = m[4].lower()
                    last = m.end()
                    if spans is not None:
                        spans.append((i, last))
                    refs.append(Ref(BLOCK_REF, uuid, uuid, line, col0 + i + 1, prop))
                    continue
                if ln is None:
                    ln = Line(text)
                hit3 = ln.macro(i)
                if hit3:
                    sink.macro(hit3[1], hit3[2], line, col0 + i + 1)
                    last = hit3[0]
                    if spans is not None:
                        spans.append((i, last))
                    if last - m.end() > _RESTART_AFTER:
                        restart = last
                        break
            elif group <= 7:  # nested or unusual [[…]] or #[[…]]: the general matchers
                tag = group == 7
                hit = None
                if last_close == -2:
                    last_close = text.rfind("]]")
                if last_close >= i + 2 + tag and i + tag >= dead:  # else no ref can open here
                    if tag:
                        if no_tags is None:
                            no_tags = _no_tag_table(text)
                        if no_tags and _inside(no_tags, i):
                            continue
                    if ln is None:
                        ln = Line(text)
                    hit = ln.page_ref(i + tag)
                    if hit is None:
                        dead = ln.dead
                        if ln.retry > i + 2 + tag:  # skip the openers of this run of "["
                            restart = ln.retry
                            break
                if hit:
                    sink.page(
                        TAG if tag else PAGE_REF, hit[1], line, col0 + i + 1, col0 + i + 2 + tag
                    )
                    last = restart = hit[0]
                    if spans is not None:
                        spans.append((i, last))
                    break
                if tag:  # "#[[" that opens no ref: the tag "[[…" as the characters read
                    t = _TAG.match(text, i + 1)
                    if t is None:
                        continue
                    if no_tags is None:
                        no_tags = _no_tag_table(text)
                    if no_tags and _inside(no_tags, i):
                        continue
                    last = t.end()
                    if spans is not None:
                        spans.append((i, last))
                    sink.page(TAG, t.group(), line, col0 + i + 1)
                    if last - m.end() > _RESTART_AFTER:
                        restart = last
                        break
            else:
                if ln is None:
                    ln = Line(text)
                end = _markdown(ln, i, last, line, col0, sink)
                if end > 0:
                    last = end
                    if end - m.end() > _RESTART_AFTER:
                        restart = end
                        break
        else:
            while li < nlinks and restart < 0:  # links after the last element
                end = _try_link(ln, links[li], last, line, col0, sink)  # type: ignore[arg-type]
                if end > 0:
                    last = restart = end
                li += 1
        if restart < 0:
            return
        if restart == last and nlinks:
            li = bisect_left(links, last)  # link openers inside what was read open nothing
        pos = restart


# An element this much longer than its regex match restarts the search after it; a shorter
# one lets the search run on, skipping what falls inside it (a restart costs more).
_RESTART_AFTER = 32
_OPENERS = re.compile(r"[\[({`$<\\]")


def _try_link(ln: Line, start: int, last: int, line: int, col0: int, sink: RefSink) -> int:
    """The link (or image, from its ``!``) opening at ``start``: its refs read, its end, or -1."""
    if start < last or ln.in_url(start, last):
        return -1
    i = start + 1 if ln.text[start] == "!" else start
    hit = ln.link(i)
    if hit is None:
        return -1
    _link_refs(ln, i, hit, line, col0, sink)
    if sink.spans is not None:
        sink.spans.append((start, hit[2]))
    return hit[2]


def _markdown(ln: Line, i: int, last: int, line: int, col0: int, sink: RefSink) -> int:
    """The Markdown element at ``i`` (code, math, HTML): its end, or -1. Refs inside are not
    refs. ``last``: the end of the element before (HTML starts only where one may)."""
    text = ln.text
    c = text[i]
    if c == "`":
        end = ln.code(i)
    elif c == "$" or c == "\\":
        end = ln.math(i)  # an escaped character (the regex took it) is no element
    elif _breaks(text, i, last):
        end = ln.quick_link(i)
        if end < 0:
            end = ln.html(i)
    else:
        return -1
    if end > 0 and sink.spans is not None:
        sink.spans.append((i, end))
    return end


def _link_refs(
    ln: Line, i: int, hit: tuple[int, int, int], line: int, col0: int, sink: RefSink
) -> None:
    """Refs of ``[label](url)``: the page of ``[[p]]``, the block of ``((uuid))`` or of a bare
    uuid, and for a link to a ``.md`` file the page named by the label (as Logseq reads)."""
    text = ln.text
    close, url_end, _ = hit
    url = text[close + 2 : url_end]
    m = _LINK_TITLE.search(url)
    if m:
        url = url[: m.start()]
    url = url.strip()
    col = col0 + close + 3
    if url.startswith("[[") and url.endswith("]]"):
        hit2 = match_page_ref(url, 0)
        if hit2 and hit2[0] == len(url):
            sink.page(PAGE_REF, hit2[1], line, col)
        return
    if url.startswith("((") and url.endswith("))"):
        hit3 = match_block_ref(url, 0)
        if hit3 and hit3[0] == len(url):
            sink.block(BLOCK_REF, hit3[1], line, col)
        return
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1].strip()
    if UUID_RE.fullmatch(url):
        sink.block(BLOCK_REF, url.lower(), line, col)
        return
    low = url.lower()
    if sink.prop is not None:
        return  # in a property value, a link to a file names no page (Logseq drops it)
    if len(url) > 3 and low.endswith((".md", ".markdown")) and not _COLON_SLASHES.match(url):
        label = _label_text(text[i + 1 : close])
        if label.strip():
            sink.page(PAGE_REF, label.strip(), line, col0 + i + 2)


def _label_text(label: str) -> str:
    """The text Logseq takes from a link label for a file link: the label up to its first code
    span, or that code span's content when the label starts with one."""
    m = _LABEL_CODE.search(label)
    if m is None:
        return label
    if m.start() > 0:
        return label[: m.start()]
    ticks = m.group()
    j = label.find(ticks, m.end())
    return label[m.end() : j] if j > 0 else label


def refs_in(
    text: str,
    line: int = 1,
    col0: int = 0,
    prop: str | None = None,
    journals: JournalRefs | None = None,
) -> tuple[list[Ref], list[Macro]]:
    """Refs and macros of a piece of text (one line or several); journal-day targets made
    canonical by ``journals`` when given, else kept as written."""
    refs: list[Ref] = []
    macros: list[Macro] = []
    sink = RefSink(refs, macros, prop, journals)
    for k, part in enumerate(text.split("\n")):
        scan_line(part, line + k, col0 if k == 0 else 0, sink)
    return refs, macros
