"""Whiteboards (``whiteboards/*.edn``): pages whose blocks are the board's shapes.

Logseq 0.10 stores a whiteboard as EDN: ``{:blocks (…) :pages (…)}``, one block per shape
(its uuid is ``:block/uuid``, or the shape's ``:id``). What the board refers to comes from its
*portals* only: a ``logseq-portal`` shape shows a page (``:blockType "P"``, ``:pageId`` its
name) or a block (``"B"``, ``:pageId`` its uuid); Logseq reads no references from a shape's
text (checked against its own parser on public graphs: 231 of 231 blocks agree). The page is
named by the board's ``:pages`` entry (``:block/original-name``), else after its file, and is
no namespace page (``a___b.edn`` is the board
``a/b``, with no parent ``a``). A shape's text is Logseq's: its own ``:block/content``, else
``[[page]]`` or ``((uuid))`` for a portal, a text shape's text, ``whiteboard arrow: LABEL``,
or ``whiteboard TYPE``. The ``:block/properties`` of the board and of each shape are its page
and block properties as Logseq keeps them (``ls-type``, ``logseq.tldraw.page`` and
``logseq.tldraw.shape`` with map values, ``heading``…), and a block whose ``:block/parent`` is
another block of the board is that block's child.
"""

from __future__ import annotations

import json
from typing import Any

from bmtools.codes import finding
from bmtools.config import error_line, short_error, to_python
from bmtools.model import BLOCK_REF, PAGE_REF, Block, Diagnostic, Page, Property, Ref
from bmtools.names import page_name

WHITEBOARD_FORMAT = "whiteboard"  # Page.format of a whiteboard
PORTAL = "logseq-portal"


def is_whiteboard_file(rel: str, whiteboards_directory: str) -> bool:
    folder = whiteboards_directory.strip("/") or "whiteboards"
    return rel.lower().endswith(".edn") and rel.startswith(folder + "/")


def parse_whiteboard(page: Page, text: str, diagnostics: list[Diagnostic]) -> None:
    """Fill ``page`` (named already, from its file) with the blocks of the board in ``text``;
    an unreadable board is a page without blocks and a diagnostic (BM023), as in Logseq."""
    page.format = WHITEBOARD_FORMAT
    page.source = text
    try:
        data = _plain(text)
    except Exception as exc:  # edn_format raises several unrelated types; deep nesting too
        line = error_line(str(exc))
        diagnostics.append(
            finding(
                "BM023",
                f"whiteboard could not be read as EDN ({short_error(exc)}); it has no blocks",
                page.file,
                line,
            )
        )
        return
    lines = _LineIndex(text)
    named = data.get("pages") if isinstance(data, dict) else None
    for entry in named if isinstance(named, list) else ():
        if not isinstance(entry, dict):
            continue
        page.properties = _properties(entry.get("block/properties"), 1)
        title = entry.get("block/original-name")
        if isinstance(title, str) and title.strip():  # the board's own name wins (Logseq)
            page.title, page.name, page.title_source = title, page_name(title), "whiteboard"
        break
    shapes = data.get("blocks") if isinstance(data, dict) else None
    if not isinstance(shapes, list):
        shapes = []
    position = 0
    parents: list[object] = []  # each block's :block/parent uuid, as written
    for raw in shapes:
        if not isinstance(raw, dict):
            continue
        props = raw.get("block/properties")
        props = props if isinstance(props, dict) else {}
        shape = props.get("logseq.tldraw.shape")
        shape = shape if isinstance(shape, dict) else {}
        uuid = raw.get("block/uuid") or shape.get("id")
        uuid = str(uuid).lower() if uuid else None
        content = raw.get("block/content")
        if not isinstance(content, str):
            content = shape_text(shape)
        # Spans tile the text in order (Page.reassemble gives the file back): each block
        # starts where its shape's id is written, or where the previous block starts.
        offset = text.find(uuid, position) if uuid else -1
        if offset >= 0:
            position = offset
        line, _ = lines.position(offset)
        block = Block(
            index=len(page.blocks),
            line=line,
            end_line=line,
            start=position,
            end=position,
            indent=0,
            level=1,
            parent=None,
            content=content,
            title=content.split("\n", 1)[0],
            uuid=uuid,
            properties=_properties(props, line),
        )
        parent = raw.get("block/parent")
        parents.append(parent.get("block/uuid") if isinstance(parent, dict) else None)
        target = shape.get("pageId")
        if shape.get("type") == PORTAL and isinstance(target, str) and target.strip():
            at_line, at_col = lines.position(text.find(target, position))
            if shape.get("blockType") == "B":
                block.refs.append(Ref(BLOCK_REF, target.lower(), target, at_line, at_col))
            else:
                block.refs.append(Ref(PAGE_REF, page_name(target), target, at_line, at_col))
        page.blocks.append(block)
    _nest(page.blocks, parents)
    blocks = page.blocks
    if blocks:
        blocks[0].start = 0
        for block, after in zip(blocks, blocks[1:], strict=False):
            block.end = after.start
        blocks[-1].end = len(text)


def _properties(props: object, line: int) -> dict[str, Property]:
    """A board's or shape's ``:block/properties`` as Logseq keeps them: every key, each value
    as read (keywords as their names, maps and vectors as JSON-like values, uuids as text)."""
    if not isinstance(props, dict) or not props:
        return {}
    out = {}
    for key, value in props.items():
        key = str(key)
        value = _json_like(value)
        raw = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        out[key] = Property(key, key, raw, value, line, 1)
    return out


def _json_like(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_like(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_like(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # a uuid, an instant, a decimal


def _nest(blocks: list[Block], parents: list[object]) -> None:
    """Hang each shape block under the block its ``:block/parent`` names (a block of the
    board; the board's own uuid means top level), as Logseq does; a link that would close a
    loop is dropped, so the outline stays a tree."""
    index = {b.uuid: b.index for b in blocks if b.uuid}
    for block, parent in zip(blocks, parents, strict=True):
        at = index.get(str(parent).lower()) if parent is not None else None
        if at is None or at == block.index:
            continue
        up: int | None = at
        while up is not None and up != block.index:
            up = blocks[up].parent
        if up is None:  # block is not an ancestor of its parent: no loop
            block.parent = at
    for block in blocks:
        if block.parent is not None:
            parent_block = blocks[block.parent]
            if not parent_block.children:
                parent_block.children = []
            parent_block.children.append(block.index)  # type: ignore[union-attr]
    for block in blocks:
        depth, up = 1, block.parent
        while up is not None:
            depth, up = depth + 1, blocks[up].parent
        block.level = depth


def shape_text(shape: dict) -> str:
    """The text Logseq gives a shape's block: a portal's ref, a text's text, else the type."""
    kind = shape.get("type")
    if kind == PORTAL:
        target = shape.get("pageId")
        if not isinstance(target, str):
            return ""
        return f"(({target}))" if shape.get("blockType") == "B" else f"[[{target}]]"
    if kind == "text":
        text = shape.get("text")
        return text if isinstance(text, str) else ""
    if kind == "line":
        label = shape.get("label")
        return "whiteboard arrow" + (f": {label}" if isinstance(label, str) else "")
    return f"whiteboard {kind}" if isinstance(kind, str) else ""


def _plain(text: str) -> Any:
    import edn_format  # 40 ms to import: only for graphs that have whiteboards

    return to_python(edn_format.loads(text))


class _LineIndex:
    """1-based (line, column) of character offsets, by bisection over line starts."""

    def __init__(self, text: str):
        self.starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            self.starts.append(i + 1)
            i = find("\n", i + 1)

    def position(self, offset: int) -> tuple[int, int]:
        if offset < 0:
            return 1, 1
        from bisect import bisect_right

        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1
