"""The outline: a single-pass line scanner that cuts a page into blocks (§1, §2, §3, §6).

The scanner never copies the page: every block records its character span in the source, so
an unchanged page reassembles to its exact text.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from itertools import accumulate

from bmtools.model import (
    EMPTY,
    EMPTY_MAP,
    PAGE_REF,
    Block,
    Config,
    Diagnostic,
    Page,
    Property,
    Ref,
    Timestamp,
)
from bmtools.syntax.inline import UUID_RE, RefSink, scan_line
from bmtools.syntax.properties import PROPERTY_LINE, is_valid_key, make_property

_BULLET = re.compile(r"([ \t]*)-(?:[ \t]+|$)")
_HEADING_MARKS = re.compile(r"(#{1,6})(?:[ \t]+|$)")
_HEADING = re.compile(r"[ \t]*(#{1,6})(?:[ \t]+|$)")
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
_BEGIN = re.compile(r"[ \t]*#\+BEGIN_(\w+)", re.IGNORECASE)
_DIRECTIVE = re.compile(r"#\+([A-Za-z][\w-]*):[ \t]*(.*?)[ \t]*$")
_MARKER = re.compile(
    r"(TODO|DOING|WAITING|WAIT|DONE|CANCELED|CANCELLED|STARTED|IN-PROGRESS|NOW|LATER) "
)
_PRIORITY = re.compile(r"\[#([^\s\]])\](?= |$)")
_PLANNING = re.compile(
    r"[ \t]*(SCHEDULED|DEADLINE):[ \t]*<(\d{4})-(\d{1,2})-(\d{1,2}) [A-Za-z]{2,3}"
    r"(?: (\d{1,2}:\d{2}(?:-\d{1,2}:\d{2})?))?(?: ((?:\+\+|\.\+|\+)\d+[hdwmy]))?>[ \t]*$",
    re.IGNORECASE,
)
_ORG_DRAWER_START = re.compile(r"[ \t]*:PROPERTIES:[ \t]*$", re.IGNORECASE)
_ORG_DRAWER_END = re.compile(r"[ \t]*:END:[ \t]*$", re.IGNORECASE)
_ORG_PROPERTY = re.compile(r"[ \t]*:([^\s:]+):[ \t]*(.*?)[ \t]*$")
_FRONT_MATTER_LINE = re.compile(r"([^\s:][^:]*):[ \t]*(.*?)[ \t]*$")
_OPAQUE = 1  # a line inside a code fence or #+BEGIN … #+END
_valid_key = lru_cache(maxsize=4096)(is_valid_key)  # a few dozen keys, 50k property lines


class _Settings:
    __slots__ = ("comma_keys", "property_pages", "excluded")

    def __init__(self, config: Config) -> None:
        self.comma_keys = frozenset(config.separated_by_commas)
        self.property_pages = config.property_pages_enabled
        self.excluded = config.property_pages_excludelist


def parse_outline(page: Page, config: Config, diagnostics: list[Diagnostic]) -> None:
    """Fill ``page.blocks`` and the page-level properties from ``page.source``."""
    src = page.source
    settings = _Settings(config)
    # Line table. Only "\n" ends a line (CRLF reads as LF). Line k starts at offset
    # cum[k] + k (the lengths of the lines before it plus their newlines).
    raw_lines = src.split("\n") if src else []
    if raw_lines and raw_lines[-1] == "" and len(raw_lines) > 1:
        raw_lines.pop()  # the empty remainder after a final newline is no line
    cum = list(accumulate(map(len, raw_lines), initial=0))
    n = len(raw_lines)
    crlf = "\r" in src
    lines = [t[:-1] if t.endswith("\r") else t for t in raw_lines] if crlf else raw_lines

    blocks: list[Block] = []
    # Per block: list of (line index, text, column where content starts, opaque flag)
    block_lines: list[list[tuple[int, str, int, int]]] = []
    stack: list[tuple[int, int]] = []
    fence: str | None = None
    begin: str | None = None
    directives: list[tuple[int, str, str]] = []
    current: Block | None = None
    cur_lines: list[tuple[int, str, int, int]] = []

    def open_pre_block(k: int) -> None:
        nonlocal current, cur_lines
        start = cum[k] + k
        current = Block(
            0, k + 1, k + 1, start, start, -1, 0, None, EMPTY, "", "", EMPTY, None, None,
            None, EMPTY_MAP, EMPTY, EMPTY, [], EMPTY, None, None, None, False, True,
        )  # fmt: skip
        blocks.append(current)
        cur_lines = []
        block_lines.append(cur_lines)

    # YAML-style front matter is read as one unit: its lines are never bullets.
    front_matter_end = -1
    if n and raw_lines[0].rstrip("\r") == "---":
        front_matter_end = next((k for k in range(1, n) if raw_lines[k].rstrip("\r") == "---"), -1)

    bullet = _BULLET.match
    for k, text in enumerate(lines):
        if k <= front_matter_end:
            if current is None:
                open_pre_block(k)
            cur_lines.append((k, text, 0, 0))
            continue
        if fence is not None:
            if current is None:
                open_pre_block(k)
            cur_lines.append((k, text, 0, _OPAQUE))
            stripped = text.strip()
            if stripped.startswith(fence[0] * len(fence)) and stripped.strip(fence[0]) == "":
                fence = None
            continue
        if begin is not None:
            cur_lines.append((k, text, 0, _OPAQUE))
            if text.strip().upper().startswith("#+END_" + begin):
                begin = None
            continue
        m = bullet(text)
        if m:
            content_col = m.end()
            indent = m.end(1)
            parent = None
            eff = indent
            while stack:
                top_indent, top_idx = stack[-1]
                if indent > top_indent:
                    parent = top_idx
                    break
                stack.pop()
                if indent == top_indent:
                    parent = stack[-1][1] if stack else None
                    break
                if not stack or indent > stack[-1][0]:
                    eff = top_indent
                    parent = stack[-1][1] if stack else None
                    break
            idx = len(blocks)
            start = cum[k] + k
            if parent is None:
                level = 1
            else:
                up = blocks[parent]
                level = up.level + 1
                siblings = up.children
                if siblings:
                    siblings.append(idx)
                else:
                    up.children = [idx]
            current = Block(
                idx, k + 1, k + 1, start, start, indent, level, parent, EMPTY, "", "", EMPTY,
                None, None, None, EMPTY_MAP, EMPTY, EMPTY, [], EMPTY, None, None, None, False,
                False,
            )  # fmt: skip
            blocks.append(current)
            cur_lines = [(k, text, content_col, 0)]
            block_lines.append(cur_lines)
            stack.append((eff, idx))
            lead = text[content_col : content_col + 1]
        else:
            stripped = text.lstrip(" \t")
            first = stripped[:1]
            content_col = 0
            h = _HEADING.match(text) if first == "#" else None
            if h:
                idx = len(blocks)
                start = cum[k] + k
                current = Block(
                    idx, k + 1, k + 1, start, start, 0, 1, None, EMPTY, "", "", EMPTY,
                    None, None, None, EMPTY_MAP, EMPTY, EMPTY, [], EMPTY, None, None, None,
                    False, False,
                )  # fmt: skip
                blocks.append(current)
                cur_lines = []
                block_lines.append(cur_lines)
                stack[:] = [(0, idx)]
                content_col = len(text) - len(stripped)
            elif current is None:
                open_pre_block(k)
            else:
                indent = current.indent
                content_col = min(len(text) - len(stripped), indent + 2 if indent > 0 else 2)
            if first == "#" and text.startswith("#+"):
                d = _DIRECTIVE.match(text)
                if d and not d.group(1).upper().startswith(("BEGIN_", "END_")):
                    directives.append((k, d.group(1), d.group(2)))
            cur_lines.append((k, text, content_col, 0))
            if content_col:
                lead = text[content_col:].lstrip(" \t")[:1]
            else:
                lead = first
        if lead == "`" or lead == "~":
            body = text[content_col:]
            f = _FENCE.match(body)
            if f:
                rest = body[f.end() :]
                if f.group(1)[0] != "`" or "`" not in rest:
                    fence = f.group(1)
        elif lead == "#":
            b = _BEGIN.match(text[content_col:])
            if b:
                begin = b.group(1).upper()

    if fence is not None and blocks:
        last = block_lines[-1]
        diagnostics.append(
            Diagnostic(
                "BM005",
                "code fence is never closed; the rest of the page is code",
                page.file,
                last[0][0] + 1,
                1,
                "warning",
                "unclosed-code-fence",
            )
        )

    # Spans: each block runs from its first line to the next block's first line.
    page.blocks = blocks
    seen_uuids: dict[str, int] = {}
    last = len(blocks) - 1
    sink: RefSink | None = None
    for i, block in enumerate(blocks):
        block.end = blocks[i + 1].start if i < last else len(src)
        blines = block_lines[i]
        if len(blines) == 1 and not block.pre_block:
            # The common one-line block: no heading, marker, priority or property is only
            # text and refs (the same result as _fill_block, without its bookkeeping).
            text = blines[0][1]
            col = blines[0][2]
            rest = text[col:]
            if not (rest[:1] == "#" or rest[:2].isupper() or rest[:2] == "[#" or "::" in rest):
                block.title = block.content = rest
                if "[" in rest or "#" in rest or "(" in rest or "{" in rest:
                    if sink is None:
                        sink = RefSink(block.refs, [])  # one for the page's one-line blocks
                    else:
                        sink.refs = block.refs
                    scan_line(rest, block.line, col, sink)
                    if sink.macros:
                        block.macros = sink.macros
                        sink.macros = []
                continue
        if blines:
            block.end_line = blines[-1][0] + 1
        if block.pre_block:
            _fill_pre_block(page, block, blines, settings, diagnostics)
        else:
            _fill_block(page, block, blines, settings, diagnostics)
        if block.uuid:
            first = seen_uuids.get(block.uuid)
            if first is None:
                seen_uuids[block.uuid] = block.line
            else:
                diagnostics.append(
                    Diagnostic(
                        "BM010",
                        f"duplicate block id {block.uuid} (first at line {first}); "
                        "Logseq drops it from this block",
                        page.file,
                        block.line,
                        1,
                        "warning",
                        "duplicate-block-id",
                    )
                )
                block.uuid = None
    for k, raw_key, value in directives:
        prop = make_property(
            raw_key,
            value,
            k + 1,
            3,
            len(raw_key) + 3,
            settings.comma_keys,
            settings.property_pages,
            settings.excluded,
        )
        _set_page_property(page, prop, source="directive")


def _yaml_keys(text: str) -> list[str]:
    """The keys an author meant in a front matter Logseq drops, read as YAML (safely)."""
    import frontmatter  # only for this rare case; its YAML handler uses yaml.SafeLoader

    try:
        metadata = frontmatter.loads(text + "\n").metadata
    except Exception:  # any YAML error: there is nothing more to say than Logseq's drop
        return []
    return [str(k) for k in metadata]


def _set_page_property(page: Page, prop: Property, source: str) -> None:
    if not is_valid_key(prop.key):
        page.invalid_properties.append(prop)
        return
    if prop.key == "title":
        if source == "directive" and page.title_source == "file":
            page.title_source = "directive"
            page.title = str(prop.value)
        elif source in ("front-matter", "title-property"):
            page.title_source = source
            page.title = str(prop.value)
    page.properties[prop.key] = prop


def _fill_pre_block(page: Page, block: Block, blines, settings: _Settings, diagnostics) -> None:
    block.content = "\n".join(t for _, t, _, _ in blines)
    i = 0
    count = len(blines)
    first_node = True
    # YAML-style front matter: every line must be "key: value", or Logseq drops all of it.
    if count and blines[0][1].strip() == "---":
        end = next((j for j in range(1, count) if blines[j][1].strip() == "---"), None)
        if end is not None:
            page.front_matter = True
            entries = []
            ok = True
            for k, text, _, _ in blines[1:end]:
                if not text.strip():
                    continue
                m = _FRONT_MATTER_LINE.fullmatch(text)
                if not m:
                    ok = False
                    break
                entries.append((k, m))
            if ok:
                for k, m in entries:
                    prop = make_property(
                        m.group(1),
                        m.group(2),
                        k + 1,
                        1,
                        m.start(2),
                        settings.comma_keys,
                        settings.property_pages,
                        settings.excluded,
                    )
                    _set_page_property(page, prop, "front-matter")
                    block.refs.extend(prop.refs)
            else:
                lost = _yaml_keys("\n".join(t for _, t, _, _ in blines[: end + 1]))
                diagnostics.append(
                    Diagnostic(
                        "BM020",
                        "front matter has a line that is not 'key: value'; Logseq drops "
                        "the whole front matter" + (f" (lost: {', '.join(lost)})" if lost else ""),
                        page.file,
                        blines[0][0] + 1,
                        1,
                        "warning",
                        "front-matter-dropped",
                    )
                )
            i = end + 1
            first_node = False
    while i < count and not blines[i][1].strip():
        i += 1
        first_node = False
    org = i < count and _ORG_DRAWER_START.match(blines[i][1])
    if org:
        i += 1
    while i < count:
        k, text, _, opaque = blines[i]
        if opaque:
            break
        if org:
            if _ORG_DRAWER_END.match(text):
                i += 1
                break
            m = _ORG_PROPERTY.match(text)
            if not m:
                break
            raw_key, raw_value, key_col, value_col0 = m.group(1), m.group(2), m.start(1), m.start(2)
        else:
            m = PROPERTY_LINE.fullmatch(text)
            if not m:
                break
            raw_key, raw_value = m.group(2), m.group(3) or ""
            key_col = m.start(2) + 1
            value_col0 = m.start(3) if m.group(3) is not None else len(text)
        prop = make_property(
            raw_key,
            raw_value,
            k + 1,
            key_col,
            value_col0,
            settings.comma_keys,
            settings.property_pages,
            settings.excluded,
        )
        if prop.key == "title" and not first_node:
            page.properties.setdefault("title", prop)
            diagnostics.append(
                Diagnostic(
                    "BM021",
                    "title:: is ignored: page properties are not the file's first lines",
                    page.file,
                    k + 1,
                    1,
                    "warning",
                    "title-ignored",
                )
            )
        else:
            _set_page_property(page, prop, "title-property")
        block.refs.extend(prop.refs)
        i += 1
    macros: list = []
    sink = RefSink(block.refs, macros)
    for k, text, _, opaque in blines[i:]:
        if not opaque and not _DIRECTIVE.match(text):
            scan_line(text, k + 1, 0, sink)
    if macros:
        block.macros = macros
    block.properties = page.properties


def _fill_block(page: Page, block: Block, blines, settings: _Settings, diagnostics) -> None:
    k0, text0, col0, _ = blines[0]
    first = text0[col0:]
    refs = block.refs
    macros: list = []
    body_lines: list = []
    props: dict = {}
    block.properties = props
    sink = RefSink(refs, macros)
    content_lines = [first]
    # Title line: heading marks, marker, priority.
    title_col = col0
    rest = first
    h = _HEADING_MARKS.match(rest) if rest[:1] == "#" else None
    if h:
        block.heading = len(h.group(1))
        rest = rest[h.end() :]
        title_col += h.end()
    m = _MARKER.match(rest) if rest[:2].isupper() else None  # every marker: 3+ capitals
    if m:
        block.marker = m.group(1)
        refs.append(Ref(PAGE_REF, m.group(1).lower(), m.group(1), k0 + 1, title_col + 1))
        rest = rest[m.end() :]
        title_col += m.end()
    p = _PRIORITY.match(rest) if rest[:2] == "[#" else None
    if p:
        block.priority = p.group(1)
        refs.append(Ref(PAGE_REF, p.group(1).lower(), p.group(1), k0 + 1, title_col + 2))
        after = rest[p.end() :]
        rest = after.lstrip(" ")
        title_col += p.end() + len(after) - len(rest)
    start_body = 1
    drawer = "none"  # none → open → closed
    if "::" in rest and PROPERTY_LINE.fullmatch(rest) and rest.strip():
        block.title = ""
        start_body = 0
    else:
        block.title = rest
        scan_line(rest, k0 + 1, title_col, sink)
    head = True
    org_drawer = False
    for idx in range(start_body, len(blines)):
        k, text, col, opaque = blines[idx]
        body = text[col:] if idx else rest
        if idx:
            content_lines.append(body)
        if opaque:
            head = False
            if drawer == "open":
                drawer = "closed"
            continue
        body_lines.append((k + 1, body))
        if head:
            pl = _PLANNING.match(body) if "<" in body else None
            if pl:
                _set_planning(block, pl, k + 1)
                continue
            if org_drawer:
                if _ORG_DRAWER_END.match(body):
                    org_drawer = False
                    drawer = "closed"
                    continue
                om = _ORG_PROPERTY.match(body)
                if om:
                    prop = make_property(
                        om.group(1),
                        om.group(2),
                        k + 1,
                        col + om.start(1) + 1,
                        col + om.start(2),
                        settings.comma_keys,
                        settings.property_pages,
                        settings.excluded,
                    )
                    _add_block_property(page, block, prop)
                    continue
            if (
                drawer == "none"
                and body.lstrip(" \t")[:1] == ":"  # what the drawer regex needs first
                and _ORG_DRAWER_START.match(body)
            ):
                org_drawer = True
                drawer = "open"
                continue
        pm = PROPERTY_LINE.fullmatch(body) if "::" in body else None
        if pm:
            value = pm.group(3) or ""
            value_col0 = col + (pm.start(3) if pm.group(3) is not None else len(body))
            prop = make_property(
                pm.group(2),
                value,
                k + 1,
                col + pm.start(2) + 1,
                value_col0,
                settings.comma_keys,
                settings.property_pages,
                settings.excluded,
            )
            if head and drawer != "closed":
                drawer = "open"
                _add_block_property(page, block, prop)
                continue
            _append(block, "ignored_properties", prop)
            scan_line(body, k + 1, col, sink)
            continue
        head = False
        if drawer == "open":
            drawer = "closed"
        scan_line(body, k + 1, col, sink)
    block.content = "\n".join(content_lines)
    collapsed = props.pop("collapsed", None)
    if collapsed is not None:
        block.collapsed = collapsed.value is True
    if macros:
        block.macros = macros
    if body_lines:
        block.body_lines = body_lines
    if not props:
        block.properties = EMPTY_MAP


def _append(block: Block, attr: str, value) -> None:
    current = getattr(block, attr)
    if current:
        current.append(value)
    else:
        setattr(block, attr, [value])


def _add_block_property(page: Page, block: Block, prop: Property) -> None:
    if not _valid_key(prop.key):
        _append(block, "invalid_properties", prop)
        return
    if prop.key == "id":
        value = prop.raw.strip()
        if UUID_RE.fullmatch(value):
            block.uuid = value.lower()
    block.properties[prop.key] = prop
    block.refs.extend(prop.refs)


def _set_planning(block: Block, m: re.Match[str], line: int) -> None:
    try:
        day = dt.date(int(m.group(2)), int(m.group(3)), int(m.group(4)))
    except ValueError:
        return
    ts = Timestamp(day, m.group(5), m.group(6), line)
    if m.group(1).upper() == "SCHEDULED":
        block.scheduled = ts
    else:
        block.deadline = ts


__all__ = ["parse_outline"]
