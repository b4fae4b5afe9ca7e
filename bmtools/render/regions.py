"""Managed regions: the parts of a page bmtools generates, and nothing else.

A *managed region* is one outline block that carries the two block properties

    bmtools-managed:: <region-id>
    bmtools-hash:: <hash>

together with all its descendant blocks. Everything outside regions belongs to the author and is
never changed, byte for byte. ``bmtools-hash`` records what bmtools last wrote; if the region's
current text no longer has that hash, somebody edited it by hand and it is not overwritten
(a :class:`Conflict` is reported) unless ``force`` is given.

The hash, exactly: take the region's lines (its block and all descendants, up to its last
non-blank line); drop the head block's ``bmtools-managed::``, ``bmtools-hash::``,
``collapsed::`` and ``id::`` property lines (Logseq adds the last two when a user collapses or
references the block; they are carried over on re-render); strip every line of surrounding
whitespace (and ``\\r``) and, unless it is blank, prefix it with one tab per nesting level of
its block below the head block, plus two spaces when it is not the block's bullet line; join
with ``\\n``. The hash is the first 12 hex digits of the SHA-256 of that text, UTF-8 encoded.
It does not depend on the page's indentation, so Logseq re-indenting a file is not an edit.

Region *bodies* passed to this module are outline text at column 0, the first line being the
head block's bullet (``- ## Examples``), children nested with tabs, *without* the two marker
properties. They are re-indented to the page's indentation unit (``indent``).

Public API::

    find_regions(text) -> list[Region]
    region_hash(normalised_text) -> str
    render_region(region_id, body, indent="\\t", base_indent="", newline="\\n") -> str
    update_page_regions(page_text, regions, indent=None, *, force=False,
                        append_missing=False) -> RegionResult
    new_page_with_regions(properties, parts, indent="\\t") -> str
    seal_regions(text) -> str      # fill in hashes of template output
    extract_regions(text) -> dict[str, str]   # region id -> body
    detect_indent(text) -> str

Example (the milestones roadmap writes one region on its page)::

    >>> page = new_page_with_regions({"page-type": "[[roadmap]]"},
    ...                              [("roadmap", "- ## Roadmap\\n\\t- M1")])
    >>> res = update_page_regions(page, {"roadmap": "- ## Roadmap\\n\\t- M1\\n\\t- M2"})
    >>> res.changed_ids, res.conflicts
    (['roadmap'], [])
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bmtools.model import Config, Page

MANAGED_KEY = "bmtools-managed"
HASH_KEY = "bmtools-hash"
HASH_LENGTH = 12

_MARKER_LINE = re.compile(r"[ \t]*(bmtools-managed|bmtools-hash)::(?:[ \t]|$)", re.IGNORECASE)
_KEPT_LINE = re.compile(r"[ \t]*(collapsed|id)::(?:[ \t]|$)", re.IGNORECASE)
_BULLET = re.compile(r"([ \t]*)-(?:[ \t]+|$)")
_REGION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")


class RegionError(ValueError):
    """A region body or id that cannot be written as a managed region."""


@dataclass(frozen=True, slots=True)
class Region:
    """One managed region found in a page's text."""

    id: str
    line: int  # 1-based line of the head block's bullet
    end_line: int  # 1-based last non-blank line of the region
    start: int  # character offset of the head line's first character
    end: int  # character offset just after the last non-blank line (its newline excluded)
    base_indent: str  # leading whitespace of the head block's bullet line
    stored_hash: str | None  # the bmtools-hash value, None when absent or empty
    text: str  # the normalised text the hash covers (see the module docstring)
    kept_lines: tuple[str, ...]  # the head block's collapsed::/id:: lines, dedented
    body: str  # the region without markers or kept lines, at column 0, as indented on the page

    @property
    def current_hash(self) -> str:
        return region_hash(self.text)

    @property
    def edited(self) -> bool:
        """True when the text is not what bmtools wrote (or the hash is missing)."""
        return self.stored_hash is None or self.stored_hash != self.current_hash


@dataclass(frozen=True, slots=True)
class Conflict:
    """A region that was left alone because it was edited by hand (or is ambiguous)."""

    region_id: str
    line: int  # 1-based line of the region's head block
    reason: str  # "was edited by hand", "has no bmtools-hash", "appears more than once…"


@dataclass(slots=True)
class RegionResult:
    """What :func:`update_page_regions` produced."""

    text: str  # the new page text (equal to the input when nothing changed)
    changed_ids: list[str] = field(default_factory=list)  # regions rewritten
    conflicts: list[Conflict] = field(default_factory=list)  # regions left alone
    missing_ids: list[str] = field(default_factory=list)  # requested ids not on the page
    unknown_ids: list[str] = field(default_factory=list)  # regions on the page not requested

    @property
    def changed(self) -> bool:
        return bool(self.changed_ids)


def region_hash(normalised_text: str) -> str:
    """The short SHA-256 of a region's normalised text."""
    return hashlib.sha256(normalised_text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        out.append((pos, raw))
        pos += len(raw) + 1
    if len(out) > 1 and out[-1][1] == "":
        out.pop()
    return out


def _dedent(line: str, base: str) -> str:
    if line.startswith(base):
        return line[len(base) :]
    n = 0
    while n < len(base) and n < len(line) and line[n] in " \t":
        n += 1
    return line[n:]


def _parse(text: str) -> Page:
    from bmtools.syntax.outline import parse_outline

    page = Page(name="region", title="region", file=None, source=text)
    parse_outline(page, Config(), [], None)  # structure and properties only: no journal targets
    return page


def _split_region(
    lines: list[str], depths: list[tuple[int, bool]], head_lines: int
) -> tuple[list[str], list[str], list[str]]:
    """(canonical lines, kept head lines, body lines) of dedented region lines.

    A canonical line is the line without surrounding whitespace, prefixed by one tab per
    nesting level below the head block, plus two spaces when it continues a block: so the hash
    does not depend on the page's indentation (Logseq may re-indent a file it re-saves).
    """
    norm: list[str] = []
    kept: list[str] = []
    body: list[str] = []
    for i, line in enumerate(lines):
        in_head = 0 < i < head_lines
        if in_head and _MARKER_LINE.match(line):
            continue
        if in_head and _KEPT_LINE.match(line):
            kept.append(line.rstrip())
            continue
        depth, bullet = depths[i]
        stripped = line.strip()
        norm.append("\t" * depth + ("" if bullet else "  ") + stripped if stripped else "")
        body.append(line.rstrip("\r"))
    return norm, kept, body


def find_regions(text: str) -> list[Region]:
    """Every managed region of a page's text, in order (regions inside regions are not separate)."""
    page = _parse(text)
    table = _lines_with_offsets(text)
    regions: list[Region] = []
    skip_until = -1
    for block in page.blocks:
        if block.pre_block or block.index <= skip_until:
            continue
        prop = block.properties.get(MANAGED_KEY)
        if prop is None:
            continue
        descendants = page.descendants(block)
        last = max([block] + descendants, key=lambda b: b.index)
        skip_until = last.index
        first_line = block.line - 1
        last_line = last.end_line - 1
        while last_line > first_line and not table[last_line][1].strip():
            last_line -= 1
        raw_lines = [table[k][1] for k in range(first_line, last_line + 1)]
        m = _BULLET.match(raw_lines[0].rstrip("\r"))
        base = m.group(1) if m else ""
        head_end = (descendants[0].line - 1 if descendants else last_line + 1) - first_line
        dedented = [_dedent(line, base) for line in raw_lines]
        starts = {b.line - 1: b.level - block.level for b in [block, *descendants]}
        depths: list[tuple[int, bool]] = []
        depth = 0
        for k in range(first_line, last_line + 1):
            depth = starts.get(k, depth)
            depths.append((depth, k in starts))
        norm, kept, body = _split_region(dedented, depths, head_end)
        hprop = block.properties.get(HASH_KEY)
        stored = hprop.raw.strip() if hprop is not None and hprop.raw.strip() else None
        start = table[first_line][0]
        end_raw = table[last_line][1]
        end = table[last_line][0] + len(end_raw) - (1 if end_raw.endswith("\r") else 0)
        regions.append(
            Region(
                id=prop.raw.strip(),
                line=first_line + 1,
                end_line=last_line + 1,
                start=start,
                end=end,
                base_indent=base,
                stored_hash=stored,
                text="\n".join(norm),
                kept_lines=tuple(kept),
                body="\n".join(body),
            )
        )
    return regions


def detect_indent(text: str) -> str:
    """The page's nesting unit: a tab, or the smallest space indentation of a nested bullet."""
    widths = []
    for raw in text.split("\n"):
        m = _BULLET.match(raw)
        if not m or not m.group(1):
            continue
        lead = m.group(1)
        if "\t" in lead:
            return "\t"
        widths.append(len(lead))
    return " " * min(widths) if widths else "\t"


def reindent(body: str, from_unit: str, to_unit: str) -> str:
    """Re-express leading nesting units of every line (``from_unit`` → ``to_unit``)."""
    if from_unit == to_unit:
        return body
    out = []
    for line in body.split("\n"):
        n = 0
        while line.startswith(from_unit, n * len(from_unit)):
            n += 1
        out.append(to_unit * n + line[n * len(from_unit) :])
    return "\n".join(out)


def _check_body(region_id: str, body: str) -> list[str]:
    if not _REGION_ID.fullmatch(region_id):
        raise RegionError(f"region id {region_id!r}: use letters, digits, '-', '_', '.', '/'")
    lines = body.replace("\r\n", "\n").strip("\n").split("\n")
    if not lines or not re.match(r"-(?:[ \t]|$)", lines[0]):
        raise RegionError(f"region {region_id!r}: the body must start with a bullet at column 0")
    for line in lines[1:]:
        if re.match(r"-(?:[ \t]|$)", line):
            raise RegionError(f"region {region_id!r}: one head block only (found {line!r})")
    return lines


def render_region(
    region_id: str,
    body: str,
    indent: str = "\t",
    base_indent: str = "",
    newline: str = "\n",
    kept_lines: Iterable[str] = (),
) -> str:
    """The text of one sealed region: ``body`` with the two markers and its hash.

    ``body`` is tab-nested outline text at column 0 (one head block and its descendants); it is
    re-indented to ``indent`` and shifted by ``base_indent``. No trailing newline.
    """
    lines = reindent("\n".join(_check_body(region_id, body)), "\t", indent).split("\n")
    lines = [line.rstrip() for line in lines]

    def build(digest: str) -> str:
        markers = [f"  {MANAGED_KEY}:: {region_id}", f"  {HASH_KEY}:: {digest}"]
        out = [lines[0], *markers, *kept_lines, *lines[1:]]
        return newline.join(base_indent + line if line else line for line in out)

    provisional = find_regions(build("0"))
    if len(provisional) != 1:
        raise RegionError(f"region {region_id!r}: the body must be one block and its children")
    return build(region_hash(provisional[0].text))


def update_page_regions(
    page_text: str,
    regions: Mapping[str, str],
    indent: str | None = None,
    *,
    force: bool = False,
    append_missing: bool = False,
) -> RegionResult:
    """Rewrite the managed regions of ``page_text`` whose ids appear in ``regions``.

    ``regions`` maps region id to its new body (tab-nested outline text at column 0, see the
    module docstring). ``indent`` is the page's nesting unit (detected when None). A region whose
    text no longer matches its ``bmtools-hash`` is left alone and reported in ``conflicts``
    unless ``force``; an id found twice is always a conflict. Ids not on the page are listed in
    ``missing_ids`` and, with ``append_missing``, appended at the end of the page. Text outside
    the rewritten regions is kept byte for byte.
    """
    if indent is None:
        indent = detect_indent(page_text)
    newline = "\r\n" if "\r\n" in page_text else "\n"
    found = find_regions(page_text)
    result = RegionResult(text=page_text)
    counts: dict[str, int] = {}
    for region in found:
        counts[region.id] = counts.get(region.id, 0) + 1
    pieces: list[str] = []
    pos = 0
    for region in found:
        if region.id not in regions:
            if region.id not in result.unknown_ids:
                result.unknown_ids.append(region.id)
            continue
        if counts[region.id] > 1:
            result.conflicts.append(
                Conflict(region.id, region.line, "appears more than once on the page")
            )
            continue
        new = render_region(
            region.id, regions[region.id], indent, region.base_indent, newline, region.kept_lines
        )
        old = page_text[region.start : region.end]
        if old == new:
            continue
        if region.edited and not force:
            wanted = find_regions(new)[0].text
            if region.text != wanted:
                why = "has no bmtools-hash" if region.stored_hash is None else "was edited by hand"
                result.conflicts.append(Conflict(region.id, region.line, why))
                continue
        pieces.append(page_text[pos : region.start])
        pieces.append(new)
        pos = region.end
        result.changed_ids.append(region.id)
    pieces.append(page_text[pos:])
    text = "".join(pieces)
    present = {r.id for r in found}
    for region_id in regions:
        if region_id in present:
            continue
        result.missing_ids.append(region_id)
        if append_missing:
            if text and not text.endswith("\n"):
                text += newline
            text += render_region(region_id, regions[region_id], indent, "", newline) + newline
            result.changed_ids.append(region_id)
    result.text = text
    return result


def new_page_with_regions(
    properties: Mapping[str, str] | None,
    parts: Iterable[str | tuple[str, str]],
    indent: str = "\t",
) -> str:
    """The text of a new page: page properties, then blocks and regions in order.

    ``parts`` holds plain outline text (tab-nested, written as given) or ``(region_id, body)``
    pairs (sealed with :func:`render_region`). Property values are written as given: escape
    untrusted values first (``bmtools.render.escape.escape_logseq``).
    """
    out: list[str] = []
    if properties:
        out.extend(f"{key}:: {value}".rstrip() for key, value in properties.items())
        out.append("")
    for part in parts:
        if isinstance(part, tuple):
            out.append(render_region(part[0], part[1], indent))
        else:
            out.append(reindent(part.strip("\n"), "\t", indent))
    return "\n".join(out).rstrip("\n") + "\n"


def extract_regions(text: str) -> dict[str, str]:
    """Region id → body (tab-nested, markers removed) of every region in ``text``."""
    unit = detect_indent(text)
    return {r.id: reindent(r.body, unit, "\t") for r in find_regions(text)}


def seal_regions(text: str) -> str:
    """Fill in (or correct) the ``bmtools-hash`` of every region, e.g. of fresh template output."""
    result = update_page_regions(text, extract_regions(text), force=True)
    return result.text
