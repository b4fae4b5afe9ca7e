"""The model as a networkx graph, and the graph questions other features ask.

Refs from one page to another of the same type become one edge carrying the first source line,
all lines, and a count: a 10k-page graph stays a few hundred thousand edges, not millions.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from bmtools.gcpause import paused_gc
from bmtools.loader import BUILTIN_PAGES, file_pages, logseq_ref_titles
from bmtools.model import (
    BLOCK_EMBED,
    BLOCK_REF,
    KIND_MISSING,
    NAMESPACE,
    PAGE_EMBED,
    PAGE_REF,
    PROPERTY,
    TAG,
    Block,
    Graph,
    Page,
    Ref,
)
from bmtools.names import format_journal_title, journal_day, page_name

KIND_ALIAS = "alias"  # an alias name no file defines

EDGE_TYPES = {
    PAGE_REF: "ref",
    TAG: "tag",
    PAGE_EMBED: "embed",
    BLOCK_REF: "block-ref",
    BLOCK_EMBED: "embed",
    PROPERTY: "ref",
    NAMESPACE: "ref",
}


def edge_type(ref: Ref) -> str:
    if ref.property is not None and ref.kind not in (PROPERTY, BLOCK_REF, BLOCK_EMBED):
        return f"property:{ref.property}"
    return EDGE_TYPES[ref.kind]


def page_properties(props: dict) -> dict[str, Any]:
    return {k: p.value for k, p in props.items()}


def ref_target(graph: Graph, ref: Ref) -> tuple[str | None, int | None]:
    """The page name (and block index for block refs) a ref points at; None for unknown uuids."""
    if ref.kind in (BLOCK_REF, BLOCK_EMBED):
        hit = graph.uuids.get(ref.target)
        return (hit[0], hit[1]) if hit else (None, None)
    target = ref.target  # already a normalised name
    if target in graph.pages:
        return target, None
    return graph.aliases.get(target, target), None


class _Builder:
    """Fills a MultiDiGraph's adjacency dicts directly.

    ``add_edge`` re-checks both ends and clears caches on every call, which made the 10k-page
    bench graph take seconds; the dict layout used here is networkx's documented one (node,
    succ, pred; a key dict shared by succ[u][v] and pred[v][u]).
    """

    __slots__ = ("G", "node", "succ", "pred")

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.G, self.node, self.succ, self.pred = G, G._node, G._succ, G._pred

    def add_node(self, n: str, attrs: dict) -> None:
        if n in self.node:
            self.node[n].update(attrs)
            return
        self.node[n] = attrs
        self.succ[n] = {}
        self.pred[n] = {}

    def add_edge(self, u: str, v: str, key: str, attrs: dict) -> None:
        keydict = self.succ[u].get(v)
        if keydict is None:
            keydict = self.succ[u][v] = {}
            self.pred[v][u] = keydict
        keydict[key] = attrs

    def done(self) -> nx.MultiDiGraph:
        clear = getattr(nx, "_clear_cache", None)
        if clear is not None:
            clear(self.G)
        return self.G


def to_networkx(graph: Graph, blocks: bool = False) -> nx.MultiDiGraph:
    """A MultiDiGraph with a node per page (and per block with ``blocks=True``) and typed edges."""
    with paused_gc():
        return _to_networkx(graph, blocks)


def _to_networkx(graph: Graph, blocks: bool) -> nx.MultiDiGraph:
    builder = _Builder(nx.MultiDiGraph(root=graph.root))
    pages = graph.pages
    node = builder.node
    for name, page in pages.items():
        builder.add_node(
            name,
            {
                "title": page.title,
                "file": page.file,
                "kind": page.kind,
                "properties": page_properties(page.properties),
            },
        )
    for name, page in pages.items():
        if page.namespace:
            builder.add_edge(name, page.namespace, "namespace", _edge_attrs("namespace", 0))
        for alias in page.aliases:
            target = page_name(alias)
            if target not in node:
                builder.add_node(
                    target, {"title": alias, "file": None, "kind": KIND_ALIAS, "properties": {}}
                )
            builder.add_edge(name, target, "alias", _edge_attrs("alias", _alias_line(page)))
    missing: dict[str, str] = {}  # page only refs make -> its first spelling
    mixed: set[str] = set()  # those spelled in more than one way
    if not blocks:
        _page_ref_edges(graph, builder, missing, mixed)
        _title_missing(graph, builder, missing, mixed)
        return builder.done()
    for page in pages.values():
        for part in file_pages(page):
            for block in part.blocks:
                source = _add_block_node(builder, page, part, block)
                for ref in block.refs:
                    if ref.property in ("alias", "aliases") and block.pre_block:
                        continue  # drawn as alias edges
                    target, index = ref_target(graph, ref)
                    if target is None:
                        continue
                    if index is not None:
                        holder, held = graph.block(ref.target)  # type: ignore[misc]
                        target = _add_block_node(builder, pages[target], holder, held)
                    elif target not in node:
                        missing[target] = spelled = _spelling(ref)
                        if ref.kind is NAMESPACE:
                            mixed.add(target)
                        builder.add_node(
                            target,
                            {
                                "title": spelled,
                                "file": None,
                                "kind": KIND_MISSING,
                                "properties": {},
                            },
                        )
                    elif target in missing and (
                        missing[target] != _spelling(ref) or ref.kind is NAMESPACE
                    ):
                        mixed.add(target)
                    etype = edge_type(ref)
                    keydict = builder.succ[source].get(target)
                    attrs = keydict.get(etype) if keydict is not None else None
                    if attrs is None:
                        builder.add_edge(source, target, etype, _edge_attrs(etype, ref.line))
                    else:
                        _count_again(attrs, ref.line)
    _title_missing(graph, builder, missing, mixed)
    return builder.done()


def _spelling(ref: Ref) -> str:
    """How a ref spells the page it makes: a property key page is titled by the normalised
    key (a namespace parent by the ref that implies it: see ``mixed`` in _title_missing)."""
    return ref.target if ref.kind is PROPERTY else ref.text


def _title_missing(
    graph: Graph, builder: _Builder, missing: dict[str, str], mixed: set[str]
) -> None:
    """Title the pages only references make as Logseq does (loader.logseq_pages): built-in
    pages and journals by their rule; a page spelled in more than one way (``mixed``: also
    namespace parents), or not named as written, by the first file in Logseq's parse order
    that writes it, reading only the blocks that name such pages; any other keeps its one
    spelling."""
    node = builder.node
    fmt = graph.config.journal_title_format
    for name, text in missing.items():
        if text[:1] == "/" or text[-1:] == "/" or page_name(text) != name:
            mixed.add(name)
    if mixed:
        for name, title in logseq_ref_titles(graph, mixed).items():
            if title is not None:
                node[name]["title"] = title
    for name in missing:
        day = journal_day(name, fmt)
        title = BUILTIN_PAGES.get(name) or (format_journal_title(day, fmt) if day else None)
        if title is not None:
            node[name]["title"] = title


def _count_again(attrs: dict, line: int) -> None:
    """Refs of one type between the same two nodes share one edge: count them, keep lines."""
    attrs["count"] += 1
    lines = attrs.get("lines")
    if lines is None:
        attrs["lines"] = [attrs["line"], line]
    else:
        lines.append(line)


class _EdgeData:
    """Only for its instance dict: see ``_edge_attrs``."""


# CPython (3.11) sizes an instance dict's value array by what the class's shared key table may
# still grow to, and shrinks that allowance with every instance made: after a few dozen it
# holds about the three keys, plus room for "lines".
def _edge_template() -> dict:
    for _ in range(32):
        data = _EdgeData()
        data.type = ""  # type: ignore[attr-defined]
        data.line = 0  # type: ignore[attr-defined]
        data.count = 1  # type: ignore[attr-defined]
    return data.__dict__


_EDGE_TEMPLATE: dict = _edge_template()


def _edge_attrs(etype: str, line: int) -> dict:
    """``{"type": etype, "line": line, "count": 1}`` as a key-sharing dict (PEP 412).

    A copy of an instance's ``__dict__`` shares its key table, so it is about half the size of a
    dict literal (96 vs 184 bytes): 30 MB less on the 10k-page bench graph's 387k edges. It is
    an ordinary ``dict`` in every other respect (new keys such as ``lines`` can be added).
    """
    attrs = _EDGE_TEMPLATE.copy()
    attrs["type"] = etype
    attrs["line"] = line
    return attrs


def _shared_key_dict(key: str) -> dict:
    """``{key: None}`` whose copies share one key table: 80 instead of 184 bytes each.

    The key dicts of a MultiDiGraph (``succ[u][v]``, one per connected pair) mostly hold one
    edge type; copies of an instance ``__dict__`` are key-sharing dicts (PEP 412), and a class
    of their own keeps the shared table to this key (see ``_edge_template``). 37 MB less on the
    10k-page bench graph; a second key turns a copy into an ordinary dict, as any dict would be.
    """
    cls = type("_EdgeKeys", (), {})
    for _ in range(32):
        data = cls()
        setattr(data, key, None)
    return data.__dict__


def _page_ref_edges(
    graph: Graph, builder: _Builder, missing: dict[str, str], mixed: set[str]
) -> None:
    """The ref edges between pages: ``_to_networkx``'s loop for page graphs, kept tight.
    Every file naming a page adds its refs (BM011). ``missing`` gets each page made for a
    ref to a page no file defines, with its first spelling; ``mixed`` those spelled again
    otherwise."""
    pages = graph.pages
    aliases = graph.aliases
    uuids = graph.uuids
    node = builder.node
    succ = builder.succ
    pred = builder.pred
    edge_types = EDGE_TYPES
    typed = (PROPERTY, BLOCK_REF, BLOCK_EMBED)
    block_kinds = (BLOCK_REF, BLOCK_EMBED)
    property_types: dict[str, str] = {}  # one "property:key" string per key
    copy_template = _EDGE_TEMPLATE.copy
    key_templates: dict[str, dict] = {}  # edge type -> {type: None} (see _shared_key_dict)
    for name, page in pages.items():
        out = succ[name]
        for block in _all_blocks(page) if page.merged else page.blocks:
            refs = block.refs
            if not refs:
                continue
            pre = block.pre_block
            for ref in refs:
                prop = ref.property
                if pre and (prop == "alias" or prop == "aliases"):
                    continue  # drawn as alias edges
                kind = ref.kind
                target = ref.target
                if kind in block_kinds:
                    hit = uuids.get(target)
                    if hit is None:
                        continue
                    target = hit[0]  # a page: a node already
                elif target not in pages:
                    target = aliases.get(target, target)
                    if target not in node:
                        spelled = target if kind is PROPERTY else ref.text  # _spelling
                        made = {"title": spelled, "file": None, "kind": KIND_MISSING}
                        made["properties"] = {}
                        builder.add_node(target, made)
                        missing[target] = spelled
                        if kind is NAMESPACE:
                            mixed.add(target)
                    else:
                        first = missing.get(target)  # spelled again otherwise?
                        if first is not None and (
                            kind is NAMESPACE or first != (target if kind is PROPERTY else ref.text)
                        ):
                            mixed.add(target)
                if prop is None or kind in typed:
                    etype = edge_types[kind]
                else:
                    etype = property_types.get(prop)
                    if etype is None:
                        etype = property_types[prop] = f"property:{prop}"
                keydict = out.get(target)
                attrs = keydict.get(etype) if keydict is not None else None
                if attrs is None:
                    attrs = copy_template()  # _edge_attrs, inlined
                    attrs["type"] = etype
                    attrs["line"] = ref.line
                    if keydict is None:
                        template = key_templates.get(etype)
                        if template is None:
                            template = key_templates[etype] = _shared_key_dict(etype)
                        keydict = template.copy()
                        keydict[etype] = attrs
                        out[target] = pred[target][name] = keydict
                    else:
                        keydict[etype] = attrs
                else:
                    _count_again(attrs, ref.line)


def _all_blocks(page: Page) -> list[Block]:
    return [b for part in file_pages(page) for b in part.blocks]


def _add_block_node(builder: _Builder, page: Page, part: Page, block: Block) -> str:
    """The node of a block of ``page`` read from the file of ``part`` (the page itself or
    another file of its name, whose blocks' ids also name that file)."""
    bid = block_id(page.name, block.line)
    if part is not page:
        bid += f"@{part.file}"
    if bid in builder.node:
        return bid
    builder.add_node(
        bid,
        {
            "kind": "block",
            "page": page.name,
            "file": part.file,
            "line": block.line,
            "title": block.title[:200],
            "uuid": block.uuid or "",
        },
    )
    parent = (
        _add_block_node(builder, page, part, part.blocks[block.parent])
        if block.parent is not None
        else page.name
    )
    builder.add_edge(parent, bid, "child", _edge_attrs("child", block.line))
    return bid


def _alias_line(page) -> int:
    prop = page.properties.get("alias") or page.properties.get("aliases")
    return prop.line if prop else 0


def block_id(page: str, line: int) -> str:
    return f"{page}#L{line}"


def backlinks(G: nx.MultiDiGraph, name: str) -> list[tuple[str, str, int]]:
    """(source node, edge type, first line) of every edge into ``name``, sorted."""
    if name not in G:
        return []
    out = [
        (s, d["type"], d.get("line", 0))
        for s, _, d in G.in_edges(name, data=True)
        if d["type"] not in ("namespace", "child")
    ]
    return sorted(out)


def orphans(G: nx.MultiDiGraph) -> list[str]:
    """File pages (not journals) that no other page links to and that link nowhere."""
    out = []
    for n, d in G.nodes(data=True):
        if d.get("kind") != "page" or d.get("file") is None:
            continue
        if any(s != n for s, _ in G.in_edges(n)):
            continue
        if any(t != n for _, t, k in G.out_edges(n, keys=True) if k != "namespace"):
            continue
        out.append(n)
    return sorted(out)


def missing_targets(G: nx.MultiDiGraph) -> dict[str, list[tuple[str, str, int]]]:
    """Missing page → the (source, type, line) refs that point at it."""
    return {n: backlinks(G, n) for n, d in G.nodes(data=True) if d.get("kind") == KIND_MISSING}


def embed_cycles(G: nx.MultiDiGraph) -> list[list[str]]:
    """Cycles of page embeds (a page embedding itself counts): Logseq would loop on them."""
    E = nx.DiGraph()
    E.add_edges_from((s, t) for s, t, k in G.edges(keys=True) if k == "embed")
    return sorted((sorted_cycle(c) for c in nx.simple_cycles(E)), key=lambda c: (len(c), c))


def sorted_cycle(cycle: list[str]) -> list[str]:
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]


def most_linked(G: nx.MultiDiGraph, top: int = 10) -> list[tuple[str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for s, t, d in G.edges(data=True):
        if d["type"] not in ("namespace", "child", "alias") and s != t:
            counts[t] += d.get("count", 1)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
