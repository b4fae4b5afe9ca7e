"""Serialize a whole loaded Graph, in order, to compare two loads (one process vs parallel)."""

from __future__ import annotations

from bmtools.model import EMPTY, EMPTY_MAP, Graph


def _ref(r) -> tuple:
    return ("Ref", r.kind, r.target, r.text, r.line, r.col, r.property)


def _prop(p) -> tuple:
    return (
        "Property", p.key, p.raw_key, p.raw, type(p.value).__name__, p.value, p.line, p.col,
        [_ref(r) for r in p.refs],
    )


def _seq(items, fn) -> object:
    """A container with its kind: the shared EMPTY, or a list/tuple of items."""
    if items is EMPTY:
        return "EMPTY"
    return (type(items).__name__, [fn(x) for x in items])


def _props(props, page_props) -> object:
    if props is EMPTY_MAP:
        return "EMPTY_MAP"
    if props is page_props:
        return "PAGE_PROPERTIES"
    return (type(props).__name__, [(k, _prop(p)) for k, p in props.items()])


def _ts(t) -> object:
    return None if t is None else ("Timestamp", repr(t.date), t.time, t.repeater, t.line)


def _block(b, page) -> tuple:
    own = {id(r) for p in (b.properties or {}).values() for r in p.refs}
    return (
        "Block", b.index, b.line, b.end_line, b.start, b.end, b.indent, b.level, b.parent,
        _seq(b.children, int), b.content, b.title, _seq(b.body_lines, tuple), b.heading,
        b.marker, b.priority, _props(b.properties, page.properties),
        _seq(b.invalid_properties, _prop), _seq(b.ignored_properties, _prop),
        [_ref(r) for r in b.refs],
        [id(r) in own for r in b.refs],  # which refs are the very objects of its properties
        _seq(b.macros, lambda m: ("Macro", m.name, m.args, m.line, m.col)),
        b.uuid, _ts(b.scheduled), _ts(b.deadline), b.collapsed, b.pre_block,
    )


def _page(p) -> tuple:
    return (
        "Page", p.name, p.title, p.file, p.kind, p.source, p.bom, p.format,
        [_block(b, p) for b in p.blocks],
        [(k, _prop(v)) for k, v in p.properties.items()],
        [_prop(v) for v in p.invalid_properties],
        list(p.aliases), list(p.tags), p.namespace, repr(p.journal_day), p.title_source,
        p.front_matter, p.newline,
    )


def _diag(d) -> tuple:
    return (
        d.code, d.message, d.file, d.line, d.col, d.severity, d.name, repr(d.fix), d.end_line,
        d.end_col,
    )


def dump_graph(graph: Graph) -> tuple:
    """Every page, block, property, ref, macro and diagnostic, aliases, uuids and collisions."""
    return (
        graph.root,
        [(name, _page(p)) for name, p in graph.pages.items()],
        list(graph.aliases.items()),
        list(graph.uuids.items()),
        [_diag(d) for d in graph.diagnostics],
        list(graph.files),
        [(n, list(f)) for n, f in graph.collisions],
        list(graph.dropped_ids),
    )
