"""GraphML (yEd, Cytoscape) and GEXF (Gephi) through networkx's writers."""

from __future__ import annotations

from typing import IO

import networkx as nx

from bmtools.readwrite.flat import flatten


def write_graphml(G: nx.MultiDiGraph, out: IO[bytes]) -> None:
    nx.write_graphml(flatten(G), out, named_key_ids=True)


def write_gexf(G: nx.MultiDiGraph, out: IO[bytes]) -> None:
    H = flatten(G)
    for n, d in H.nodes(data=True):
        d.setdefault("label", d.get("title") or n)
    nx.write_gexf(H, out)
