"""Fixes: edits to a page's text plus how safe they are to apply (ruff's model).

Offsets are character offsets into ``Page.source`` (the decoded text, without the BOM), so a
fix never has to know about encodings; :func:`apply_edits` keeps every other character as is.

A fix also says what it *means* to change (:class:`Means`). Before a fix is written or shown,
:func:`check_fix` reads the page again, as it is and as the fix leaves it, with the bmtools
reader, and lists every difference the fix did not mean: a block that split or merged, a
reference gained or lost, a property that changed, text that moved. A fix with any such
difference, or one that declares no meaning, is not applied (:func:`verified_edits`).
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bmtools.model import Config, Page

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
class Means:
    """What a fix means to change in the page as the reader sees it; nothing else may change.

    ``substitutes``: text replaced wherever it is read (a mojibake repair: in a title, a ref,
    a property value alike). ``refs_added``/``refs_removed``: exactly these references, as
    (kind, name as written), appear or disappear. ``properties``: (line, key) of a property
    whose value the fix rewrites, its references changing only as ``refs_added`` and
    ``refs_removed`` say. ``property_refs``: (line, key) of a property whose value the fix
    rewrites (or makes readable under ``key``) with whatever references that value holds.
    """

    substitutes: tuple[tuple[str, str], ...] = ()
    refs_added: tuple[tuple[str, str], ...] = ()
    refs_removed: tuple[tuple[str, str], ...] = ()
    properties: tuple[tuple[int, str], ...] = ()
    property_refs: tuple[tuple[int, str], ...] = ()

    def __add__(self, other: Means) -> Means:
        return Means(
            self.substitutes + other.substitutes,
            self.refs_added + other.refs_added,
            self.refs_removed + other.refs_removed,
            self.properties + other.properties,
            self.property_refs + other.property_refs,
        )


@dataclass(frozen=True, slots=True)
class Fix:
    """A suggested change: edits (all in one file), an applicability, a one-line title, and
    what it means to change (not part of its identity: the lint cache does not keep it)."""

    edits: tuple[Edit, ...]
    applicability: str = SAFE
    title: str = ""
    means: Means | None = field(default=None, compare=False)

    @classmethod
    def replace(
        cls,
        file: str,
        start: int,
        end: int,
        text: str,
        applicability: str = SAFE,
        title: str = "",
        means: Means | None = None,
    ) -> Fix:
        return cls((Edit(file, start, end, text),), applicability, title, means)

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


# --- verification --------------------------------------------------------------------------


def reread(text: str, rel: str, config: Config, bom: bool = False) -> Page | None:
    """``text`` read as the page file ``rel`` of a graph with ``config``, by the bmtools reader
    (:func:`bmtools.loader.read_pages`), from a private temporary folder."""
    from bmtools.loader import read_pages  # the loader pulls in the parser: only when checking

    with tempfile.TemporaryDirectory(prefix="bmtools-fix-") as tmp:
        path = os.path.join(tmp, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
        page, _ = read_pages(tmp, [rel], config)[rel]
    return page


def _substituter(pairs: Iterable[tuple[str, str]]) -> Callable[[str], str]:
    """Applies a fix's text substitutions (also in lower case, as names are) and NFC."""
    pairs = [(a, b) for a, b in pairs if a]
    pairs += [(a.lower(), b.lower()) for a, b in pairs if a.lower() != a]

    def sub(s: str) -> str:
        for a, b in pairs:
            if a in s:
                s = s.replace(a, b)
        return unicodedata.normalize("NFC", s)

    return sub


_NFC = _substituter(())


def _spliced(original: str, edits: list[Edit]) -> str:
    out, pos = [], 0
    for e in sorted(edits, key=lambda e: (e.start_offset, e.end_offset)):
        out += [original[pos : e.start_offset], e.replacement]
        pos = e.end_offset
    return "".join(out) + original[pos:]


def _edited_lines(text: str, edits: list[Edit]) -> set[int]:
    """The 1-based lines of ``text`` (before the edits) that an edit covers."""
    lines: set[int] = set()
    for e in edits:
        first = text.count("\n", 0, e.start_offset) + 1
        lines.update(range(first, first + text.count("\n", e.start_offset, e.end_offset) + 1))
    return lines


def _str(value: object, sub: Callable[[str], str]) -> object:
    return sub(value) if isinstance(value, str) else value


class _Sub:
    """The fix's substitutions, applied to what was read from an edited line only."""

    def __init__(self, means: Means, original: str, edits: list[Edit]):
        self.edited = _edited_lines(original, edits)
        self.all = _substituter(means.substitutes) if means.substitutes else _NFC
        pairs = set(means.substitutes)
        other = [
            e
            for e in edits
            if (original[e.start_offset : e.end_offset], e.replacement) not in pairs
        ]
        self.other = _edited_lines(original, other)  # lines edited by more than substitutions

    def at(self, *lines: int) -> Callable[[str], str]:
        return self.all if self.edited.intersection(lines) else _NFC


def _page_problems(old: Page, new: Page, means: Means, sub: _Sub) -> list[str]:
    keys = {key for _, key in means.properties + means.property_refs}
    head = [p.line for p in old.properties.values()]
    head += [ln for b in old.blocks if b.pre_block for ln in range(b.line, b.end_line + 1)]
    s = sub.at(*head)
    out = []
    for what in ("name", "title", "namespace", "journal_day", "title_source", "front_matter"):
        if what in ("name", "title") and "title" in keys:
            continue
        a, b = getattr(old, what), getattr(new, what)
        if _str(a, s) != _str(b, _NFC):
            out.append(f"the page's {what.replace('_', ' ')} ({a!r} → {b!r})")
    for what, by in (("aliases", {"alias", "aliases"}), ("tags", {"tags"})):
        a, b = getattr(old, what), getattr(new, what)
        if not keys & by and [s(x) for x in a] != [_NFC(x) for x in b]:
            out.append(f"the page's {what} ({', '.join(a)} → {', '.join(b)})")
    return out


def _property_problems(old: Page, new: Page, means: Means, sub: _Sub) -> list[str]:
    lines = {line for line, _ in means.properties + means.property_refs}

    def seen(props, s):
        return {(s(p.line)(p.key), s(p.line)(p.raw)) for p in props if p.line not in lines}

    groups = [("page properties", old.properties.values(), new.properties.values())]
    for ob, nb in zip(old.blocks, new.blocks, strict=True):
        where = f"properties of the block at line {nb.line}"
        groups.append((where, ob.properties.values(), nb.properties.values()))
        groups.append((where, ob.invalid_properties, nb.invalid_properties))
        groups.append((where, ob.ignored_properties, nb.ignored_properties))
    out = []
    for where, a, b in groups:
        sa, sb = seen(a, sub.at), seen(b, lambda _: _NFC)
        if sa != sb:
            out.append(f"the {where} ({', '.join(sorted({k + '::' for k, _ in sa ^ sb}))})")
    return out


def _block_problems(old: Page, new: Page, means: Means, sub: _Sub) -> list[str]:
    out = []
    for ob, nb in zip(old.blocks, new.blocks, strict=True):
        lines = range(ob.line, ob.end_line + 1)
        s = sub.at(*lines)
        for what in ("heading", "marker", "priority", "uuid", "collapsed", "scheduled", "deadline"):
            if _str(getattr(ob, what), s) != _str(getattr(nb, what), _NFC):
                out.append(f"the {what} of the block at line {nb.line}")
        # A block only substitutions touch reads as its old text with them; one another edit
        # touches differs by that edit, which the text outside the edits already showed.
        if sub.other.isdisjoint(lines) and s(ob.content) != _NFC(nb.content):
            out.append(f"the text of the block at line {nb.line}")
    return out


def _ref_problems(old: Page, new: Page, means: Means, sub: _Sub) -> list[str]:
    from bmtools.names import page_name

    free = set(means.property_refs)

    def counted(page: Page, s) -> Counter:
        return Counter(
            (r.kind, page_name(s(r.line)(r.text)))
            for b in page.blocks
            for r in b.refs
            if (r.line, r.property) not in free
        )

    want = counted(old, sub.at)
    want.update((kind, page_name(name)) for kind, name in means.refs_added)
    want.subtract((kind, page_name(name)) for kind, name in means.refs_removed)
    want = +want
    got = counted(new, lambda _: _NFC)
    if got == want:
        return []
    said = []
    if got - want:
        said.append("adds " + ", ".join(f"{k} '{n}'" for k, n in sorted((got - want).elements())))
    if want - got:
        said.append("drops " + ", ".join(f"{k} '{n}'" for k, n in sorted((want - got).elements())))
    return [f"the references ({'; '.join(said)})"]


def check_fix(
    original: str,
    fixed: str,
    edits: list[Edit],
    means: Means | None,
    rel: str,
    config: Config,
    bom: bool = False,
) -> list[str]:
    """What turning ``original`` into ``fixed`` by ``edits`` changes that ``means`` does not
    say, as the reader sees the page ``rel``: its identity, block structure, properties, the
    text of blocks no edit touches, references. Empty: the fix does only what it means."""
    if means is None:
        return ["nothing it declares (the fix does not say what it means to change)"]
    if fixed != _spliced(original, edits):
        return ["text outside the edited ranges"]
    old, new = reread(original, rel, config, bom), reread(fixed, rel, config, bom)
    if old is None or new is None:
        return ["whether the page can be read at all"]
    sub = _Sub(means, original, edits)
    problems = _page_problems(old, new, means, sub)
    shape_old = [(b.parent, b.level, b.pre_block) for b in old.blocks]
    shape_new = [(b.parent, b.level, b.pre_block) for b in new.blocks]
    if shape_old != shape_new:
        return problems + [f"the block structure ({len(old.blocks)} → {len(new.blocks)} blocks)"]
    problems += _property_problems(old, new, means, sub)
    problems += _block_problems(old, new, means, sub)
    problems += _ref_problems(old, new, means, sub)
    return problems


def verified_edits(
    page: Page, fixes: list[tuple[object, Fix]], config: Config
) -> tuple[list[Edit], list[tuple[object, str]]]:
    """The edits of the fixes (``(diagnostic, fix)`` pairs, all on ``page``) that change only
    what they mean, checked together and, when together they fail, one by one; and
    ``(diagnostic, why)`` for each fix refused."""
    rel = page.file or ""

    def problems(chosen: list[tuple[object, Fix]]) -> list[str]:
        edits = [e for _, f in chosen for e in f.edits]
        fixed, applied = apply_edits(page.source, edits)
        if len(applied) != len(edits):  # overlapping fixes: the next --fix run applies the rest
            kept = set(applied)
            chosen = [(d, f) for d, f in chosen if all(e in kept for e in f.edits)]
            edits = [e for _, f in chosen for e in f.edits]
            fixed, _ = apply_edits(page.source, edits)
        if any(f.means is None for _, f in chosen):
            return ["nothing it declares (the fix does not say what it means to change)"]
        means = sum((f.means for _, f in chosen), Means())  # type: ignore[misc]
        return check_fix(page.source, fixed, edits, means, rel, config, page.bom)

    if not fixes or not problems(fixes):
        return [e for _, f in fixes for e in f.edits], []
    good: list[tuple[object, Fix]] = []
    refused: list[tuple[object, str]] = []
    for d, f in fixes:
        why = problems([(d, f)])
        if why:
            refused.append((d, "; ".join(why)))
        else:
            good.append((d, f))
    if good and problems(good):  # each alone is fine, together they are not: apply none
        refused += [(d, "the page together with the other fixes of this page") for d, _ in good]
        good = []
    return [e for _, f in good for e in f.edits], refused
