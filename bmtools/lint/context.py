"""What rules look at: the graph plus lazily computed views (metamodel, items, line offsets)."""

from __future__ import annotations

from functools import cached_property

from bmtools.codes import CATALOGUE, METAMODEL
from bmtools.metamodel import Metamodel, classes_of_page, load_metamodel
from bmtools.model import BLOCK_EMBED, PAGE_EMBED, Block, Diagnostic, Graph, Page

Embed = tuple[str, str, int, int]  # (ref kind, target, line, column)
# (HELD_BY, uuid, line, column): the embed at line:column sits in the block carrying id uuid or
# under it, so an embed of that block shows it too. Plain data, so a page's facts keep it.
HELD_BY = "held-by"


def page_embeds(page: Page) -> list[Embed]:
    """The page and block embeds of a page, in order, each followed by its HELD_BY entries
    (the ids of its block and of that block's ancestors): what embed cycles are made of."""
    out: list[Embed] = []
    blocks = page.blocks
    for block in blocks:
        if not block.macros:
            continue  # embeds are macros: most blocks have none
        holders: list[str] | None = None
        for ref in block.refs:
            if ref.kind == PAGE_EMBED or ref.kind == BLOCK_EMBED:
                out.append((ref.kind, ref.target, ref.line, ref.col))
                if holders is None:
                    holders = []
                    b: Block | None = block
                    while b is not None:
                        if b.uuid:
                            holders.append(b.uuid)
                        b = blocks[b.parent] if b.parent is not None else None
                out.extend((HELD_BY, uuid, ref.line, ref.col) for uuid in holders)
    return out


class LintContext:
    """Shared, lazily built state for one lint run (rules keep none of their own).

    With ``scope`` (a set of files), only those pages are read in full and linted: every other
    page of ``graph`` is a stub that answers the cross-page questions (its name, aliases,
    classes), and ``facts`` (file -> :class:`bmtools.lint.partial.PageFacts`) holds what the
    whole-graph rules need of it (its embeds). The lint cache uses this to re-lint a few pages.
    """

    def __init__(
        self,
        graph: Graph,
        enabled: set[str] | frozenset[str] = frozenset(),
        scope: set[str] | None = None,
        facts: dict | None = None,
        item_classes: frozenset[str] | None = None,
    ) -> None:
        self.graph = graph
        self.enabled = enabled  # the codes of this run (a rule may defer to another)
        self.scope = scope
        self.facts = facts or {}
        # the classes whose items the item rules check (None: all); every item still counts
        # as a target that exists (bmtools milestones checks its own class only)
        self.item_classes = item_classes
        # item names of item pages left out of the scope (when no item can change)
        self.outside_item_names: frozenset[str] = frozenset()
        self._offsets: dict[str, list[int]] = {}

    @cached_property
    def metamodel(self) -> Metamodel:
        return load_metamodel(self.graph)

    @cached_property
    def items(self):
        from bmtools.items import extract_items

        return extract_items(self.graph, self.metamodel)

    @cached_property
    def checked_items(self):
        """The items the item rules report on: those of ``item_classes``, else all."""
        classes = self.item_classes
        items = self.items
        return items if classes is None else [i for i in items if i.cls in classes]

    @cached_property
    def file_pages(self) -> list[Page]:
        """The pages read in full (all file pages without a scope), by file."""
        scope = self.scope
        return sorted(
            (
                p
                for p in self.graph.pages.values()
                if p.file is not None and (scope is None or p.file in scope)
            ),
            key=lambda p: p.file,
        )

    def embeds(self) -> list[tuple[Page, Embed]]:
        """(page, embed) of every embed of every file page, in file order; out of scope, from
        the page's facts."""
        if self.scope is None:
            return [(page, e) for page in self.file_pages for e in page_embeds(page)]
        scope, facts = self.scope, self.facts
        out: list[tuple[Page, Embed]] = []
        pages = sorted((p for p in self.graph.pages.values() if p.file), key=lambda p: p.file)
        for page in pages:
            mine = page_embeds(page) if page.file in scope else facts[page.file].embeds
            out.extend((page, e) for e in mine)
        return out

    @cached_property
    def reading_diagnostics(self) -> dict[str, list[Diagnostic]]:
        out: dict[str, list[Diagnostic]] = {}
        for d in self.graph.diagnostics:
            out.setdefault(d.code, []).append(d)
        return out

    def page_classes(self, page: Page) -> set[str]:
        return classes_of_page(self.graph, self.metamodel, page)

    def class_and_subclasses(self, cls: str) -> set[str]:
        """``cls`` and every class that extends it (directly or not)."""
        mm = self.metamodel
        out = {cls}
        changed = True
        while changed:
            changed = False
            for spec in mm.classes.values():
                if spec.extends in out and spec.name not in out:
                    out.add(spec.name)
                    changed = True
        return out

    def line_offsets(self, page: Page) -> list[int]:
        """Character offset of each line start (index 0 = line 1) in ``page.source``."""
        key = page.file or page.name
        offs = self._offsets.get(key)
        if offs is None:
            offs = [0]
            src = page.source
            i = src.find("\n")
            while i >= 0:
                offs.append(i + 1)
                i = src.find("\n", i + 1)
            self._offsets[key] = offs
        return offs

    def offset(self, page: Page, line: int, col: int) -> int:
        """Character offset of a 1-based (line, col) in ``page.source``."""
        offs = self.line_offsets(page)
        return offs[line - 1] + col - 1 if 0 < line <= len(offs) else len(page.source)

    def line_text(self, page: Page, line: int) -> str:
        offs = self.line_offsets(page)
        if not 0 < line <= len(offs):
            return ""
        end = offs[line] - 1 if line < len(offs) else len(page.source)
        return page.source[offs[line - 1] : end].rstrip("\r")


def reporter(code: str):
    """A Diagnostic factory for one rule: ``report(message, file, line, col, fix=...)``, with
    the code's name and severity from the catalogue (bmtools.codes)."""
    row = CATALOGUE[code]
    name, severity = row.name, row.severity

    def report(
        message: str,
        file: str | None,
        line: int = 0,
        col: int = 0,
        fix=None,
        end_line: int = 0,
        end_col: int = 0,
    ) -> Diagnostic:
        return Diagnostic(code, message, file, line, col, severity, name, fix, end_line, end_col)

    return report


def reemit(ctx: LintContext, code: str) -> list[Diagnostic]:
    """The findings of ``code`` made while reading the graph (by the loader, or the metamodel)."""
    if CATALOGUE[code].origin == METAMODEL:
        return [d for d in ctx.metamodel.diagnostics if d.code == code]
    return list(ctx.reading_diagnostics.get(code, []))
