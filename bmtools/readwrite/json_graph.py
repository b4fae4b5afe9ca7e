"""JSON node-link format (networkx's own), with sets and dates made JSON-safe."""

from __future__ import annotations

import json
from typing import IO

import networkx as nx


def generate_json(G: nx.MultiDiGraph) -> str:
    data = nx.node_link_data(G, edges="links")
    return json.dumps(data, ensure_ascii=False, indent=1, default=str, sort_keys=True) + "\n"


def write_json(G: nx.MultiDiGraph, out: IO[bytes]) -> None:
    # a file name that is not UTF-8 reaches here with surrogates: written as JSON's \udcXX
    out.write(generate_json(G).encode("utf-8", "backslashreplace"))
