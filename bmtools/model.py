"""The page/block model: plain slotted dataclasses with source positions.

Every page, block, property and reference carries the file and 1-based line (and column where it
applies) it came from, so that any diagnostic can point at a line. Blocks keep their exact
character span in ``Page.source`` so an unchanged page reassembles to its original text.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bmtools.names import page_name

# Reference kinds (see logseq-format §4).
PAGE_REF = "page-ref"  # [[name]], [label]([[name]]), TODO/priority markers
TAG = "tag"  # #name, #[[name]]
BLOCK_REF = "block-ref"  # ((uuid)), [label](((uuid)))
PAGE_EMBED = "page-embed"  # {{embed [[name]]}}
BLOCK_EMBED = "block-embed"  # {{embed ((uuid))}}
PROPERTY = "property"  # the page named after a user property key (rating:: 5 refs "rating")
NAMESPACE = "namespace"  # implied parent of a namespaced ref ([[a/b]] also refs "a")
# Interned, so that refs rebuilt from marshal data (bmtools.parload) get these very objects back.
PAGE_REF, TAG, BLOCK_REF, PAGE_EMBED, BLOCK_EMBED, PROPERTY, NAMESPACE = map(
    sys.intern, (PAGE_REF, TAG, BLOCK_REF, PAGE_EMBED, BLOCK_EMBED, PROPERTY, NAMESPACE)
)
REF_KINDS = (PAGE_REF, TAG, BLOCK_REF, PAGE_EMBED, BLOCK_EMBED, PROPERTY, NAMESPACE)

# Page kinds in the graph.
KIND_PAGE = "page"
KIND_JOURNAL = "journal"
KIND_IMPLIED = "implied-namespace"
KIND_MISSING = "missing"


# Shared, immutable empties: most blocks have no macros, invalid properties or children, and a
# fresh list per block per field cost ~100 MB on a 200k-block graph. The parser replaces them
# with real containers when it has something to put in.
EMPTY: tuple = ()


class _ReadOnlyEmptyDict(dict):
    """The shared empty ``properties``: equal to ``{}``, but refuses to be filled."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("shared empty mapping: assign a new dict instead")

    __setitem__ = __delitem__ = setdefault = update = pop = popitem = clear = _refuse  # type: ignore

    def __hash__(self) -> int:  # immutable, so it may be a dataclass field's plain default
        return 0


EMPTY_MAP: Mapping = _ReadOnlyEmptyDict()


@dataclass(slots=True)
class Ref:
    """One reference as written: ``target`` is a page name (lower-cased NFC) or a block uuid."""

    kind: str
    target: str
    text: str  # the name as written (case kept), or the uuid
    line: int  # 1-based
    col: int  # 1-based, in characters
    property: str | None = None  # the property key when the ref sits in a property value


@dataclass(slots=True)
class Macro:
    """A ``{{name args}}`` macro; only ``embed`` produces refs."""

    name: str
    args: str
    line: int
    col: int


@dataclass(slots=True)
class Property:
    """A ``key:: value`` line. ``value`` is typed per logseq-format §3."""

    key: str  # normalised: lower-case, ``_`` → ``-``, custom-id → id
    raw_key: str
    raw: str  # the value text, trimmed
    value: Any  # str | int | bool | list[str] (referenced names, display case, in order)
    line: int
    col: int  # column of the value's first character
    refs: list[Ref] = field(default_factory=list)

    def names(self) -> list[str]:
        """The value as a list of names/strings, whatever its type (for lists and scalars)."""
        if isinstance(self.value, list):
            return list(self.value)
        if self.value == "" or self.value is None:
            return []
        return [str(self.value)]


@dataclass(slots=True)
class Timestamp:
    """A SCHEDULED/DEADLINE timestamp."""

    date: Any  # datetime.date
    time: str | None
    repeater: str | None
    line: int


@dataclass(slots=True)
class Block:
    """One outline block. ``start``/``end`` are character offsets of its span in ``Page.source``."""

    index: int  # position in Page.blocks (document order)
    line: int  # 1-based first line
    end_line: int  # 1-based last line (inclusive)
    start: int
    end: int
    indent: int  # leading whitespace characters before the bullet (-1 for the pre-block)
    level: int  # 1 for top-level blocks, 0 for the pre-block
    parent: int | None  # index of the parent block
    # The shared empties are plain defaults (no factory call per block; the parser and
    # bmtools.parload build 200k blocks a graph), replaced by real containers when filled.
    children: Sequence[int] = EMPTY
    content: str = ""  # block text without the bullet and its indentation, lines joined by \n
    title: str = ""  # first line of content without heading marks, marker and priority
    body_lines: Sequence[tuple[int, str]] = EMPTY  # (line, text)
    heading: int | None = None
    marker: str | None = None
    priority: str | None = None
    properties: Mapping[str, Property] = EMPTY_MAP
    invalid_properties: Sequence[Property] = EMPTY
    ignored_properties: Sequence[Property] = EMPTY  # later drawers
    refs: list[Ref] = field(default_factory=list)
    macros: Sequence[Macro] = EMPTY
    uuid: str | None = None
    scheduled: Timestamp | None = None
    deadline: Timestamp | None = None
    collapsed: bool = False
    pre_block: bool = False

    def prop(self, key: str, default: Any = None) -> Any:
        p = self.properties.get(key)
        return default if p is None else p.value


@dataclass(slots=True)
class Page:
    """One file of the graph (or an implied / missing page when ``file`` is None)."""

    name: str  # identity: lower-cased NFC title
    title: str  # display title
    file: str | None  # path relative to the graph root, POSIX separators
    kind: str = KIND_PAGE
    source: str = ""  # decoded text without the BOM
    bom: bool = False
    format: str = "markdown"  # markdown | org (org files are listed, not read)
    blocks: list[Block] = field(default_factory=list)
    properties: dict[str, Property] = field(default_factory=dict)
    invalid_properties: list[Property] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # display names
    tags: list[str] = field(default_factory=list)  # display names
    namespace: str | None = None  # name of the parent namespace page
    journal_day: Any = None  # datetime.date for journals
    title_source: str = "file"  # file | title-property | front-matter | directive
    front_matter: bool = False
    newline: str = "\n"  # the file's dominant newline
    # The file holds nothing but whitespace: Logseq makes no page of it (its name exists only
    # if something refers to it). bmtools keeps the page, so the file and its name are known.
    blank: bool = False
    # Other files naming this same page (BM011), read in full: Logseq reads their blocks into
    # this one page (see bmtools.loader.logseq_page_blocks). bmtools keeps each file its own
    # Page, so that a page's blocks, lines and spans always come from page.file.
    merged: list[Page] = field(default_factory=list)

    def prop(self, key: str, default: Any = None) -> Any:
        p = self.properties.get(key)
        return default if p is None else p.value

    def reassemble(self) -> str:
        """The page text rebuilt from the block spans (equals ``source`` for an unchanged page)."""
        if not self.blocks:
            return self.source
        head = self.source[: self.blocks[0].start]
        return head + "".join(self.source[b.start : b.end] for b in self.blocks)

    def top_blocks(self) -> list[Block]:
        """The outline's first level as a reader sees it: the top-level blocks and the
        children of the page-properties block (Logseq hangs bullets indented under
        ``key:: value`` page properties there; the properties themselves are no block to show)."""
        blocks = self.blocks
        if blocks and blocks[0].pre_block and blocks[0].children:
            return [b for b in blocks if (b.parent is None and not b.pre_block) or (b.parent == 0)]
        return [b for b in blocks if b.parent is None and not b.pre_block]

    def children(self, block: Block) -> list[Block]:
        return [self.blocks[i] for i in block.children]

    def descendants(self, block: Block) -> list[Block]:
        out: list[Block] = []
        stack = list(reversed(block.children))
        while stack:
            b = self.blocks[stack.pop()]
            out.append(b)
            stack.extend(reversed(b.children))
        return out


@dataclass(slots=True, frozen=True)
class Diagnostic:
    """A finding about the graph: from reading (``code`` BM0xx) or from a lint rule."""

    code: str
    message: str
    file: str | None
    line: int = 0  # 1-based; 0 when the finding is about a whole file
    col: int = 0
    severity: str = "warning"  # error | warning | info
    name: str = ""
    fix: Any = None  # bmtools.lint.Fix or None
    end_line: int = 0
    end_col: int = 0

    def __str__(self) -> str:
        """``file:line:col: CODE message``, the form editors and terminals link to."""
        where = self.file or "."
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        return f"{where}: {self.code} {self.message}"


@dataclass(slots=True)
class Config:
    """The reading settings of ``logseq/config.edn`` (§7) with Logseq's defaults."""

    file_name_format: str = "legacy"  # legacy | triple-lowbar
    hidden: list[str] = field(default_factory=list)
    property_pages_enabled: bool = True
    property_pages_excludelist: set[str] = field(default_factory=set)
    separated_by_commas: set[str] = field(default_factory=set)
    journal_title_format: str = "MMM do, yyyy"
    journals_directory: str = "journals"
    pages_directory: str = "pages"
    whiteboards_directory: str = "whiteboards"
    raw: dict = field(default_factory=dict)  # the whole config, keys as strings without ':'
    file: str | None = None


@dataclass(slots=True)
class Graph:
    """A loaded graph: pages by name, block uuids, and what reading found wrong."""

    root: str
    config: Config
    pages: dict[str, Page] = field(default_factory=dict)  # name -> page (file pages)
    aliases: dict[str, str] = field(default_factory=dict)  # alias name -> page name
    # uuid -> (page name, index of the block in its file's Page: page or one of page.merged)
    uuids: dict[str, tuple[str, int]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every discovered file (incl. org, unread)
    collisions: list[tuple[str, list[str]]] = field(default_factory=list)  # name, files
    # (file, block index, uuid) of block ids dropped because an earlier page claimed them
    dropped_ids: list[tuple[str, int, str]] = field(default_factory=list)
    # Every page Logseq's database holds for this graph, name -> title as Logseq has it: file
    # pages, pages created by references, namespace parents, built-in pages. None until
    # bmtools.loader.logseq_pages computes it (it walks every ref: not done by load_graph).
    logseq_titles: dict[str, str | None] | None = None

    def resolve(self, name: str) -> Page | None:
        """The page a (normalised) name or alias points to."""
        key = page_name(name)
        page = self.pages.get(key)
        if page is None and key in self.aliases:
            page = self.pages.get(self.aliases[key])
        return page

    def resolve_name(self, name: str) -> str:
        """The canonical page name for a name, following aliases; unknown names are kept."""
        key = page_name(name)
        if key in self.pages:
            return key
        return self.aliases.get(key, key)

    def has_block(self, uuid: str) -> bool:
        """Whether some block carries the id (without reading the block: it may be a stub's)."""
        return uuid.lower() in self.uuids

    def block(self, uuid: str) -> tuple[Page, Block] | None:
        """Resolve a block uuid to its block and the Page of the file holding it: the page,
        or one of the other files of its name (``page.merged``, BM011)."""
        uuid = uuid.lower()
        hit = self.uuids.get(uuid)
        if hit is None:
            return None
        page, index = self.pages[hit[0]], hit[1]
        if page.merged:
            for part in (page, *page.merged):
                if index < len(part.blocks) and part.blocks[index].uuid == uuid:
                    return part, part.blocks[index]
        return page, page.blocks[index]
