"""Finding and repairing mojibake: UTF-8 text that was once decoded as Mac Roman, Latin-1 or
Windows-1252 (``🧿`` read back as ``üßø``).

Detection is exact, not statistical: a run of non-ASCII characters is mojibake in encoding E
when ftfy's plan ``encode E → decode UTF-8`` (``ftfy.apply_plan``) turns it into valid UTF-8,
strictly. ftfy's own heuristics (``ftfy.badness.is_bad``, ``ftfy.fix_text``) only know
Latin-1/Windows-style mojibake, so Mac Roman is tried explicitly through the same API.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy
from ftfy.badness import is_bad

# Encodings tried in order; Mac Roman first (the seed pages' case), then ftfy's Windows ones.
ENCODINGS = ("macroman", "sloppy-windows-1252", "latin-1")
_RUN = re.compile(r"[^\x00-\x7f]+")


@dataclass(frozen=True, slots=True)
class Mojibake:
    start: int  # character offsets in the text examined
    end: int
    text: str
    repaired: str
    encoding: str
    certain: bool


def _repair(run: str, encoding: str) -> str | None:
    try:
        out = ftfy.apply_plan(run, [("encode", encoding), ("decode", "utf-8")])
    except (UnicodeError, LookupError):
        return None
    if out == run or not out or any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in out):
        return None
    return out


def find_mojibake(text: str) -> list[Mojibake]:
    """The mojibake runs of a piece of text, with their repair."""
    out: list[Mojibake] = []
    if text.isascii():
        return out
    for m in _RUN.finditer(text):
        run = m.group(0)
        # ftfy's own detector first: it knows Latin-1 / Windows-125x mojibake.
        if is_bad(run):
            explained = ftfy.fix_encoding_and_explain(run)
            if explained.text != run:
                enc = next((arg for op, arg in explained.explanation or [] if op == "encode"), "")
                out.append(Mojibake(m.start(), m.end(), run, explained.text, enc, True))
                continue
        for enc in ENCODINGS:
            fixed = _repair(run, enc)
            if fixed is None or unicodedata.category(fixed[0]).startswith("M"):
                continue
            # Certain: 3+ bytes of strictly valid multi-byte UTF-8 (chance text never gives
            # that) decoding to no unassigned or private-use character.
            certain = len(run) >= 3 and not any(
                unicodedata.category(c) in ("Cn", "Co") for c in fixed
            )
            out.append(Mojibake(m.start(), m.end(), run, fixed, enc, certain))
            break
    return out


def fix_text_certain(text: str) -> str:
    """Text with every certain mojibake run repaired (everything else untouched)."""
    parts = []
    pos = 0
    for mb in find_mojibake(text):
        if mb.certain:
            parts.append(text[pos : mb.start])
            parts.append(mb.repaired)
            pos = mb.end
    parts.append(text[pos:])
    return "".join(parts)
