"""Fixes: edits to a page's text plus how safe they are to apply (ruff's model).

Offsets are character offsets into ``Page.source`` (the decoded text, without the BOM), so a
fix never has to know about encodings; :func:`apply_edits` keeps every other character as is.
"""

from __future__ import annotations

from dataclasses import dataclass

SAFE = "safe"
UNSAFE = "unsafe"
DISPLAY_ONLY = "display-only"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``source[start_offset:end_offset]`` of ``file`` by ``replacement``."""

    file: str
    start_offset: int
    end_offset: int
    replacement: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A suggested change: edits (all in one file), an applicability, a one-line title."""

    edits: tuple[Edit, ...]
    applicability: str = SAFE
    title: str = ""

    @classmethod
    def replace(
        cls, file: str, start: int, end: int, text: str, applicability: str = SAFE, title: str = ""
    ) -> Fix:
        return cls((Edit(file, start, end, text),), applicability, title)

    def applies(self, unsafe: bool = False) -> bool:
        return self.applicability == SAFE or (unsafe and self.applicability == UNSAFE)

    def to_dict(self) -> dict:
        return {
            "applicability": self.applicability,
            "title": self.title,
            "edits": [
                {
                    "start_offset": e.start_offset,
                    "end_offset": e.end_offset,
                    "content": e.replacement,
                }
                for e in self.edits
            ],
        }


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, list[Edit]]:
    """Apply non-overlapping edits; returns the new text and the edits actually applied.

    An edit overlapping one applied before it (in offset order) is left out: a second run of
    ``--fix`` applies it on the new text, as ruff does.
    """
    applied: list[Edit] = []
    last_end = -1
    for e in sorted(edits, key=lambda e: (e.start_offset, e.end_offset)):
        if e.start_offset < last_end or e.start_offset > len(text) or e.end_offset > len(text):
            continue
        if applied and e == applied[-1]:
            continue
        applied.append(e)
        last_end = max(e.end_offset, e.start_offset + (1 if e.start_offset == e.end_offset else 0))
    out = []
    pos = 0
    for e in applied:
        out.append(text[pos : e.start_offset])
        out.append(e.replacement)
        pos = e.end_offset
    out.append(text[pos:])
    return "".join(out), applied
