"""Running the rules over a graph: selection, suppression, severities, exclusion, order."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import replace

from bmtools.lint.context import LintContext
from bmtools.lint.registry import all_rules
from bmtools.lint.settings import Settings
from bmtools.lint.suppress import is_suppressed, suppressions
from bmtools.model import Diagnostic, Graph

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def sort_key(d: Diagnostic) -> tuple:
    return (d.file or "", d.line, d.col, d.code, d.message)


def lint_graph(
    graph: Graph,
    settings: Settings | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> list[Diagnostic]:
    """Every diagnostic of the enabled rules on ``graph``, sorted by file, line, column, code.

    ``progress(code, number_of_files)`` is called before each rule (for progress bars).
    """
    settings = settings or Settings()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # rules allocate little that is garbage; a full collection over a big graph
    try:  # would cost more than all the rules together
        return _lint(graph, settings, progress)
    finally:
        if gc_was_enabled:
            gc.enable()


def _lint(graph: Graph, settings: Settings, progress) -> list[Diagnostic]:
    found = [d for _, d in run_rules(graph, settings, progress)]
    return finish(found, settings, suppressions(graph))


def run_rules(
    graph: Graph,
    settings: Settings,
    progress=None,
    only: frozenset[str] | None = None,
    ctx: LintContext | None = None,
) -> list[tuple[int, Diagnostic]]:
    """(rule number, diagnostic) of every enabled rule (of ``only``, when given), in rule
    order then in the order each rule found them; severities and names applied. ``ctx`` is
    the context to run in (a scoped one, or one the caller reads afterwards)."""
    enabled = settings.enabled()
    if ctx is None:
        ctx = LintContext(graph, enabled)
    found: list[tuple[int, Diagnostic]] = []
    pages = len(graph.files)
    for number, (code, rule) in enumerate(all_rules().items()):
        if progress is not None:
            progress(code, pages)
        if code not in enabled or (only is not None and code not in only):
            continue
        severity = settings.severity_of(code, rule.severity)
        for d in rule.check(ctx):
            if severity != d.severity or not d.name:
                d = replace(d, severity=severity, name=d.name or rule.name)
            found.append((number, d))
    return found


def finish(found: list[Diagnostic], settings: Settings, table) -> list[Diagnostic]:
    """Exclusion, inline suppression (``table`` from :func:`suppressions`), order, and one
    diagnostic per (code, file, line, column, message): the first one found."""
    out = [
        d
        for d in found
        if not settings.excluded(d.file) and not (table and is_suppressed(d, table))
    ]
    seen = set()
    unique = []
    for d in sorted(out, key=sort_key):
        key = (d.code, d.file, d.line, d.col, d.message)
        if key not in seen:
            seen.add(key)
            unique.append(d)
    return unique
