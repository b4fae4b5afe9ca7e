"""Page facts, and partial graphs built from them, so the lint cache can re-lint a few pages.

A full lint reads every page. After an edit, most of the graph is the same, and the rules only
need a few things from the unchanged pages: whether a name or a block id exists, what class a
page belongs to, which embeds a page has (for cycles). A page's :class:`PageFacts` keep exactly
that, small enough to cache for every page. A *partial graph* holds the pages the cache reads
again in full, and a stub (name, title, aliases, tags, page type) for every other page; the
graph's indexes (aliases, block ids, implied namespace pages) are rebuilt over all pages in the
order a full load builds them, so every lookup answers as it does on the whole graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from bmtools.items import Item
from bmtools.lint.context import Embed, page_embeds
from bmtools.loader import add_page, block_ids, file_pages, index_page, report_collisions
from bmtools.metamodel import ARTIFACT_TYPE, CLASS_TYPE, TYPE_KEYS, page_types
from bmtools.model import BLOCK_EMBED, BLOCK_REF, PAGE_REF, TAG, Config, Diagnostic, Graph, Page
from bmtools.names import page_name

STUB_PROPERTIES = (*TYPE_KEYS, "alias", "aliases")  # what other pages' rules read of a page
IDENTITY = 8  # the first fields of a stub: how other pages find this one (name, aliases, ...)


class PageFacts(NamedTuple):
    """What the rules need of a page that is not read again."""

    stub: tuple  # see stub_of
    metamodel: bool  # a class page or an artifact info page: read whenever the cache re-lints
    has_items: bool  # item pages are read together (all or none) when items can change
    ids: tuple[tuple[int, str, int], ...]  # block ids it claims: (block index, uuid, line)
    uuid_targets: frozenset[str]  # the uuids its block refs and block embeds point at
    embeds: tuple[Embed, ...]
    item_names: frozenset[str]  # the page names of its items' titles
    read_diagnostics: tuple[Diagnostic, ...]  # from reading it, of the cross-page rules
    page_refs: str  # "\n"-framed targets of its page refs and tags ("" unless asked for)


def stub_of(page: Page, keys: Iterable[str] = STUB_PROPERTIES) -> tuple:
    """A page's identity and the page properties of ``keys`` it has (what other pages read)."""
    props = {k: page.properties[k] for k in keys if k in page.properties}
    return (
        page.name,
        page.title,
        page.file,
        page.kind,
        page.format,
        tuple(page.aliases),
        page.namespace,
        page.journal_day,
        page.bom,
        tuple(page.tags),
        page.title_source,
        page.front_matter,
        props,
    )


def identity(stub: tuple) -> tuple:
    """The part of a stub that decides what other pages' names and aliases resolve to."""
    return stub[:IDENTITY]


def make_stub(stub: tuple) -> Page:
    name, title, file, kind, fmt, aliases, ns, day, bom, tags, source, fm, props = stub
    # positional (see Page): 10k stubs are made on every scoped run; nothing adds blocks to one
    return Page(
        name, title, file, kind, "", bom, fmt, _NO_BLOCKS, dict(props), _NO_BLOCKS,
        list(aliases), list(tags), ns, day, source, fm,
    )  # fmt: skip


_NO_BLOCKS: list = []


def is_metamodel_page(page: Page) -> bool:
    types = page_types(page)
    return CLASS_TYPE in types or ARTIFACT_TYPE in types


def page_facts(
    page: Page,
    ids: list[tuple[int, str, int]],
    items: list[Item],
    read_diagnostics: list[Diagnostic],
    with_page_refs: bool,
) -> PageFacts:
    """The facts of a read page; ``ids`` as :func:`bmtools.loader.block_ids` gave them before
    the graph index dropped duplicates, ``items`` the items found on the page."""
    uuid_targets = set()
    targets = set()
    src = page.source
    if with_page_refs or "((" in src:  # block refs and block embeds are written ((uuid))
        for block in page.blocks:
            if not with_page_refs and src.find("((", block.start, block.end) < 0:
                continue
            for ref in block.refs:
                kind = ref.kind
                if kind == BLOCK_REF or kind == BLOCK_EMBED:
                    uuid_targets.add(ref.target)
                elif with_page_refs and (kind == PAGE_REF or kind == TAG):
                    targets.add(ref.target)
    metamodel = is_metamodel_page(page)
    return PageFacts(
        stub_of(page),
        metamodel,
        bool(items),
        tuple(ids),
        frozenset(uuid_targets),
        tuple(page_embeds(page)),
        frozenset(page_name(item.title) for item in items if item.title),
        tuple(read_diagnostics),
        "\n" + "\n".join(sorted(targets)) + "\n" if targets else "",
    )


def refers_to_any(facts: PageFacts, names: set[str]) -> bool:
    """Whether the page refs or tags of a page (with ``page_refs`` kept) name any of ``names``."""
    text = facts.page_refs
    return bool(text) and any(f"\n{n}\n" in text for n in names)


def partial_graph(
    root: str | Path,
    config: Config,
    files: list[str],
    facts: dict[str, PageFacts | None],
    full: dict[str, tuple[Page | None, list[Diagnostic], list[tuple[int, str, int]]]],
) -> Graph:
    """The graph of ``files`` (in load order) where the files of ``full`` are read pages (with
    their reading diagnostics and block ids) and every other file with facts is a stub.

    The diagnostics the indexes make (BM010, BM011, BM012) are made for every page; reading
    diagnostics of stubs come from their facts (those of the cross-page rules only).
    """
    graph = Graph(root=str(root), config=config, files=list(files))
    ids_of: dict[str, list[tuple[int, str, int]] | tuple] = {}
    for rel in files:
        hit = full.get(rel)
        if hit is not None:
            page, diags, ids = hit
            graph.diagnostics.extend(diags)
            if page is None:
                continue
            # A scoped run builds its partial graph again over the same read pages: undo what
            # the previous build did to them (files merged into a page of a name collision,
            # block ids its index dropped), so each build equals a first one.
            if page.merged:
                page.merged = []
            for index, uuid, _ in ids:
                page.blocks[index].uuid = uuid
        else:
            f = facts.get(rel)
            if f is None:
                continue
            graph.diagnostics.extend(f.read_diagnostics)
            page, ids = make_stub(f.stub), f.ids
        ids_of[rel] = ids
        add_page(graph, page)
    report_collisions(graph)
    for page in list(graph.pages.values()):
        for part in file_pages(page):
            index_page(graph, part, ids_of[part.file] if part.file else [])
    return graph


def claimed_ids(graph: Graph) -> dict[str, list[tuple[int, str, int]]]:
    """file -> the block ids each page of a loaded graph claimed before duplicates were dropped."""
    dropped: dict[str, list[tuple[int, str]]] = {}
    for file, index, uuid in graph.dropped_ids:
        dropped.setdefault(file, []).append((index, uuid))
    out = {}
    for page in graph.pages.values():
        for part in file_pages(page):
            if part.file is None:
                continue
            ids = block_ids(part)
            extra = dropped.get(part.file)
            if extra:
                ids += [(index, uuid, part.blocks[index].line) for index, uuid in extra]
                ids.sort()
            out[part.file] = ids
    return out


def index_findings(graph: Graph, ids: dict[str, list[tuple[int, str, int]]]) -> list[Diagnostic]:
    """The findings that indexing the pages of a loaded graph made (``ids``: from
    :func:`claimed_ids`): what :func:`partial_graph` makes again for every page, stubs included,
    so a page's facts need not keep them. Indexes a copy; the pages are left as they are."""
    again = Graph(root=graph.root, config=graph.config, files=graph.files)
    again.pages = dict(graph.pages)
    for page in list(graph.pages.values()):
        for part in file_pages(page):
            index_page(again, part, ids.get(part.file, []) if part.file else [])
    return again.diagnostics
