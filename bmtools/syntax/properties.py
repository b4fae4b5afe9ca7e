"""Property lines and typed values (§3)."""

from __future__ import annotations

import re
from functools import lru_cache

from bmtools.model import NAMESPACE, PAGE_EMBED, PAGE_REF, PROPERTY, TAG, Property, Ref
from bmtools.names import namespace_parents, page_name
from bmtools.syntax.inline import JournalRefs, RefSink, emphasis_spans, scan_line

# Values end at their last non-blank character, found greedily: a lazy ``(.*?)[ \t]*$`` tried
# the trailing blanks from every character (20,000 spaces in a value: 6 s).
PROPERTY_LINE = re.compile(r"([ \t]*)([^\s:]+)::(?:[ \t]*$|[ \t]+((?:.*[^ \t\n])?)[ \t]*$)")
_INVALID_KEY = re.compile(r'["|^(){},\[]')
_INT = re.compile(r"\d+")
_COMMA = re.compile(r"[,，]")

EDITABLE_KEYS = frozenset(
    "title icon template template-including-parent public filters exclude-from-graph-view "
    "alias aliases tags macro filetags logseq.color".split()
)
HIDDEN_KEYS = frozenset(
    "id custom-id heading collapsed background-color created-at updated-at last-modified-at "
    "query-table query-properties query-sort-by query-sort-desc ls-type hl-type hl-page hl-stamp "
    "hl-color logseq.macro-name logseq.macro-arguments logseq.order-list-type todo doing now "
    "later done".split()
)
# Built-in keys whose values Logseq keeps as raw strings: its built-in keys but alias, aliases,
# tags and those it types (query-table, hl-page, heading, collapsed, public … are read as
# booleans and integers like any value). Exactly these: a user's query-x or hl-x is parsed.
_UNPARSED = frozenset(
    "id custom-id background-color query-properties query-sort-by ls-type hl-type hl-color "
    "logseq.macro-name logseq.macro-arguments logseq.order-list-type logseq.tldraw.page "
    "logseq.tldraw.shape title icon template filters macro filetags logseq.color "
    "logseq.table.version logseq.table.compact logseq.table.headers logseq.table.hover "
    "logseq.table.borders logseq.table.stripes logseq.table.max-width".split()
)
COMMA_KEYS = frozenset(("alias", "aliases", "tags"))
# The blanks JavaScript's String.trim removes that a value can still hold at an end (the line
# rule took its spaces and tabs): looked for only in a value that is not all ASCII.
_JS_TRIM = (
    "\t\n\v\f\r \xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def normalize_key(raw_key: str) -> str:
    # a space only occurs in a front-matter key ("publication date:"): Logseq dashes it too
    key = raw_key.lower().replace("_", "-").replace(" ", "-")
    return "id" if key == "custom-id" else key


def is_valid_key(key: str) -> bool:
    return not key.startswith("#") and _INVALID_KEY.search(key) is None


def is_builtin_key(key: str) -> bool:
    return (
        key in EDITABLE_KEYS
        or key in HIDDEN_KEYS
        or key.startswith(("logseq.table.", "logseq.tldraw.", "logseq.query/"))
    )


def comma_parts(raw: str) -> list[tuple[int, str]]:
    """(offset, part) of each comma-separated part (ASCII or full-width comma) of plain text.

    A value with refs or other inline elements splits only between them: see
    :func:`comma_values`."""
    out = []
    pos = 0
    for part in _COMMA.split(raw):
        out.append((pos, part))
        pos += len(part) + 1
    return out


def is_unparsed_key(key: str) -> bool:
    """Keys whose values Logseq keeps as raw strings (title, icon, id, query-properties …)."""
    return key in _UNPARSED


def parse_value(
    key: str,
    raw: str,
    line: int,
    col0: int,
    comma_keys: frozenset[str] | set[str] = frozenset(),
    journals: JournalRefs | None = None,
) -> tuple[object, list[Ref]]:
    """Type a property value the way Logseq's graph-parser does; returns (value, refs).
    ``journals``: the graph's journal-ref resolver, or None to keep ref targets as written."""
    return _parse_value(key, raw, line, col0, comma_keys, is_unparsed_key(key), journals)


def _parse_value(
    key: str,
    raw: str,
    line: int,
    col0: int,
    comma_keys: frozenset[str] | set[str],
    unparsed: bool,
    journals: JournalRefs | None,
) -> tuple[object, list[Ref]]:
    if unparsed or (len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"'):
        return raw, []
    split = key in COMMA_KEYS or key in comma_keys
    refs: list[Ref] = []
    if not split:
        if "[" in raw or "#" in raw or "(" in raw or "{" in raw:  # else scan_line finds nothing
            scan_line(raw, line, col0, RefSink(refs, [], key, journals))
            names = _names(refs)
            if names:
                return names, refs
    else:
        values, refs = comma_values(key, raw, line, col0, journals)
        if values and (refs or len(values) > 1 or key in COMMA_KEYS):
            return values, refs
    if raw == "true":
        return True, refs
    if raw == "false":
        return False, refs
    if _INT.fullmatch(raw):
        return int(raw), refs
    return raw, refs


def comma_values(
    key: str, raw: str, line: int, col0: int, journals: JournalRefs | None = None
) -> tuple[list[str], list[Ref]]:
    """Names and refs of a comma-separated value (``tags``, ``alias``, configured keys), as
    Logseq reads one: its refs, and the plain text between its inline elements split at commas.

    So a comma inside ``[[…]]``, code or a link splits nothing (``[[Docker: Up & Running, 3rd
    Edition]]`` is one name), plain words beside a ref stay (``paper [[MOT]]``: paper, MOT), and
    what emphasis, code or math hold is no name. ``journals`` as in :func:`parse_value`.
    """
    refs: list[Ref] = []
    sink = RefSink(refs, [], key, journals)
    sink.spans = elements = []
    scan_line(raw, line, col0, sink)
    named = [(r.col, r.text) for r in refs if r.kind in (PAGE_REF, TAG, PAGE_EMBED)]
    pos = 0
    for a, b in sorted(elements + emphasis_spans(raw)) + [(len(raw), len(raw))]:
        if a > pos:  # plain text from pos to a
            for m in _PART.finditer(raw, pos, a):
                name = m.group().strip()
                if not name:
                    continue
                col = col0 + m.start() + (len(m.group()) - len(m.group().lstrip())) + 1
                target = page_name(name)
                if journals is not None:
                    target = journals.target(target)
                refs.append(Ref(PAGE_REF, target, name, line, col, key))
                if "/" in target:  # alias:: term/x also refs 'term', as a [[term/x]] would
                    for parent in namespace_parents(target):
                        refs.append(Ref(NAMESPACE, parent, parent, line, col, key))
                named.append((col, name))
        pos = max(pos, b)
    refs.sort(key=_col)  # in the order written (a ref's namespace parents stay after it)
    named.sort(key=_first)
    return _dedupe([name for _, name in named]), refs


_PART = re.compile(r"[^,，]+")


def _col(ref: Ref) -> int:
    return ref.col


def _first(item: tuple[int, str]) -> int:
    return item[0]


def _names(refs: list[Ref]) -> list[str]:
    return _dedupe([r.text for r in refs if r.kind in (PAGE_REF, TAG, PAGE_EMBED)])


def _dedupe(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for n in names:
        k = page_name(n)
        if k not in seen:
            seen.add(k)
            out.append(n)
    return out


def make_property(
    raw_key: str,
    raw: str,
    line: int,
    key_col: int,
    value_col0: int,
    comma_keys: frozenset[str] | set[str],
    property_pages: bool,
    excluded: set[str],
    journals: JournalRefs | None,
) -> Property:
    """Build a Property (with its value refs and its key-page ref) from one property line;
    ``journals`` as in :func:`parse_value`."""
    key, unparsed, page_key = _key_facts(raw_key)
    if not raw.isascii() and (raw[0] in _JS_TRIM or raw[-1] in _JS_TRIM):
        kept = raw.lstrip(_JS_TRIM)  # what JavaScript's trim drops: Logseq's value has none
        value_col0 += len(raw) - len(kept)
        raw = kept.rstrip(_JS_TRIM)
    value, refs = _parse_value(key, raw, line, value_col0, comma_keys, unparsed, journals)
    prop = Property(key, raw_key, raw, value, line, value_col0 + 1, refs)
    if property_pages and page_key and key not in excluded:
        prop.refs.append(Ref(PROPERTY, key, raw_key, line, key_col, key))
    return prop


@lru_cache(maxsize=4096)
def _key_facts(raw_key: str) -> tuple[str, bool, bool]:
    """(normalised key, value kept raw, key names a property page) of a key as written."""
    key = normalize_key(raw_key)
    return key, is_unparsed_key(key), not is_builtin_key(key) and is_valid_key(key)
