"""The line rules of a Markdown page, in order: which block each line belongs to (§1, §2).

Each rule is ``rule(state, k, text) -> int``: 0 when line ``k`` is not its kind, else the
index of the next line to read (a fence consumes all of its lines). ``MARKDOWN`` lists them;
the reader (bmtools.syntax.blocks.parse_outline) tries, for each line, the rules that can
match its first character.
"""

from __future__ import annotations

import re

from bmtools.codes import finding
from bmtools.syntax.blocks.body import (
    DIRECTIVE,
    HEADING_MARKS,
    continuation,
    opaque_line,
    opaque_lines,
    pre_line,
    set_page_property,
    text_in_block,
    title_line,
)
from bmtools.syntax.blocks.html import html_close
from bmtools.syntax.blocks.ruler import LineRule, Ruler
from bmtools.syntax.blocks.state import OutlineState
from bmtools.syntax.properties import make_property

_BULLET = re.compile(r"([ \t]*)-(?:[ \t]+|$)")
_HEADING = re.compile(r"[ \t]*(#+)(?:[ \t]+|$)")  # any number of #: mldoc's heading
_FENCE = re.compile(r"[ \t]*(?:```|~~~)")
_BEGIN = re.compile(r"[ \t]*#\+BEGIN_([^\s:]+)(?=[ \t]|$)", re.IGNORECASE)
# #+BEGIN blocks whose text holds no refs: code, examples, exports, comments, and queries
# (mldoc parses a query's text, Logseq skips its refs). Any other name (NOTE, TIP, QUOTE,
# CENTER, VERSE, a made-up one …) is Markdown whose refs count.
RAW_BLOCKS = frozenset({"SRC", "EXAMPLE", "EXPORT", "COMMENT", "QUERY"})
_FRONT_MATTER_LINE = re.compile(r"([^\s:][^:]*):[ \t]*((?:.*[^ \t\n])?)[ \t]*$")  # linear


def line_of_block(s: OutlineState, k: int, text: str) -> None:
    """A line that starts no block: the pre-block's, or the current block's next line."""
    block = s.block
    if block is None:
        s.open_pre_block(k)
        pre_line(s, k, text)
    elif block.pre_block:
        pre_line(s, k, text)
    else:
        continuation(s, k, text)


# -- the rules, in order --------------------------------------------------------------------


def front_matter(s: OutlineState, k: int, text: str) -> int:
    """``---`` on the first line up to the next ``---``: YAML-style page properties, read as
    one unit (its lines are never bullets)."""
    if k or text != "---":
        return 0
    lines = s.lines
    end = next((j for j in range(1, s.n) if lines[j] == "---"), -1)
    if end < 0:
        return 0
    s.open_pre_block(0)
    s.content.extend(lines[: end + 1])  # type: ignore[union-attr]
    s.last = end
    _read_front_matter(s, end)
    s.first_node = False
    return end + 1


def fence(s: OutlineState, k: int, text: str) -> int:
    """A code fence (```` ``` ```` or ``~~~``, any info after it) on a line that starts no
    block, when a later line closes it: its lines are opaque (no blocks, properties or refs).
    A fence nothing closes is text, as in Logseq."""
    if _FENCE.match(text) is None:
        return 0
    close = s.fence_closer(k)
    if close < 0:
        _unclosed(s, k)
        return 0
    opaque_line(s, k, text)
    return _opaque_through(s, k + 1, close)


def begin(s: OutlineState, k: int, text: str) -> int:
    """``#+BEGIN_NAME`` on a line that starts no block, when a later ``#+END_NAME`` closes it:
    no blocks or properties inside; refs count unless NAME is in :data:`RAW_BLOCKS`. Without
    its end it is text."""
    b = _BEGIN.match(text)
    if b is None:
        return 0
    name = b.group(1).upper()
    close = s.begin_closer(k, name)
    if close < 0:
        return 0
    opaque_line(s, k, text)
    return _begin_body(s, k + 1, close, name)


def html(s: OutlineState, k: int, text: str) -> int:
    """A raw HTML block (bmtools.syntax.blocks.html) on a line that starts no block, when a
    later line closes it: its lines are opaque (no blocks, properties or refs)."""
    close = html_close(s.lines, s.html_closers, k)
    if close <= k:
        return 0
    opaque_line(s, k, text)
    return _opaque_through(s, k + 1, close)


def heading(s: OutlineState, k: int, text: str) -> int:
    """``# Title`` outside a bullet's first line: a new top-level block (§1)."""
    if _HEADING.match(text) is None:
        return 0
    ws = len(text) - len(text.lstrip(" \t"))
    block = s.open_block(k, 0, 1, None, 2)
    s.stack[:] = [(0, block.index)]
    end = _opening_title(s, block, k, text[ws:], ws, "#")
    if end:
        return end
    title_line(s, block, k, text[ws:], ws)
    return k + 1


def directive(s: OutlineState, k: int, text: str) -> int:
    """``#+key: value`` at the start of a line, anywhere at top level: a page property."""
    if not text.startswith("#+"):
        return 0
    d = DIRECTIVE.match(text)
    if d is None or d.group(1).upper().startswith(("BEGIN_", "END_")):
        return 0
    s.directives.append((k, d.group(1), d.group(2)))
    block = s.block
    if block is not None and not block.pre_block:
        opaque_line(s, k, text)  # in the block's text, but its refs are the page's (Logseq)
    else:
        line_of_block(s, k, text)
    return k + 1


def bullet(s: OutlineState, k: int, text: str) -> int:
    """``- `` after any indentation: a new block, nested by its indentation (§1)."""
    m = _BULLET.match(text)
    if m is None:
        return 0
    indent = m.end(1)
    stack = s.stack
    blocks = s.blocks
    if not stack and len(blocks) == 1 and blocks[0].pre_block:
        stack.append((0, 0))  # the page-properties block stands where a "- " at column 0 would
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
            eff = top_indent  # shallower but equal to no ancestor: takes the deeper one's place
            parent = stack[-1][1] if stack else None
            break
    idx = len(blocks)
    level = s.adopt(parent, idx)
    block = s.open_block(k, indent, level, parent, indent + 2)
    stack.append((eff, idx))
    col = m.end()
    first = text[col:]
    c = first[:1]
    if c and c in "`~#<":  # a title that may open a fence, a #+BEGIN block or raw HTML
        end = _opening_title(s, block, k, first, col, c)
        if end:
            return end
    title_line(s, block, k, first, col)
    return k + 1


def _opening_title(s: OutlineState, block, k: int, first: str, col: int, c: str) -> int:
    """A block's first line (a bullet's, a top-level heading's) that opens a code fence, a
    ``#+BEGIN`` block or a raw HTML block closed further down, after any heading marks: its
    title holds no refs, the lines up to the close are opaque; returns the next line to read
    (0: an ordinary title)."""
    probe = first  # what may open a fence or raw HTML: the title, after any heading marks
    begin = _BEGIN.match(first) if c == "#" else None
    if c == "#" and begin is None:
        h = HEADING_MARKS.match(first)
        if h is None:
            return 0
        probe = first[h.end() :]
        c = probe[:1]  # "### ```js" opens a fence, "### <div>" raw HTML, as in Logseq
        if not c or c not in "`~<":
            return 0
    if c == "`" or c == "~":
        if _FENCE.match(probe) is not None:
            close = s.fence_closer(k)
            if close >= 0:
                title_line(s, block, k, first, col, scan=False)
                return _opaque_through(s, k + 1, close)
            _unclosed(s, k)
    elif begin is not None:
        name = begin.group(1).upper()
        close = s.begin_closer(k, name)
        if close >= 0:
            title_line(s, block, k, first, col, scan=False)
            return _begin_body(s, k + 1, close, name)
    else:
        close = html_close(s.lines, s.html_closers, k, col + len(first) - len(probe))
        if close > k:
            title_line(s, block, k, first, col, scan=False)
            return _opaque_through(s, k + 1, close)
    return 0


def text(s: OutlineState, k: int, text: str) -> int:
    """Any other line: the next line of the block being read."""
    line_of_block(s, k, text)
    return k + 1


MARKDOWN = Ruler(
    [
        LineRule("fence", fence, "`~"),
        LineRule("begin", begin, "#"),
        LineRule("html", html, "<"),
        LineRule("heading", heading, "#"),
        LineRule("directive", directive, "#"),
        LineRule("bullet", bullet, "-"),
        LineRule("text", text),
    ]
)


# -- what the rules consume -----------------------------------------------------------------


def _opaque_through(s: OutlineState, k: int, close: int) -> int:
    """Lines ``k`` through ``close`` (a fence's body and closing line): opaque."""
    if k <= close:
        opaque_lines(s, k, close)
    return close + 1


def _begin_body(s: OutlineState, k: int, close: int, name: str) -> int:
    """The lines of a ``#+BEGIN_NAME`` block after its first, through ``#+END_NAME``."""
    if name in RAW_BLOCKS:
        return _opaque_through(s, k, close)
    lines = s.lines
    j = k
    while j < close:
        line = lines[j]
        if _FENCE.match(line) is not None:
            end = s.fence_closer(j)
            if 0 <= end < close:  # a code fence inside the note: no refs in it
                j = _opaque_through(s, j, end)
                continue
        text_in_block(s, j, line)
        j += 1
    opaque_line(s, close, lines[close])
    return close + 1


def _unclosed(s: OutlineState, k: int) -> None:
    s.diagnostics.append(
        finding(
            "BM005",
            "code fence is never closed: Logseq reads it as text, and a fence line further "
            "down would turn everything in between into code",
            s.page.file,
            k + 1,
            1,
        )
    )


def _read_front_matter(s: OutlineState, end: int) -> None:
    """Front matter lines 1..end-1: every line ``key: value``, or Logseq drops them all."""
    page = s.page
    page.front_matter = True
    lines = s.lines
    entries = []
    for k in range(1, end):
        text = lines[k]
        if not text.strip():
            continue
        m = _FRONT_MATTER_LINE.fullmatch(text)
        if m is None:
            lost = _yaml_keys("\n".join(lines[: end + 1]))
            s.diagnostics.append(
                finding(
                    "BM020",
                    "front matter has a line that is not 'key: value'; Logseq drops "
                    "the whole front matter" + (f" (lost: {', '.join(lost)})" if lost else ""),
                    page.file,
                    1,
                    1,
                )
            )
            return
        entries.append((k, m))
    st = s.settings
    refs = s.block.refs  # type: ignore[union-attr]
    for k, m in entries:
        prop = make_property(
            m.group(1),
            m.group(2),
            k + 1,
            1,
            m.start(2),
            st.comma_keys,
            st.property_pages,
            st.excluded,
            st.journals,
        )
        set_page_property(page, prop, "front-matter")
        refs.extend(prop.refs)


def _yaml_keys(text: str) -> list[str]:
    """The keys an author meant in a front matter Logseq drops, read as YAML (safely)."""
    import frontmatter  # only for this rare case; its YAML handler uses yaml.SafeLoader

    try:
        metadata = frontmatter.loads(text + "\n").metadata
    except Exception:  # any YAML error: there is nothing more to say than Logseq's drop
        return []
    return [str(k) for k in metadata]


__all__ = [
    "MARKDOWN",
    "bullet",
    "begin",
    "directive",
    "fence",
    "front_matter",
    "heading",
    "html",
    "text",
]
