"""Raw HTML blocks, as mldoc reads them (issue 10 item 16).

A line that starts (after its indentation) with the opening tag of an HTML element, or with
``<!--``, begins a raw HTML block when a later line closes it: the element's closing tag with
the nesting of that element counted (``<div><div></div>`` is still open), or the first
``-->``. Everything up to the closing line is opaque: no blocks (bullets inside belong to the
HTML), no properties, no refs. Without its end the line is text. Checked with mldoc 1.5.7:
only its list of element names counts (:data:`ELEMENTS`: ``<foo>``, ``<center>``, ``<svg>``
do not), in any letter case; a self-closing ``<div/>`` opens nothing; the closing tag is
``</name>`` exactly. A block that closes on its own line is left to the inline reader, which
hides what HTML elements hold. Not done: text after the closing tag on its line is a
paragraph to mldoc (its refs count); here the whole closing line is HTML.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

# The element names mldoc 1.5.7 reads as raw HTML blocks (each checked with its parser).
ELEMENTS = frozenset(
    "a abbr address area article aside audio b base bdi bdo blockquote body br button canvas "
    "caption cite code col colgroup data datalist dd del details dfn div dl dt em embed "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe "
    "img input ins kbd keygen label legend li link main map mark meta meter nav noscript "
    "object ol optgroup option output p param pre progress q rb rp rt rtc ruby s samp script "
    "section select small source span strong style sub summary sup table tbody td template "
    "textarea tfoot th thead time title tr track u ul var video wbr".split()
)
# An opening tag at the start of a line (after its indentation), ended on that line.
OPENING = re.compile(r"[ \t]*(?:<([A-Za-z][A-Za-z0-9]*)(?=[\s>])[^<>]*(?<!/)>|(<!--))")
_COMMENT_END = re.compile(r"-->")


def html_close(lines: list[str], cache: dict, k: int, col: int = 0) -> int:
    """The line that ends a raw HTML block opening at column ``col`` of line ``k`` (after a
    bullet, or its indentation), or -1: not one. ``cache`` (one per page) keeps what a search
    found for the page's later ones."""
    m = OPENING.match(lines[k], col)
    if m is None:
        return -1
    name = m.group(1)
    if name is None:
        ends = cache.get("-->")
        if ends is None:
            ends = cache["-->"] = _all(lines, _COMMENT_END)
        i = bisect_right(ends, (k, m.end() - 1))
        return ends[i][0] if i < len(ends) else -1
    name = name.lower()
    if name not in ELEMENTS:
        return -1
    pairs = cache.get(name)
    if pairs is None:
        pairs = cache[name] = _pairs(lines, name)
    return pairs.get((k, m.start(1) - 1), -1)


def _all(lines: list[str], pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    return [(j, m.start()) for j, line in enumerate(lines) for m in pattern.finditer(line)]


@lru_cache(maxsize=128)
def _tags(name: str) -> re.Pattern[str]:
    return re.compile(rf"<{name}(?=[\s>]|$)|</{name}>", re.IGNORECASE)


def _pairs(lines: list[str], name: str) -> dict[tuple[int, int], int]:
    """(line, column) of each opening tag of ``name`` -> the line of the closing tag that
    ends it (nesting counted), in one pass over the page."""
    pattern = _tags(name)
    open_tags: list[tuple[int, int]] = []
    pairs: dict[tuple[int, int], int] = {}
    for j, line in enumerate(lines):
        if "<" not in line:
            continue
        for m in pattern.finditer(line):
            if m.group()[1] != "/":
                open_tags.append((j, m.start()))
            elif open_tags:
                pairs[open_tags.pop()] = j
    return pairs
