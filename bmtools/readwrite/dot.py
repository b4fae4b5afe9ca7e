"""Graphviz DOT. Written directly: it is a few quoted lines, not worth a pydot dependency."""

from __future__ import annotations

from typing import IO

import networkx as nx

from bmtools.readwrite.flat import scalar

_SHAPES = {
    "page": "box",
    "journal": "note",
    "implied-namespace": "folder",
    "missing": "box",
    "alias": "ellipse",
    "block": "plaintext",
}


def _q(value: object) -> str:
    text = str(scalar(value))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def generate_dot(G: nx.MultiDiGraph):
    """Yield the lines of a DOT digraph."""
    yield "digraph bmtools {"
    yield '  node [fontname="Helvetica"];'
    for n, d in sorted(G.nodes(data=True), key=lambda nd: str(nd[0])):
        kind = d.get("kind", "page")
        style = ', style="dashed"' if kind == "missing" else ""
        yield (
            f"  {_q(n)} [label={_q(d.get('title') or n)}, kind={_q(kind)}, "
            f"shape={_SHAPES.get(kind, 'box')}{style}];"
        )
    for s, t, k, d in sorted(
        G.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), e[2])
    ):
        yield f"  {_q(s)} -> {_q(t)} [label={_q(k)}, line={_q(d.get('line', 0))}];"
    yield "}"


def write_dot(G: nx.MultiDiGraph, out: IO[bytes]) -> None:
    # a file name that is not UTF-8 reaches here with surrogates: written as \udcXX
    out.write(("\n".join(generate_dot(G)) + "\n").encode("utf-8", "backslashreplace"))
