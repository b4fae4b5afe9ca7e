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
from collections import defaultdict
from dataclasses import dataclass, field

from markdown_it.common.utils import escapeHtml

from bmtools.items import Item, extract_items
from bmtools.metamodel import Metamodel, is_artifact_page, load_metamodel, read_artifact
from bmtools.milestones.cpm import CpmResult, critical_path
from bmtools.milestones.formats.text import money
from bmtools.milestones.model import MILESTONE_CLASS, Milestone, milestone_from_item
from bmtools.milestones.review import ReviewRule, find_review_rule
from bmtools.model import Page
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
    mm: Metamodel
    items: list[Item]
    by_page: dict[str, list[Item]] = field(default_factory=dict)
    milestones: dict[tuple[str, int], Milestone] = field(default_factory=dict)
    roadmaps: dict[str, Roadmap] = field(default_factory=dict)  # page name -> roadmap
    rule: ReviewRule | None = None


def load_business(ctx: SiteContext, today: dt.date) -> Business:
    """Items and milestones of the published pages, and which pages get a roadmap."""
    graph = ctx.graph
    mm = load_metamodel(graph)
    items = [i for i in extract_items(graph, mm) if i.page.name in ctx.published]
    biz = Business(mm, items)
    spec = mm.classes.get(MILESTONE_CLASS)
    per_page: dict[str, list[Milestone]] = defaultdict(list)
    where: dict[int, int] = {}
    for item in items:
        biz.by_page.setdefault(item.page.name, []).append(item)
        if item.cls == MILESTONE_CLASS and spec is not None and not item.legacy:
            m = milestone_from_item(graph, spec, item)
            biz.milestones[(item.page.name, item.block.index)] = m
            per_page[item.page.name].append(m)
            where[id(m)] = item.block.index
    if per_page:
        biz.rule, _ = find_review_rule(graph, None)
    for name, ms in sorted(per_page.items()):
        page = graph.pages[name]
        digest = hashlib.sha1(
            json.dumps(
                [today.isoformat(), biz.rule.text if biz.rule else ""] + [m.to_dict() for m in ms],
                sort_keys=True,
                default=str,
            ).encode()
        ).hexdigest()
        blocks = {id(m): where[id(m)] for m in ms}
        biz.roadmaps[name] = Roadmap(page, ms, urls.roadmap_path(name), digest, blocks)
    return biz


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
        items = [i for i in biz.by_page.get(ex.name, []) if i.cls in class_names]
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
