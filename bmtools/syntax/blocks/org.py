"""The line rules of an Org-mode page (``*.org``): the second rule list over the same state.

As Logseq 0.10.15 reads an Org page (checked with its parser): a headline (``*``, ``**`` …)
starts a block nested by its number of stars; every other line belongs to the block before it
and keeps its indentation in the content; the lines before the first headline are the
pre-block, whose ``#+KEY: value`` directives are the page properties (``#+TITLE:`` names the
page); ``:PROPERTIES:`` drawers, ``SCHEDULED:``/``DEADLINE:``, task markers and priorities
are read by the same body rules as in Markdown; a headline's trailing ``:tag1:tag2:`` are
tags; a ``- `` line is text, not a block; ``#+BEGIN_X … #+END_X`` lines are opaque.
References inside a line are Logseq's (``[[page]]``, ``#tag``, ``((uuid))``, embeds), with
Org's ``[[target][label]]`` link read as a reference to ``target`` unless it is a URL.
"""

from __future__ import annotations

import re

from bmtools.model import PAGE_REF, TAG, Page, Ref
from bmtools.names import page_name
from bmtools.syntax.blocks.body import ORG_DRAWER_START, body, title_line
from bmtools.syntax.blocks.markdown import begin, directive, text
from bmtools.syntax.blocks.ruler import LineRule, Ruler
from bmtools.syntax.blocks.state import OutlineState

_HEADLINE = re.compile(r"(\*+)(?:[ \t]+|$)")
_HEADLINE_TAGS = re.compile(r"[ \t]+:((?:[^\s:]+:)+)[ \t]*$")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # https:, mailto:, file: … (not a page)
# Org's inline code ~x~ and verbatim =x=, as mldoc reads them (checked with the oracle): the
# opener follows no letter or digit and a blank follows neither marker inward; any character
# may follow the closer (~[[Page]]~s is code)
_ORG_CODE = re.compile(r"(?<![A-Za-z0-9])([~=])(?=\S)(?:.*?\S)??\1")


def headline(s: OutlineState, k: int, text: str) -> int:
    """``** Title``: a new block, child of the nearest earlier headline with fewer stars (the
    page-properties block counts as one star: a first ``**`` headline is its child)."""
    m = _HEADLINE.match(text)
    if m is None:
        return 0
    stars = len(m.group(1))
    stack = s.stack
    blocks = s.blocks
    if len(blocks) == 1 and blocks[0].pre_block and not stack:
        stack.append((1, 0))  # the page-properties block stands where a '*' headline would
    while stack and stack[-1][0] >= stars:
        stack.pop()
    parent = stack[-1][1] if stack else None
    idx = len(blocks)
    level = s.adopt(parent, idx)
    block = s.open_block(k, 0, level, parent, 0)  # continuation lines keep their indentation
    stack.append((stars, idx))
    col = m.end()
    first = text[col:]
    if ORG_DRAWER_START.match(first):  # '** :PROPERTIES:': the drawer starts on the headline
        block.content = first
        body(s, k, first, col, ":")
        return k + 1
    title_line(s, block, k, first, col)
    tags = _HEADLINE_TAGS.search(first)
    if tags is not None:
        at = col + tags.start(1)
        for name in tags.group(1).strip(":").split(":"):
            block.refs.append(Ref(TAG, name.lower(), name, k + 1, at + 1))
            at += len(name) + 1
    return k + 1


def org_links(page: Page, lines: list[str]) -> None:
    """Org's ``[[target][label]]``: a reference to ``target`` (none for a URL). The inline
    scanner reads Logseq's ``[[name]]``, so it saw ``target][label`` as one name: mend it.
    Refs inside Org's inline code or verbatim (``~[[x]]~``, ``=#y=``) are none to Logseq."""
    spans: dict[int, list[tuple[int, int]]] = {}

    def in_code(ref: Ref) -> bool:
        found = spans.get(ref.line)
        if found is None:
            line = lines[ref.line - 1] if 0 < ref.line <= len(lines) else ""
            found = spans[ref.line] = (
                [(m.start() + 1, m.end()) for m in _ORG_CODE.finditer(line)]
                if ("~" in line or "=" in line)
                else []
            )
        return any(start <= ref.col <= end for start, end in found)

    for block in page.blocks:
        refs = block.refs
        if not refs:
            continue
        kept = []
        for r in refs:
            if in_code(r):
                continue
            if r.kind == PAGE_REF and "][" in r.text:
                target = r.text.split("][", 1)[0].strip()
                if not target or _URL.match(target):
                    continue
                r = Ref(PAGE_REF, page_name(target), target, r.line, r.col, r.property)
            kept.append(r)
        refs[:] = kept


ORG = Ruler(
    [
        LineRule("begin", begin, "#"),
        LineRule("directive", directive, "#"),
        LineRule("headline", headline, "*"),
        LineRule("text", text),
    ]
)

__all__ = ["ORG", "headline", "org_links"]
