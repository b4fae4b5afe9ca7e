"""Inline suppression: ``bmtools-ignore:: BM401, BM402`` as a page or a block property.

A page property silences the codes on the whole page; a block property silences them on the
block and its descendants. Values are selectors like on the command line (``BM4``, ``ALL``).
"""

from __future__ import annotations

from bmtools.lint.selector import matches, split_codes
from bmtools.model import Diagnostic, Graph

KEY = "bmtools-ignore"


def _selectors(prop) -> list[str]:
    raw = prop.raw.replace("[[", "").replace("]]", "").replace("#", "")
    return split_codes(raw)


def suppressions(graph: Graph) -> dict[str, list[tuple[int, int, list[str]]]]:
    """file -> [(first line, last line, selectors)]; a page-wide entry spans every line."""
    out: dict[str, list[tuple[int, int, list[str]]]] = {}
    for page in graph.pages.values():
        if page.file is None:
            continue
        prop = page.properties.get(KEY)
        if prop is not None:
            out.setdefault(page.file, []).append((0, 1 << 30, _selectors(prop)))
        for block in page.blocks:
            if block.pre_block:
                continue
            bprop = block.properties.get(KEY)
            if bprop is None:
                continue
            last = block.end_line
            for d in page.descendants(block):
                last = max(last, d.end_line)
            out.setdefault(page.file, []).append((block.line, last, _selectors(bprop)))
    return out


def is_suppressed(d: Diagnostic, table: dict[str, list[tuple[int, int, list[str]]]]) -> bool:
    entries = table.get(d.file or "")
    if not entries:
        return False
    for first, last, selectors in entries:
        if first <= d.line <= last and any(matches(s, d.code) for s in selectors):
            return True
    return False
