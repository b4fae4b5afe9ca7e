"""The one state object the line rules read and write, as markdown-it-py's ``StateBlock``.

It holds the page's line table, the outline built so far, and what the block being read has
seen (its content lines, its property drawer, its refs). Rules keep no state of their own.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from bmtools.codes import finding
from bmtools.model import EMPTY, EMPTY_MAP, Block, Config, Diagnostic, Page
from bmtools.syntax.blocks.ruler import Ruler
from bmtools.syntax.inline import JournalRefs, RefSink

# Where a block's property drawer is: not seen yet, being read, or over (later runs ignored).
DRAWER_NONE, DRAWER_OPEN, DRAWER_CLOSED = 0, 1, 2
# The pre-block's reading phases: before its first node, in text before any drawer, in its
# drawer (Markdown or Org), after it.
PRE_START, PRE_DRAWER, PRE_ORG_DRAWER, PRE_REST, PRE_TEXT = 0, 1, 2, 3, 4


class Settings:
    """What the block reader needs from outside the page, looked up once per page: config
    values and the graph's journal-ref resolver (None: ref targets kept as written)."""

    __slots__ = ("comma_keys", "property_pages", "excluded", "journals")

    def __init__(self, config: Config, journals: JournalRefs | None) -> None:
        self.comma_keys = frozenset(config.separated_by_commas)
        self.property_pages = config.property_pages_enabled
        self.excluded = config.property_pages_excludelist
        self.journals = journals


class OutlineState:
    """A page being cut into blocks: its lines, its blocks, and the block being read."""

    __slots__ = (
        # the page and its line table
        "page",
        "src",
        "lines",
        "cum",
        "n",
        "settings",
        "diagnostics",
        # the outline so far
        "blocks",
        "stack",
        "directives",
        "seen_uuids",
        "fence_marks",
        "fence_scanned",
        "end_marks",
        "end_scanned",
        "html_closers",
        # the block being read
        "block",
        "col",
        "content",
        "body_lines",
        "props",
        "head",
        "drawer",
        "org_drawer",
        "quoted",
        "sink",
        "last",
        "dirty",
        "body_by_char",
        "body_default",
        # the pre-block being read
        "pre_phase",
        "first_node",
        "colon_properties",
    )

    def __init__(
        self,
        page: Page,
        config: Config,
        diagnostics: list[Diagnostic],
        body_rules: Ruler,
        journals: JournalRefs | None,
    ) -> None:
        src = page.source
        self.page = page
        self.src = src
        # Only "\n" ends a line (CRLF reads as LF); the empty remainder after a final newline
        # is no line. Line k starts at offset cum[k] + k.
        raw = src.split("\n") if src else []
        if raw and raw[-1] == "" and len(raw) > 1:
            raw.pop()
        self.cum = list(accumulate(map(len, raw), initial=0))
        self.n = len(raw)
        self.lines = [t[:-1] if t.endswith("\r") else t for t in raw] if "\r" in src else raw
        self.settings = Settings(config, journals)
        self.diagnostics = diagnostics
        self.blocks: list[Block] = []
        self.stack: list[tuple[int, int]] = []  # (effective indent, block index) of open bullets
        self.directives: list[tuple[int, str, str]] = []
        self.seen_uuids: dict[str, int] = {}
        self.fence_marks: list[int] = []  # lines that can close a fence, found so far
        self.fence_scanned = 0  # … looking at the lines before this one
        self.end_marks: list[tuple[int, str]] = []  # "#+END_" lines found so far
        self.end_scanned = 0  # … looking at the lines before this one
        self.html_closers: dict = {}  # raw HTML blocks' ends, per element (blocks.html)
        self.block: Block | None = None
        self.col = 0
        self.content: list[str] | None = None
        self.body_lines: list[tuple[int, str]] | None = None
        self.props: dict | None = None
        self.head = True
        self.drawer = DRAWER_NONE
        self.org_drawer = False
        self.quoted = False
        self.sink = RefSink([], [], None, journals)
        self.last = 0
        self.dirty = False  # the current block has more than its first line to finish
        self.body_by_char, self.body_default = body_rules.table()
        self.pre_phase = PRE_START
        self.first_node = True
        self.colon_properties = page.format != "org"  # Org reads drawers, never ``key::``

    def start(self, k: int) -> int:
        """The character offset where line ``k`` starts."""
        return self.cum[k] + k

    def fence_closer(self, k: int) -> int:
        """The first line after ``k`` that closes a code fence (starts with ```` ``` ```` or
        ``~~~`` after its indentation, whatever follows), or -1. Lines are looked at once:
        the search goes on from where the last one stopped."""
        marks = self.fence_marks
        i = bisect_right(marks, k)
        if i < len(marks):
            return marks[i]
        lines = self.lines
        n = self.n
        j = max(k + 1, self.fence_scanned)
        while j < n:
            if lines[j].lstrip(" \t")[:3] in ("```", "~~~"):
                marks.append(j)
                self.fence_scanned = j + 1
                return j
            j += 1
        self.fence_scanned = n
        return -1

    def begin_closer(self, k: int, name: str) -> int:
        """The first line after ``k`` that starts with ``#+END_`` + ``name`` (upper case;
        matched case-insensitively, after the line's indentation), or -1. Lines are looked at
        once: the ``#+END_`` lines found are kept, the search goes on from where it stopped."""
        end = "#+END_" + name
        marks = self.end_marks
        for j, head in marks[bisect_right(marks, (k, "\U0010ffff")) :]:
            if head.startswith(end):
                return j
        lines = self.lines
        for j in range(max(k + 1, self.end_scanned), self.n):
            text = lines[j]
            if "#+" in text:
                head = text.lstrip(" \t")
                if head[:6].upper() == "#+END_":
                    head = head.upper()
                    marks.append((j, head))
                    if head.startswith(end):
                        self.end_scanned = j + 1
                        return j
        self.end_scanned = self.n
        return -1

    def open_block(self, k: int, indent: int, level: int, parent: int | None, col: int) -> Block:
        """Start a new block at line ``k`` (finishing the one being read)."""
        if self.block is not None and (self.dirty or self.sink.macros):
            self.close_block()
        blocks = self.blocks
        idx = len(blocks)
        start = self.cum[k] + k
        # The leading fields positionally (the hot path: 200k blocks a graph), the rest are
        # the dataclass defaults.
        block = Block(idx, k + 1, k + 1, start, start, indent, level, parent)
        if idx:
            blocks[-1].end = start
        blocks.append(block)
        self.block = block
        self.col = col
        self.last = k
        self.sink.refs = block.refs
        return block

    def adopt(self, parent: int | None, idx: int) -> int:
        """Record block ``idx`` as the next child of ``parent``; the level it takes."""
        if parent is None:
            return 1
        up = self.blocks[parent]
        if up.children:
            up.children.append(idx)  # type: ignore[attr-defined]
        else:
            up.children = [idx]
        return up.level + 1

    def open_pre_block(self, k: int) -> Block:
        """Start the pre-block (the lines before the first bullet) at line ``k``."""
        block = self.open_block(k, -1, 0, None, 0)
        block.pre_block = True
        block.properties = self.page.properties
        self.content = []
        self.dirty = True
        return block

    def close_block(self) -> None:
        """Finish the block being read (its content, properties, macros and id) and make the
        state ready for the next one."""
        block = self.block
        if block is None:
            return
        self.block = None
        sink = self.sink
        if sink.macros:
            block.macros = sink.macros
            sink.macros = []
        if not self.dirty:
            return  # one line, no property: the block is complete as it was opened
        self.dirty = False
        block.end_line = self.last + 1
        content = self.content
        if block.pre_block:
            block.content = "\n".join(content) if content else ""
        elif content is not None:
            block.content = "\n".join(content)
        props = self.props
        body_lines = self.body_lines
        self.content = self.body_lines = self.props = None
        self.head = True
        self.drawer = DRAWER_NONE
        self.org_drawer = self.quoted = False
        if block.pre_block:
            return
        if body_lines:
            block.body_lines = body_lines
        if props:
            collapsed = props.pop("collapsed", None)
            if collapsed is not None:
                block.collapsed = collapsed.value is True
            if props:
                block.properties = props
        uuid = block.uuid
        if uuid:
            first = self.seen_uuids.get(uuid)
            if first is None:
                self.seen_uuids[uuid] = block.line
            else:
                self.diagnostics.append(
                    finding(
                        "BM010",
                        f"duplicate block id {uuid} (first at line {first}); "
                        "Logseq drops it from this block",
                        self.page.file,
                        block.line,
                        1,
                    )
                )
                block.uuid = None

    def finish(self) -> None:
        """Close the last block and give the page its blocks."""
        self.close_block()
        if self.blocks:
            self.blocks[-1].end = len(self.src)
        self.page.blocks = self.blocks


__all__ = ["OutlineState", "Settings", "EMPTY", "EMPTY_MAP"]
