"""Incremental cache (placeholder: reads and lints everything)."""

from __future__ import annotations

from bmtools.lint.engine import lint_graph
from bmtools.loader import load_graph


def cached_lint(root, settings, progress=None):
    graph = load_graph(root)
    return graph, lint_graph(graph, settings, progress)
