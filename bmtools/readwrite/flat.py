"""Scalar-only attributes: GraphML, GEXF and DOT cannot store lists or dicts."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx


def scalar(value: Any) -> str | int | float | bool:
    if value is None:
        return ""
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int)) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def flatten(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of G whose node and edge attributes are all scalars."""
    H = nx.MultiDiGraph()
    H.graph.update({k: scalar(v) for k, v in G.graph.items()})
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: scalar(v) for k, v in d.items()})
    for s, t, k, d in G.edges(keys=True, data=True):
        H.add_edge(s, t, key=k, **{a: scalar(v) for a, v in d.items()})
    return H
