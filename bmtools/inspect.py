"""Summaries of a loaded graph for people: ``bmtools stats`` and ``bmtools show``."""

from __future__ import annotations

from typing import Any

import networkx as nx

from bmtools.graph import backlinks, most_linked, orphans
from bmtools.model import KIND_IMPLIED, KIND_JOURNAL, KIND_MISSING, Graph, Page


def graph_stats(graph: Graph, G: nx.MultiDiGraph, top: int = 10) -> dict[str, Any]:
    file_pages = [p for p in graph.pages.values() if p.file is not None]
    kinds = nx.get_node_attributes(G, "kind")
    return {
        "files": len(graph.files),
        "pages": sum(1 for p in file_pages if p.kind != KIND_JOURNAL),
        "journals": sum(1 for p in file_pages if p.kind == KIND_JOURNAL),
        "implied_pages": sum(1 for p in graph.pages.values() if p.kind == KIND_IMPLIED),
        "blocks": sum(len(p.blocks) for p in file_pages),
        "refs": sum(len(b.refs) for p in file_pages for b in p.blocks),
        "block_ids": len(graph.uuids),
        "orphans": len(orphans(G)),
        "missing_pages": sum(1 for k in kinds.values() if k == KIND_MISSING),
        "reading_problems": len(graph.diagnostics),
        "most_linked": [
            {"page": G.nodes[n].get("title", n), "links": c} for n, c in most_linked(G, top)
        ],
    }


def format_stats(stats: dict[str, Any]) -> str:
    labels = [
        ("files", "files"),
        ("pages", "pages"),
        ("journals", "journals"),
        ("implied_pages", "implied namespace pages"),
        ("blocks", "blocks"),
        ("refs", "references"),
        ("block_ids", "block ids"),
        ("orphans", "orphan pages"),
        ("missing_pages", "missing pages"),
        ("reading_problems", "reading problems"),
    ]
    width = max(len(label) for _, label in labels)
    lines = [f"{label:<{width}}  {stats[key]:>8}" for key, label in labels]
    if stats["most_linked"]:
        lines.append("")
        lines.append("most linked pages:")
        for item in stats["most_linked"]:
            lines.append(f"  {item['links']:>6}  {item['page']}")
    return "\n".join(lines)


def page_view(graph: Graph, G: nx.MultiDiGraph, page: Page) -> dict[str, Any]:
    outline = []
    for b in page.blocks:
        if b.pre_block:
            continue
        outline.append(
            {
                "line": b.line,
                "level": b.level,
                "title": _summary(b.title or b.content),
                "marker": b.marker,
                "properties": {k: p.value for k, p in b.properties.items()},
            }
        )
    links = []
    for source, etype, line in backlinks(G, page.name):
        node = G.nodes[source]
        links.append(
            {
                "page": node.get("title", source),
                "file": node.get("file"),
                "type": etype,
                "line": line,
            }
        )
    return {
        "title": page.title,
        "name": page.name,
        "file": page.file,
        "kind": page.kind,
        "aliases": page.aliases,
        "tags": page.tags,
        "namespace": page.namespace,
        "properties": {k: p.value for k, p in page.properties.items()},
        "outline": outline,
        "backlinks": links,
    }


def _summary(text: str, width: int = 100) -> str:
    first = text.split("\n", 1)[0]
    return first if len(first) <= width else first[: width - 1] + "…"


def format_page_view(view: dict[str, Any]) -> str:
    lines = [view["title"], "=" * len(view["title"])]
    lines.append(f"file:  {view['file'] or '(none: ' + view['kind'] + ')'}")
    lines.append(f"kind:  {view['kind']}")
    if view["aliases"]:
        lines.append(f"aliases: {', '.join(view['aliases'])}")
    if view["properties"]:
        lines.append("")
        lines.append("properties:")
        for k, v in view["properties"].items():
            lines.append(f"  {k}:: {_value(v)}")
    lines.append("")
    lines.append(f"outline ({len(view['outline'])} blocks):")
    for b in view["outline"]:
        marker = f"{b['marker']} " if b["marker"] else ""
        lines.append(f"  {'  ' * (b['level'] - 1)}- {marker}{b['title']}  (line {b['line']})")
    lines.append("")
    lines.append(f"backlinks ({len(view['backlinks'])}):")
    for link in view["backlinks"]:
        lines.append(f"  {link['page']}  [{link['type']}]  {link['file'] or ''}:{link['line']}")
    return "\n".join(lines)


def _value(v: Any) -> str:
    if isinstance(v, list):
        return ", ".join(f"[[{x}]]" for x in v)
    return str(v)
