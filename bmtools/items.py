"""Items: blocks that are instances of a metamodel class (``#milestone`` blocks and friends).

A block is an item of class C when it is tagged ``#C`` (or an alias) or carries ``tags:: C``.
Hand-written graphs also keep several items in one block, one ``#C [[Title]]`` line each; those
become one item per line, with their own line numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bmtools.metamodel import Metamodel
from bmtools.model import NAMESPACE, PAGE_REF, TAG, Block, Graph, Page, Property
from bmtools.names import page_name
from bmtools.syntax.inline import match_page_ref

_IGNORED_FIELDS = ("tags", "id", "collapsed", "heading")
_LINE_ITEM = re.compile(r"[ \t]*#(\[\[[^\]\n]+\]\]|[^\s\[,!?'\":#]+)")


@dataclass(slots=True)
class Item:
    cls: str  # class name
    title: str
    page: Page
    block: Block
    line: int
    col: int
    fields: dict[str, Property] = field(default_factory=dict)
    description: str = ""  # legacy items: the lines under the item line
    legacy: bool = False

    @property
    def name(self) -> str:
        return page_name(self.title)

    @property
    def file(self) -> str | None:
        return self.page.file

    @property
    def tasks(self) -> list[Block]:
        """Child blocks with a task marker: the deliverables the item is split into."""
        if self.legacy:
            return []
        return [b for b in self.page.children(self.block) if b.marker]

    def raw(self, key: str) -> Any:
        prop = self.fields.get(key)
        return None if prop is None else prop.value


def _item_classes(
    graph: Graph, mm: Metamodel, block: Block, memo: dict[str, str | None] | None = None
) -> list[tuple[str, int]]:
    """(class, column) for each class the block is tagged with, in order of appearance.
    ``memo`` (target -> class) saves resolving the same tag again on every block."""
    out: list[tuple[str, int]] = []
    seen = set()
    for ref in block.refs:
        if ref.kind == TAG or (ref.property == "tags" and ref.kind == PAGE_REF):
            target = ref.target
            if memo is not None and target in memo:
                cls = memo[target]
            else:
                cls = mm.class_names.get(graph.resolve_name(target)) or mm.class_names.get(target)
                if memo is not None:
                    memo[target] = cls
            if cls and cls not in seen:
                seen.add(cls)
                out.append((cls, ref.col))
    return out


def _title(block: Block, cls_names: set[str]) -> str:
    for ref in block.refs:
        if (
            ref.kind == PAGE_REF
            and ref.property is None
            and ref.line == block.line
            and ref.target not in cls_names
            and ref.kind != NAMESPACE
            and not _is_marker(block, ref)
        ):
            return ref.text
    text = re.sub(r"#\[\[[^\]]+\]\]|#[^\s,!?'\":#]+", "", block.title)
    return " ".join(text.replace("[[", "").replace("]]", "").split())


def _is_marker(block: Block, ref) -> bool:
    return (block.marker is not None and ref.text == block.marker) or (
        block.priority is not None and ref.text == block.priority
    )


def extract_items(graph: Graph, mm: Metamodel) -> list[Item]:
    """All items of all classes, in file then line order."""
    items: list[Item] = []
    memo: dict[str, str | None] = {}
    for page in sorted(graph.pages.values(), key=lambda p: p.file or ""):
        if page.file is not None:
            items.extend(page_items(graph, mm, page, memo))
    return items


def page_items(
    graph: Graph, mm: Metamodel, page: Page, memo: dict[str, str | None] | None = None
) -> list[Item]:
    """The items of one page, in line order (``memo``: ref target -> class, shared by the
    pages of one graph)."""
    items: list[Item] = []
    memo = {} if memo is None else memo
    for block in page.blocks:
        if block.pre_block or not block.refs:
            continue
        classes = _item_classes(graph, mm, block, memo)
        if not classes:
            continue
        legacy = _legacy_items(graph, mm, page, block)
        if legacy:
            items.extend(legacy)
            continue
        cls_names = {c for c, _ in classes} | {a for a, c in mm.class_names.items()}
        fields = {k: p for k, p in block.properties.items() if k not in _IGNORED_FIELDS}
        for cls, col in classes:
            items.append(Item(cls, _title(block, cls_names), page, block, block.line, col, fields))
    return items


def _legacy_items(graph: Graph, mm: Metamodel, page: Page, block: Block) -> list[Item]:
    """Items written one per line inside a property-less block (``#milestone [[Title]]``)."""
    if any(k not in _IGNORED_FIELDS for k in block.properties):
        return []
    lines = [(block.line, block.title, 0)] + [(ln, text, 0) for ln, text in block.body_lines]
    starts = []
    for idx, (ln, text, _) in enumerate(lines):
        m = _LINE_ITEM.match(text)
        if not m:
            continue
        tag = m.group(1)
        tag = tag[2:-2] if tag.startswith("[[") else tag
        cls = mm.class_names.get(graph.resolve_name(tag))
        if cls is None:
            continue
        rest = text[m.end() :].strip()
        hit = match_page_ref(rest, 0) if rest.startswith("[[") else None
        if hit is None:
            continue
        starts.append((idx, cls, hit[1], ln, rest[hit[0] :].strip()))
    if not starts or (len(starts) == 1 and starts[0][0] != 0):
        return []
    items = []
    source_lines = page.source.split("\n")
    for n, (idx, cls, title, ln, after) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        # the description: any text after the title on its line, then the lines under it
        desc = "\n".join([after] + [t.strip() for _, t, _ in lines[idx + 1 : end]]).strip()
        src_line = source_lines[ln - 1] if ln - 1 < len(source_lines) else ""
        col = src_line.find("#") + 1
        items.append(Item(cls, title, page, block, ln, max(col, 1), {}, desc, legacy=True))
    return items
