"""The model as a networkx graph, and the graph questions other features ask.

Refs from one page to another of the same type become one edge carrying the first source line,
all lines, and a count: a 10k-page graph stays a few hundred thousand edges, not millions.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from bmtools.model import (
    BLOCK_EMBED,
    BLOCK_REF,
    KIND_MISSING,
    NAMESPACE,
    PAGE_EMBED,
    PAGE_REF,
    PROPERTY,
    TAG,
    Graph,
    Ref,
)
from bmtools.names import page_name

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
    return graph.resolve_name(ref.target), None


def to_networkx(graph: Graph, blocks: bool = False) -> nx.MultiDiGraph:
    """A MultiDiGraph with a node per page (and per block with ``blocks=True``) and typed edges."""
    G = nx.MultiDiGraph(root=graph.root)
    for name, page in graph.pages.items():
        G.add_node(
            name,
            title=page.title,
            file=page.file,
            kind=page.kind,
            properties=page_properties(page.properties),
        )
    edges: dict[tuple[str, str, str], list] = {}
    missing: dict[str, str] = {}
    alias_nodes: dict[str, str] = {}
    block_nodes: list[tuple[str, dict]] = []
    block_edges: list[tuple[str, str, str, dict]] = []
    for name, page in graph.pages.items():
        if page.namespace:
            edges.setdefault((name, page.namespace, "namespace"), [0, page.file, 0])
        for alias in page.aliases:
            target = page_name(alias)
            edges.setdefault((name, target, "alias"), [_alias_line(page), page.file, 0])
            if target not in graph.pages and target not in alias_nodes:
                alias_nodes[target] = alias
        for block in page.blocks:
            source = name
            if blocks:
                source = block_id(name, block.line)
                block_nodes.append(
                    (
                        source,
                        {
                            "kind": "block",
                            "page": name,
                            "file": page.file,
                            "line": block.line,
                            "title": block.title[:200],
                            "uuid": block.uuid or "",
                        },
                    )
                )
                parent = (
                    block_id(name, page.blocks[block.parent].line)
                    if block.parent is not None
                    else name
                )
                block_edges.append((parent, source, "child", {"type": "child", "line": block.line}))
            for ref in block.refs:
                if ref.property in ("alias", "aliases") and block.pre_block:
                    continue  # drawn as alias edges
                target, index = ref_target(graph, ref)
                if target is None:
                    continue
                if blocks and index is not None:
                    target = block_id(target, graph.pages[target].blocks[index].line)
                elif target not in graph.pages:
                    missing.setdefault(target, ref.text)
                etype = edge_type(ref)
                slot = edges.get((source, target, etype))
                if slot is None:
                    edges[(source, target, etype)] = [ref.line, page.file, 1, [ref.line]]
                else:
                    slot[2] += 1
                    slot[3].append(ref.line)
    for target, text in alias_nodes.items():
        G.add_node(target, title=text, file=None, kind=KIND_ALIAS, properties={})
    for target, text in missing.items():
        if target not in alias_nodes:
            G.add_node(target, title=text, file=None, kind=KIND_MISSING, properties={})
    if blocks:
        G.add_nodes_from(block_nodes)
        G.add_edges_from(block_edges)
    G.add_edges_from(
        (
            s,
            t,
            et,
            {
                "type": et,
                "line": v[0],
                "file": v[1],
                "count": v[2] or 1,
                "lines": v[3] if len(v) > 3 else [],
            },
        )
        for (s, t, et), v in edges.items()
    )
    return G


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
