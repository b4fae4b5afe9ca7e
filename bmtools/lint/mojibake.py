"""Finding and repairing mojibake: UTF-8 text that was once decoded as Mac Roman, Latin-1 or
Windows-1252 (``🧿`` read back as ``üßø``).

A run of non-ASCII characters is reported only when the repair is certain, never because its
bytes happen to decode: ``“é`` (a Spanish quote before ``éxito``) is two valid UTF-8 bytes in
Mac Roman, yet it is ordinary text. So a run is mojibake when

- ftfy's own detector finds it implausible as written (``ftfy.badness.is_bad``: it knows the
  Latin-1, Windows-125x and Mac Roman forms of accented letters and punctuation) and ftfy
  repairs it with one plain plan, ``encode E → decode UTF-8``; or
- it holds Mac Roman's Apple logo (U+F8FF, a private-use character that stands for the byte
  0xF0, the first byte of every emoji in UTF-8), and the whole run decodes as strict UTF-8:
  emoji mangled on a Mac, which ftfy's detector does not look for.

Either way the repair must round-trip (encoding it as UTF-8 and decoding with E gives the run
back), give no control, unassigned or private-use character, and not start with a combining
mark.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy
from ftfy.badness import is_bad

APPLE_LOGO = "\uf8ff"  # Mac Roman 0xF0
_RUN = re.compile(r"[^\x00-\x7f]+")


@dataclass(frozen=True, slots=True)
class Mojibake:
    start: int  # character offsets in the text examined
    end: int
    text: str
    repaired: str
    encoding: str


def _clean(out: str) -> bool:
    """Whether a repair is plain text: no control, unassigned or private-use character."""
    if unicodedata.category(out[0]).startswith("M"):
        return False
    return not any(
        ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or unicodedata.category(c) in ("Cn", "Co")
        for c in out
    )


def _round_trips(run: str, out: str, encodings: list[str]) -> bool:
    """Whether undoing the repair (UTF-8 encode, then decode with each encoding, last repair
    step first) gives the run back: then no character was lost or guessed."""
    undo = []
    for encoding in reversed(encodings):
        undo += [("encode", "utf-8"), ("decode", encoding)]
    try:
        return ftfy.apply_plan(out, undo) == run
    except (UnicodeError, LookupError):
        return False


def _plain_plan(plan: list[tuple[str, str]]) -> list[str] | None:
    """The encodings of a plan made only of ``encode E → decode UTF-8`` steps (mojibake made
    once or several times over), or None for any other kind of repair."""
    if not plan or len(plan) % 2:
        return None
    encodings = []
    for (op, encoding), step in zip(plan[::2], plan[1::2], strict=True):
        if op != "encode" or step != ("decode", "utf-8"):
            return None
        encodings.append(encoding)
    return encodings


def repair_run(run: str) -> tuple[str, str] | None:
    """(repaired text, encoding) when ``run`` is certainly mojibake, else None."""
    if is_bad(run):
        explained = ftfy.fix_encoding_and_explain(run)
        out = explained.text
        encodings = _plain_plan(explained.explanation or [])
        if (
            encodings
            and out
            and out != run
            and not is_bad(out)
            and _clean(out)
            and _round_trips(run, out, encodings)
        ):
            return out, encodings[0]
    if APPLE_LOGO in run:
        try:
            out = ftfy.apply_plan(run, [("encode", "macroman"), ("decode", "utf-8")])
        except (UnicodeError, LookupError):
            return None
        if out and out != run and _clean(out) and _round_trips(run, out, ["macroman"]):
            return out, "macroman"
    return None


def find_mojibake(text: str) -> list[Mojibake]:
    """The mojibake runs of a piece of text, with their repair."""
    out: list[Mojibake] = []
    if text.isascii():
        return out
    for m in _RUN.finditer(text):
        hit = repair_run(m.group(0))
        if hit is not None:
            out.append(Mojibake(m.start(), m.end(), m.group(0), hit[0], hit[1]))
    return out
