"""Whether a directed graph has a cycle, by the standard library's :mod:`graphlib`.

The cycle rules list cycles with networkx, which takes about 0.15 s to import; most graphs
have no cycle at all, and a warm lint run should not pay that import to learn so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from graphlib import CycleError, TopologicalSorter


def has_cycle(edges: Mapping[str, Iterable[str]]) -> bool:
    """``edges``: node -> the nodes it points at. A self-loop counts as a cycle."""
    sorter = TopologicalSorter()
    for node, targets in edges.items():
        for target in targets:
            sorter.add(target, node)  # target comes after node: a cycle cannot be ordered
    try:
        sorter.prepare()
    except CycleError:
        return True
    return False
