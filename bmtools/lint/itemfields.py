"""Helpers the item rules share (fields of items, their parsed values, reference targets), and
:func:`item_findings`, the one validation of items: ``bmtools milestones`` reports what it
finds rather than checking the items again."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from bmtools.items import Item
from bmtools.metamodel import FieldSpec, Metamodel
from bmtools.model import Diagnostic, Graph, Property
from bmtools.names import page_name

ITEM_RULES = "BM4"  # the items family


def item_findings(
    graph: Graph,
    classes: Collection[str] | None = None,
    metamodel: Metamodel | None = None,
    items: list[Item] | None = None,
    more: Iterable[Diagnostic] = (),
) -> list[Diagnostic]:
    """What the item rules find on the items of ``classes`` (every item when None), with the
    catalogue's severities and ``bmtools-ignore::`` applied, sorted as lint sorts them.

    Items of other classes still count as existing targets (``depends-on::`` an item of
    another class is no unknown dependency). ``metamodel`` and ``items`` (every item of the
    graph): what the caller has read already (finding the items is most of the work); ``more``:
    the caller's own findings about them, to be suppressed and sorted with these."""
    from bmtools.lint.context import LintContext
    from bmtools.lint.engine import finish, run_rules
    from bmtools.lint.settings import Settings
    from bmtools.lint.suppress import suppressions

    settings = Settings(select=[ITEM_RULES])
    wanted = None if classes is None else frozenset(classes)
    ctx = LintContext(graph, settings.enabled(), item_classes=wanted)
    if metamodel is not None:
        ctx.metamodel = metamodel  # a cached_property: set, it is not read again
    if items is not None:
        ctx.items = items
    found = [d for _, d in run_rules(graph, settings, ctx=ctx)]
    return finish([*found, *more], settings, suppressions(graph))


def is_empty(prop: Property | None) -> bool:
    return prop is None or not prop.names() or str(prop.raw).strip() in ("", "[[]]", '""')


def item_label(item: Item) -> str:
    return f"{item.cls} '{item.title}'"


def field_values(ctx) -> Iterator[tuple[Item, FieldSpec, Property]]:
    """(item, field spec, property) for every declared field an item sets (not legacy)."""
    mm = ctx.metamodel
    for item in ctx.checked_items:
        if item.legacy:
            continue
        spec = mm.classes.get(item.cls)
        if spec is None:
            continue
        for name, fs in spec.fields.items():
            prop = item.fields.get(name)
            if not is_empty(prop):
                yield item, fs, prop


def items_by_name(ctx) -> dict[str, list[Item]]:
    cache = getattr(ctx, "_items_by_name", None)
    if cache is None:
        cache = {}
        for item in ctx.items:
            if not item.title:
                continue
            cache.setdefault(page_name(item.title), []).append(item)
        ctx._items_by_name = cache
    return cache


def milestones_of(ctx) -> list:
    """The graph's milestones as typed records (bmtools.milestones.model), once per run: what
    the milestone rules (BM612, BM613) check, as ``bmtools milestones`` reads them."""
    cache = getattr(ctx, "_milestones", None)
    if cache is None:
        from bmtools.milestones.model import milestone_records

        cache = ctx._milestones = milestone_records(ctx.graph, ctx.metamodel, ctx.items)
    return cache


def target_classes(ctx, name: str) -> tuple[bool, set[str]]:
    """(exists, classes) of what a page-field value names: items with that title, or a page."""
    graph = ctx.graph
    key = graph.resolve_name(name)
    classes: set[str] = set()
    exists = False
    for item in items_by_name(ctx).get(key, []) + items_by_name(ctx).get(page_name(name), []):
        exists = True
        classes.add(item.cls)
    page = graph.resolve(name)
    if page is not None and page.file is not None:
        exists = True
        classes |= ctx.page_classes(page)
    return exists, classes


def ref_col(prop: Property, name: str) -> int:
    for ref in prop.refs:
        if ref.text == name:
            return ref.col
    return prop.col
