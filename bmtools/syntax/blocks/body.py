"""What the lines of one block mean: its title line, its property drawer, planning lines, refs.

The structural rules (bmtools.syntax.blocks.markdown) decide which block a line belongs to;
the functions here read that line into the block. Inside a block, a second, shorter rule list
applies to each continuation line (planning, Org drawer, property, text), dispatched on the
line's first character like the structural rules.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from bmtools.codes import finding
from bmtools.model import PAGE_REF, Block, Page, Property, Ref, Timestamp
from bmtools.syntax.blocks.ruler import LineRule, Ruler
from bmtools.syntax.blocks.state import (
    DRAWER_CLOSED,
    DRAWER_NONE,
    DRAWER_OPEN,
    PRE_DRAWER,
    PRE_ORG_DRAWER,
    PRE_REST,
    PRE_START,
    PRE_TEXT,
    OutlineState,
)
from bmtools.syntax.inline import UUID_RE, scan_line
from bmtools.syntax.properties import PROPERTY_LINE, is_valid_key, make_property

HEADING_MARKS = re.compile(r"(#+)(?:[ \t]+|$)")  # ####### x is heading 7 for mldoc
_MARKER = re.compile(
    r"(TODO|DOING|WAITING|WAIT|DONE|CANCELED|CANCELLED|STARTED|IN-PROGRESS|NOW|LATER) "
)
_PRIORITY = re.compile(r"\[#([^\s\]])\](?= |$)")
_PLANNING = re.compile(
    r"[ \t]*(SCHEDULED|DEADLINE):[ \t]*<(\d{4})-(\d{1,2})-(\d{1,2}) [A-Za-z]{2,3}"
    r"(?: (\d{1,2}:\d{2}(?:-\d{1,2}:\d{2})?))?(?: ((?:\+\+|\.\+|\+)\d+[hdwmy]))?>[ \t]*$",
    re.IGNORECASE,
)
ORG_DRAWER_START = re.compile(r"[ \t]*:PROPERTIES:[ \t]*$", re.IGNORECASE)
ORG_DRAWER_END = re.compile(r"[ \t]*:END:[ \t]*$", re.IGNORECASE)
# Values end at their last non-blank character, found greedily (linear; see PROPERTY_LINE).
ORG_PROPERTY = re.compile(r"[ \t]*:([^\s:]+):[ \t]*((?:.*[^ \t\n])?)[ \t]*$")
DIRECTIVE = re.compile(r"#\+([A-Za-z][\w-]*):[ \t]*((?:.*[^ \t\n])?)[ \t]*$")
_valid_key = lru_cache(maxsize=4096)(is_valid_key)  # a few dozen keys, 50k property lines


# -- the title line ------------------------------------------------------------------------


def title_line(
    s: OutlineState, block: Block, k: int, first: str, col: int, scan: bool = True
) -> None:
    """Read a block's first line ``first`` (starting at column ``col``): heading marks, task
    marker, priority, then the title, or a property when the whole line is one. ``scan``
    False: the line opens a code fence or a ``#+BEGIN`` block, its text is no refs."""
    block.content = first
    rest = first
    title_col = col
    if rest[:1] == "#":
        h = HEADING_MARKS.match(rest)
        if h:
            block.heading = len(h.group(1))
            rest = rest[h.end() :]
            title_col += h.end()
    if rest[:2].isupper():  # every marker starts with two capitals
        m = _MARKER.match(rest)
        if m:
            block.marker = m.group(1)
            block.refs.append(Ref(PAGE_REF, m.group(1).lower(), m.group(1), k + 1, title_col + 1))
            rest = rest[m.end() :]
            title_col += m.end()
    if rest[:2] == "[#":
        p = _PRIORITY.match(rest)
        if p:
            block.priority = p.group(1)
            block.refs.append(Ref(PAGE_REF, p.group(1).lower(), p.group(1), k + 1, title_col + 2))
            after = rest[p.end() :]
            rest = after.lstrip(" ")
            title_col += p.end() + len(after) - len(rest)
    if not scan:
        block.title = rest
        s.head = False
        s.dirty = True
        return
    if "::" in rest and s.colon_properties and PROPERTY_LINE.fullmatch(rest) and rest.strip():
        # "- key:: value": the title line is the first line of the drawer.
        body(s, k, rest, col, rest.lstrip(" \t")[:1])
        return
    block.title = rest
    if "[" in rest or "#" in rest or "(" in rest or "{" in rest:  # else there is no ref
        scan_line(rest, k + 1, title_col, s.sink)


# -- continuation lines of a block ---------------------------------------------------------


def continuation(s: OutlineState, k: int, text: str) -> None:
    """A line of the current block that is not its first: it loses the block's indentation
    (or all its own, when it has less), then the body rules read it."""
    stripped = text.lstrip(" \t")
    col = len(text) - len(stripped)
    if col > s.col:
        col = s.col
    line = text[col:] if col else text
    content = s.content
    if content is None:
        s.content = [s.block.content, line]  # type: ignore[union-attr]
    else:
        content.append(line)
    s.last = k
    s.dirty = True
    body_lines = s.body_lines
    if body_lines is None:
        s.body_lines = [(k + 1, line)]
    else:
        body_lines.append((k + 1, line))
    c = stripped[:1]
    quoted = s.quoted
    s.quoted = c == ">"  # a '>' quote line: the next line continues the quote
    for rule in s.body_by_char.get(c, s.body_default):
        if rule(s, k, line, col, quoted):
            return


def body(s: OutlineState, k: int, line: str, col: int, c: str) -> None:
    """Run the body rules on one line of a block that is already in its content (the title
    line, when it is a property); ``c``: the line's first non-blank character."""
    s.dirty = True
    body_lines = s.body_lines
    if body_lines is None:
        s.body_lines = [(k + 1, line)]
    else:
        body_lines.append((k + 1, line))
    quoted = s.quoted
    s.quoted = c == ">"
    for rule in s.body_by_char.get(c, s.body_default):
        if rule(s, k, line, col, quoted):
            return


def opaque_line(s: OutlineState, k: int, text: str) -> None:
    """A line of a code fence or of a ``#+BEGIN`` block (its first and last lines too):
    content only, losing the block's indentation like any continuation line."""
    opaque_lines(s, k, k)


def opaque_lines(s: OutlineState, k: int, last: int) -> None:
    """Lines ``k`` through ``last`` of a code fence or a ``#+BEGIN`` block: content only."""
    s.last = last
    s.dirty = True
    block = s.block
    if block is None:
        block = s.open_pre_block(k)
    lines = s.lines
    content = s.content
    if block.pre_block:
        content.extend(lines[k : last + 1])  # type: ignore[union-attr]
        s.first_node = False
        s.pre_phase = PRE_TEXT if s.pre_phase in (PRE_START, PRE_TEXT) else PRE_REST
        return
    if content is None:
        content = s.content = [block.content]
    width = s.col
    for j in range(k, last + 1):
        text = lines[j]
        col = len(text) - len(text.lstrip(" \t"))
        content.append(text[col if col < width else width :] if col else text)
    s.head = False
    if s.drawer == DRAWER_OPEN:
        s.drawer = DRAWER_CLOSED


def text_in_block(s: OutlineState, k: int, text: str) -> None:
    """A line inside a ``#+BEGIN_NOTE`` (or any block whose refs count): content and refs,
    no properties."""
    block = s.block
    opaque_line(s, k, text)
    if block is None or block.pre_block:
        scan_line(text, k + 1, 0, s.sink)
    else:
        col = min(len(text) - len(text.lstrip(" \t")), s.col)
        scan_line(text[col:], k + 1, col, s.sink)


def planning(s: OutlineState, k: int, body: str, col: int, quoted: bool) -> bool:
    """``SCHEDULED: <…>`` / ``DEADLINE: <…>`` on a line of its own, before any text."""
    if not s.head or "<" not in body:
        return False
    m = _PLANNING.match(body)
    if m is None:
        return False
    try:
        day = dt.date(int(m.group(2)), int(m.group(3)), int(m.group(4)))
    except ValueError:
        return True
    ts = Timestamp(day, m.group(5), m.group(6), k + 1)
    if m.group(1).upper() == "SCHEDULED":
        s.block.scheduled = ts  # type: ignore[union-attr]
    else:
        s.block.deadline = ts  # type: ignore[union-attr]
    return True


def org_drawer(s: OutlineState, k: int, body: str, col: int, quoted: bool) -> bool:
    """An Org ``:PROPERTIES:`` drawer (also read in Markdown files): start, property, end."""
    if not s.head:
        return False
    if s.org_drawer:
        if ORG_DRAWER_END.match(body):
            s.org_drawer = False
            s.drawer = DRAWER_CLOSED
            return True
        om = ORG_PROPERTY.match(body)
        if om:
            add_block_property(
                s,
                _property(s, om.group(1), om.group(2), k, col + om.start(1) + 1, col + om.start(2)),
            )
            return True
    if s.drawer == DRAWER_NONE and ORG_DRAWER_START.match(body):
        s.org_drawer = True
        s.drawer = DRAWER_OPEN
        return True
    return False


def property_line(s: OutlineState, k: int, body: str, col: int, quoted: bool) -> bool:
    """``key:: value``: the block's first run of them is its drawer (wherever it starts, after
    text, a blank line or a code block too); later runs are kept aside as ignored, and their
    refs do not count (Logseq drops them)."""
    if quoted or "::" not in body:
        return False
    pm = PROPERTY_LINE.fullmatch(body)
    if pm is None:
        return False
    value = pm.group(3)
    value_col0 = col + (pm.start(3) if value is not None else len(body))
    prop = _property(s, pm.group(2), value or "", k, col + pm.start(2) + 1, value_col0)
    if s.drawer != DRAWER_CLOSED:
        s.drawer = DRAWER_OPEN
        add_block_property(s, prop)
        return True
    block = s.block
    if block.ignored_properties:  # type: ignore[union-attr]
        block.ignored_properties.append(prop)  # type: ignore[union-attr]
    else:
        block.ignored_properties = [prop]  # type: ignore[union-attr]
    return True


def text_line(s: OutlineState, k: int, body: str, col: int, quoted: bool) -> bool:
    """Any other line: text whose refs count; it ends the block's head and open drawer."""
    s.head = False
    if s.drawer == DRAWER_OPEN:
        s.drawer = DRAWER_CLOSED
    scan_line(body, k + 1, col, s.sink)
    return True


BODY = Ruler(
    [
        LineRule("planning", planning, "SDsd"),
        LineRule("org_drawer", org_drawer, ":"),
        LineRule("property", property_line),
        LineRule("text", text_line),
    ]
)
# An Org page's body: ``key:: value`` is text there (Logseq reads only ``:PROPERTIES:``)
ORG_BODY = BODY.without("property")


def _property(
    s: OutlineState, raw_key: str, raw: str, k: int, key_col: int, value_col0: int
) -> Property:
    st = s.settings
    return make_property(
        raw_key,
        raw,
        k + 1,
        key_col,
        value_col0,
        st.comma_keys,
        st.property_pages,
        st.excluded,
        st.journals,
    )


def add_block_property(s: OutlineState, prop: Property) -> None:
    """A drawer property of the current block (an invalid key is kept aside)."""
    block = s.block
    if not _valid_key(prop.key):
        if block.invalid_properties:  # type: ignore[union-attr]
            block.invalid_properties.append(prop)  # type: ignore[union-attr]
        else:
            block.invalid_properties = [prop]  # type: ignore[union-attr]
        return
    if prop.key == "id":
        value = prop.raw.strip()
        if UUID_RE.fullmatch(value):
            block.uuid = value.lower()  # type: ignore[union-attr]
    props = s.props
    if props is None:
        props = s.props = {}
    props[prop.key] = prop
    block.refs.extend(prop.refs)  # type: ignore[union-attr]


# -- the pre-block -------------------------------------------------------------------------


def pre_line(s: OutlineState, k: int, text: str) -> None:
    """A line before the first bullet. Its first run of property lines is the page's drawer,
    wherever it starts (``title::`` only names the page when that drawer is the file's first
    node); later runs are kept aside as ignored, without refs, as Logseq drops them."""
    s.content.append(text)  # type: ignore[union-attr]
    s.last = k
    phase = s.pre_phase
    stripped = text.lstrip(" \t")
    quoted = s.quoted
    s.quoted = stripped[:1] == ">"  # a '>' quote line: the next line continues the quote
    if phase == PRE_START:
        if not stripped:
            s.first_node = False
            return
        if stripped[:1] == ":" and ORG_DRAWER_START.match(text):
            s.pre_phase = PRE_ORG_DRAWER
            return
    elif phase == PRE_ORG_DRAWER:
        if ORG_DRAWER_END.match(text):
            s.pre_phase = PRE_REST
            return
        m = ORG_PROPERTY.match(text)
        if m:
            page_property(s, _property(s, m.group(1), m.group(2), k, m.start(1), m.start(2)), k)
            return
        phase = s.pre_phase = PRE_REST
    colon = "::" in text and not quoted and s.colon_properties and (k or not s.page.bom)
    m = PROPERTY_LINE.fullmatch(text) if colon else None
    if m is not None:
        value = m.group(3)
        value_col0 = m.start(3) if value is not None else len(text)
        prop = _property(s, m.group(2), value or "", k, m.start(2) + 1, value_col0)
        if phase != PRE_REST:
            s.pre_phase = PRE_DRAWER
            page_property(s, prop, k)
            return
        block = s.block
        if block.ignored_properties:  # type: ignore[union-attr]
            block.ignored_properties.append(prop)  # type: ignore[union-attr]
        else:
            block.ignored_properties = [prop]  # type: ignore[union-attr]
        return
    if phase == PRE_DRAWER:
        s.pre_phase = PRE_REST
    elif phase == PRE_START:
        s.first_node = False
        s.pre_phase = PRE_TEXT
    if not DIRECTIVE.match(text):
        scan_line(text, k + 1, 0, s.sink)


def page_property(s: OutlineState, prop: Property, k: int) -> None:
    """A property of the pre-block's drawer: a page property (``title::`` only when the
    drawer is the file's first node)."""
    page = s.page
    if prop.key == "title" and not s.first_node:
        page.properties.setdefault("title", prop)
        s.diagnostics.append(
            finding(
                "BM021",
                "title:: is ignored: page properties are not the file's first lines",
                page.file,
                k + 1,
                1,
            )
        )
    else:
        set_page_property(page, prop, "title-property")
    s.block.refs.extend(prop.refs)  # type: ignore[union-attr]


def set_page_property(page: Page, prop: Property, source: str) -> None:
    """Record a page property; ``title`` renames the page unless a stronger source did."""
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


__all__ = [
    "BODY",
    "continuation",
    "opaque_line",
    "page_property",
    "pre_line",
    "set_page_property",
    "title_line",
]
