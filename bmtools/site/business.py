"""The business-model layer of the site: artifacts, items, milestones, roadmaps.

- An artifact page (:func:`bmtools.metamodel.is_artifact_page`) shows its item classes with
  their fields and, per published example (``<artifact>/examples/…``), a table of the
  example's items with their fields.
- Each milestone item shows a card: status, due date, budget, owner and tactic.
- Each published page holding milestones gets a roadmap page (``roadmaps/…``): the SVG
  timeline, the critical path, the milestone table and the plan-review calendar as an
  ``.ics`` file to download. ``today`` (``--today``) places the "today" line and the
  calendar's stamp; everything else comes from the graph.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from markdown_it.common.utils import escapeHtml

from bmtools.items import Item, page_items
from bmtools.metamodel import Metamodel, is_artifact_page, load_metamodel, read_artifact
from bmtools.milestones.cpm import CpmResult, critical_path
from bmtools.milestones.formats.text import money
from bmtools.milestones.model import MILESTONE_CLASS, Milestone, milestone_from_item
from bmtools.milestones.review import ReviewRule, find_review_rule
from bmtools.model import Graph, Page
from bmtools.render.pages import artifact_name, examples_of
from bmtools.site import urls
from bmtools.site.context import SiteContext
from bmtools.site.html import HtmlRenderer, block_anchor


@dataclass(slots=True)
class Roadmap:
    page: Page
    milestones: list[Milestone]
    path: str  # roadmaps/<slug>.html
    key: str  # a digest of everything the roadmap shows (to skip redrawing the SVG)
    blocks: dict[int, int] = field(default_factory=dict)  # id(milestone) -> block index

    @property
    def svg_path(self) -> str:
        return self.path[: -len(".html")] + ".svg"

    @property
    def ics_path(self) -> str:
        return self.path[: -len(".html")] + ".ics"


@dataclass(slots=True)
class Business:
    """The metamodel, and the items of published pages, found page by page when asked for (an
    incremental build reads only some pages)."""

    mm: Metamodel
    graph: Graph
    published: set[str]
    by_page: dict[str, list[Item]] = field(default_factory=dict)
    milestones: _Cards = field(init=False)  # (page name, block index) -> milestone
    roadmaps: dict[str, Roadmap] = field(default_factory=dict)  # page name -> roadmap
    rule: ReviewRule | None = None
    _memo: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.milestones = _Cards(self)

    def items_of(self, name: str) -> list[Item]:
        """The items of a published page (its blocks are read the first time)."""
        hit = self.by_page.get(name)
        if hit is not None:
            return hit
        page = self.graph.pages.get(name)
        items: list[Item] = []
        if page is not None and page.file is not None and name in self.published:
            items = page_items(self.graph, self.mm, page, self._memo)
        spec = self.mm.classes.get(MILESTONE_CLASS)
        for item in items:
            if item.cls == MILESTONE_CLASS and spec is not None and not item.legacy:
                m = milestone_from_item(self.graph, spec, item)
                dict.__setitem__(self.milestones, (name, item.block.index), m)
        self.by_page[name] = items
        return items

    def page_milestones(self, name: str) -> list[tuple[int, Milestone]]:
        """(block index, milestone) of each milestone of a page, in line order."""
        found = self.milestones
        return [
            (i.block.index, found[(name, i.block.index)])
            for i in self.items_of(name)
            if i.cls == MILESTONE_CLASS and not i.legacy and (name, i.block.index) in found
        ]


class _Cards(dict):
    """The milestones by (page name, block index), each page's found when first asked for."""

    def __init__(self, biz: Business) -> None:
        super().__init__()
        self.biz = biz

    def get(self, key, default=None):  # type: ignore[override]
        if key[0] not in self.biz.by_page:
            self.biz.items_of(key[0])
        return super().get(key, default)


def load_business(
    ctx: SiteContext, today: dt.date, roadmap_pages: Iterable[str] | None = None
) -> Business:
    """The metamodel, the review rule, and the roadmaps of ``roadmap_pages`` (by default
    every published page; items of other pages are found when asked for)."""
    graph = ctx.graph
    biz = Business(load_metamodel(graph), graph, ctx.published)
    biz.rule, _ = find_review_rule(graph, None)
    names = sorted(ctx.published) if roadmap_pages is None else sorted(roadmap_pages)
    for name in names:
        ms = biz.page_milestones(name)
        if ms:
            biz.roadmaps[name] = make_roadmap(biz, graph.pages[name], ms, today)
    return biz


def make_roadmap(
    biz: Business, page: Page, ms: list[tuple[int, Milestone]], today: dt.date
) -> Roadmap:
    digest = hashlib.sha1(
        json.dumps(
            [today.isoformat(), biz.rule.text if biz.rule else ""] + [m.to_dict() for _, m in ms],
            sort_keys=True,
            default=str,
        ).encode()
    ).hexdigest()
    blocks = {id(m): idx for idx, m in ms}
    return Roadmap(page, [m for _, m in ms], urls.roadmap_path(page.name), digest, blocks)


def milestone_card(r: HtmlRenderer, m: Milestone, env: dict) -> str:
    """Status, due date, budget, owner and tactic of a milestone, on one line."""
    parts = [
        f'<span class="status status-{escapeHtml(m.state.replace(" ", "-"))}">'
        f"{escapeHtml(m.state)}</span>"
    ]
    if m.due is not None:
        parts.append(f'due <time datetime="{m.due.isoformat()}">{m.due.isoformat()}</time>')
    else:
        parts.append('<span class="warn">no due date</span>')
    parts.append(f"budget {escapeHtml(money(m.budget))}")
    for label, name in (("owner", m.owner), ("tactic", m.tactic)):
        if name:
            parts.append(f"{label} " + r.page_link(r.ctx.target(name), name, env))
    return '<div class="milestone-card">' + " · ".join(parts) + "</div>"


def artifact_section(r: HtmlRenderer, biz: Business, page: Page, env: dict) -> str:
    """Item classes with their fields, then each published example's items in a table."""
    if not is_artifact_page(page):
        return ""
    ctx = r.ctx
    spec = read_artifact(ctx.graph, page)
    out = ['<section class="artifact"><h2 id="item-classes">Item classes</h2>']
    classes = [c for c in (biz.mm.class_for(n) for n in spec.item_classes) if c is not None]
    if not classes:
        out.append("<p>This artifact declares no item classes.</p>")
    for cls in classes:
        out.append(f"<h3>{r.page_link(cls.name, cls.title, env)}</h3>")
        if cls.description:
            out.append(f"<p>{escapeHtml(cls.description)}</p>")
        out.append(
            '<table class="fields"><thead><tr><th>Field</th><th>Type</th><th>Required</th>'
            "<th>Description</th></tr></thead><tbody>"
        )
        for f in cls.fields.values():
            kind = f.kind + (" (many)" if f.is_many else "")
            if f.options:
                kind += ": " + ", ".join(f.options)
            out.append(
                f"<tr><td><code>{escapeHtml(f.name)}</code></td><td>{escapeHtml(kind)}</td>"
                f"<td>{'yes' if f.is_required else 'no'}</td>"
                f"<td>{escapeHtml(f.description or '')}</td></tr>"
            )
        out.append("</tbody></table>")
    names = [artifact_name(page)] + ([spec.metamodel_id] if spec.metamodel_id else [])
    # which pages are examples is decided by their names (an incremental build notes it)
    env.setdefault("prefixes", set()).update(n.lower() + "/examples/" for n in names if n)
    found = [ctx.graph.resolve(e["title"]) for e in examples_of(ctx.graph, *names)]
    examples = [p for p in found if p is not None and p.name in ctx.published]
    deps = env.setdefault("deps", set())
    deps.update(ex.name for ex in examples)
    deps.update(c.name for c in classes)
    out.append('<h2 id="examples">Examples</h2>')
    if not examples:
        out.append("<p>No published example.</p>")
    class_names = {c.name for c in classes}
    for ex in examples:
        out.append(f"<h3>{r.page_link(ex.name, ex.title, env)}</h3>")
        if ex.name in biz.roadmaps:
            out.append(f'<p><a href="{urls.href(biz.roadmaps[ex.name].path)}">Roadmap</a></p>')
        items = [i for i in biz.items_of(ex.name) if i.cls in class_names]
        if not items:
            out.append("<p>No items.</p>")
            continue
        for cls in classes:
            mine = [i for i in items if i.cls == cls.name]
            if mine:
                out.append(items_table(r, cls.fields, mine, env))
    out.append("</section>")
    return "".join(out)


def items_table(r: HtmlRenderer, fields: dict, items: list[Item], env: dict) -> str:
    """One row per item: its title (linked to its block) and the fields any item fills."""
    used = [f for f in fields if any(f in i.fields for i in items)]
    head = "".join(f"<th>{escapeHtml(f)}</th>" for f in used)
    rows = []
    for item in items:
        url = r.page_href(item.page.name, env, block_anchor(item.block))
        title = escapeHtml(item.title)
        cells = [
            f'<th scope="row"><a href="{escapeHtml(url)}">{title}</a></th>'
            if url
            else f'<th scope="row">{title}</th>'
        ]
        for f in used:
            prop = item.fields.get(f)
            cells.append(f"<td>{r.property_value(prop, env) if prop is not None else ''}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="table-wrap"><table class="items"><thead><tr><th>Item</th>{head}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def roadmap_context(
    r: HtmlRenderer, biz: Business, road: Roadmap, today: dt.date, env: dict
) -> dict:
    """What the roadmap template shows."""
    cpm: CpmResult = critical_path(road.milestones)
    crit = cpm.path_names
    rows = []
    for m in sorted(road.milestones, key=lambda m: (m.due or dt.date.max, m.title.lower())):
        idx = road.blocks.get(id(m))
        anchor = block_anchor(road.page.blocks[idx]) if idx is not None else ""
        rows.append(
            {
                "title": m.title,
                "url": r.page_href(road.page.name, env, anchor),
                "due": m.due.isoformat() if m.due else "",
                "status": m.state,
                "overdue": m.is_overdue(today),
                "owner": r.page_link(r.ctx.target(m.owner), m.owner, env) if m.owner else "",
                "tactic": r.page_link(r.ctx.target(m.tactic), m.tactic, env) if m.tactic else "",
                "budget": money(m.budget),
                "critical": m.name in crit,
            }
        )
    paths = []
    for project, chain in sorted(cpm.paths.items()):
        paths.append(
            {
                "days": cpm.finish.get(project, 0),
                "steps": [t.milestone.title for t in chain],
            }
        )
    return {"rows": rows, "paths": paths}
