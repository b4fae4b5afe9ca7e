"""Rendering the output pages a build decided to render (bmtools.site.changes), with what
each rendering read recorded for the next build; roadmaps; copied assets.

In an incremental build most pages are stubs (bmtools.site.facts): before rendering, the
pages a rendering will show are read in full (the page, the pages its last rendering showed,
the referring pages its linked references show); a rendering that asks for another one
raises NeedsPage, and that page is read and the rendering done again.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bmtools.loader import read_pages
from bmtools.model import Config, Page
from bmtools.names import namespace_parents
from bmtools.site import backlinks as bl
from bmtools.site import business, search, urls
from bmtools.site.assets import graph_file, read_asset
from bmtools.site.assets import output_path as assets_output
from bmtools.site.cache import (
    BuildCache,
    Output,
    PageFacts,
    RoadmapT,
    digest,
    frame,
    mentions,
    unframe,
    unpack,
)
from bmtools.site.changes import Changes
from bmtools.site.context import UUID, SiteContext
from bmtools.site.facts import NeedsPage, text_key
from bmtools.site.folder import BuildResult, SiteError
from bmtools.site.html import Env, HtmlRenderer, block_anchor
from bmtools.site.indexes import site_vars
from bmtools.site.output import write_output
from bmtools.site.parallel import run_split
from bmtools.site.theme import Theme, safe
from bmtools.writer import UnsafePathError


class Full(Exception):
    """The cache cannot answer for this graph: read every page (a full build)."""


class Renderer(HtmlRenderer):
    """The renderer of a build, noting what each rendering asks of the site beyond what
    :class:`SiteContext` logs itself (the renderer remembers targets and links across pages)
    and which files each page's relative links look up (an asset that appears or disappears
    changes the pages linking to it)."""

    def __init__(self, ctx: SiteContext) -> None:
        super().__init__(ctx)
        self.lookups: dict[str, dict[str, str | None]] = {}  # page -> link -> graph file
        self._keys: dict[str, str] = {}

    def target(self, inner: str) -> str:
        base = getattr(super(), "target", None)
        name = base(inner) if base is not None else self.ctx.target(inner)
        log = self.ctx.log
        if log is not None:
            key = self._keys.get(inner)
            if key is None:
                key = self._keys[inner] = self.ctx.key(inner)
            log.append(key)
            log.append(name)
        return name

    def page_link(self, name: str, label: str, env: dict, cls: str = "") -> str:
        if self.ctx.log is not None:
            self.ctx.log.append(name)
        return super().page_link(name, label, env, cls)

    def link_target(self, href: str, env: dict, image: bool = False) -> tuple[str | None, str]:
        url, cls = super().link_target(href, env, image)
        if cls in ("asset", "link-missing"):
            page = env.get("page")
            if page is not None:
                link = href.strip()
                found = graph_file(self.ctx.graph.root, page.file, link)
                self.lookups.setdefault(page.name, {})[link] = found
        return url, cls


@dataclass(slots=True)
class Site:
    """Everything one build computes before writing."""

    ctx: SiteContext
    r: Renderer
    theme: Theme
    title: str
    today: dt.date
    base_url: str | None
    biz: business.Business
    facts: dict[str, PageFacts]  # file -> facts
    by_name: dict[str, PageFacts]  # page name -> facts
    old: BuildCache | None  # the last build's cache, when its outputs can be trusted
    new: BuildCache
    out: Path
    root: Path
    config: Config
    partial: bool  # pages not in ``read`` are stubs (see bmtools.site.facts)
    read: set[str]  # the pages read in full
    outputs: dict[str, bytes | None] = field(default_factory=dict)  # None: keep the file
    changes: Changes = field(default_factory=Changes)
    roads: dict[str, RoadmapT] = field(default_factory=dict)  # every roadmap of the site
    has_journals: bool = False
    base: str = ""  # the output folder with a separator: where its files are
    rendered: int = 0
    checked: set[str] = field(default_factory=set)  # output folders made, found inside the site
    verified: set[str] = field(default_factory=set)  # output folders found inside the site
    lookups: dict[str, dict[str, str | None]] = field(default_factory=dict)  # see Renderer
    result: BuildResult = field(default_factory=lambda: BuildResult(""))


def _env() -> Env:
    return Env(stack=(), deps=set(), links=set(), assets=set(), _embeds=[])


def _link(site: Site, name: str, title: str) -> str:
    return site.r.page_link(name, title, _env())


def _breadcrumbs(site: Site, name: str, title: str) -> list[dict[str, Any]]:
    parents = namespace_parents(name)
    titles = title.split("/")
    out = []
    for k, parent in enumerate(parents, 1):
        url = site.r.page_href(parent, {})
        out.append({"title": "/".join(titles[:k]) if len(titles) > k else parent, "url": url})
    return out


def _links(site: Site, names: list[str]) -> list[dict[str, Any]]:
    ctx = site.ctx
    return [
        {"title": ctx.title_of(n), "url": site.r.page_href(n, {})}
        for n in sorted(names, key=lambda n: ctx.title_of(n).lower())
    ]


def _pairs(entries: list) -> list[tuple[str, int]]:
    return [(entries[k], entries[k + 1]) for k in range(0, len(entries), 2)]


def _shown_sources(site: Site, entries: list) -> set[str]:
    """The pages whose blocks the linked references of ``entries`` show (the others are only
    named): read in full before rendering."""
    counts: dict[str, int] = {}
    for k in range(0, len(entries), 2):
        counts[entries[k]] = counts.get(entries[k], 0) + 1
    shown: set[str] = set()
    total = 0
    for src in sorted(counts, key=lambda n: bl.source_order(site.ctx, n)):
        if total >= bl.MAX_BLOCKS:
            break
        shown.add(src)
        total += counts[src]
    return shown


def _render_page(
    site: Site, name: str, path: str, packed: str, kids: list[str], tags_of: list[str]
) -> tuple[bytes, Output]:
    """One output page and what its rendering read."""
    ctx, r = site.ctx, site.r
    entries = unpack(packed)
    pairs = _pairs(entries)
    ctx.log = log = []
    shown: set[str] = set()

    def block_href(page: Page, idx: int) -> str:
        shown.add(page.name)
        block = page.blocks[idx]
        anchor = "" if block.pre_block else block_anchor(block)  # page properties: the top
        return r.page_href(page.name, {}, anchor) or ""

    def link(target: str, title: str) -> str:
        return _link(site, target, title)

    try:
        page = ctx.page_of(name)
        env = _env()
        if page is not None:
            env["page"] = page
            outline = r.outline(page, page.top_blocks(), env, ids=True)
            props = r.properties_html(page.properties, env, "page-props")
            artifact = business.artifact_section(r, site.biz, page, env)
            title = page.title
            kind = "journal" if page.journal_day is not None else "page"
            description = search.summary(page) or f"{title} ({kind})"
        else:
            gen = ctx.generated[name]
            outline = props = artifact = ""
            title = gen.title
            kind = gen.kind
            description = f"{title} ({kind})"
        back = bl.backlinks_html(ctx, pairs, block_href, link, tags_of) if pairs else ""
        roadmap = site.roads.get(name)
        tags = [ctx.target(t) for t in page.tags] if page is not None else []
        html = site.theme.render(
            "page",
            site=site_vars(site, path),
            page={
                "title": title,
                "name": name,
                "kind": kind,
                "path": path,
                "description": description,
                "day": page.journal_day.isoformat() if page and page.journal_day else "",
                "breadcrumbs": _breadcrumbs(site, name, title),
                "tags": _links(site, tags),
                "properties": safe(props),
                "outline": safe(outline),
                "artifact": safe(artifact),
                "children": _links(site, kids),
                "tagged": _links(site, tags_of),
                "backlinks": safe(back),
                "backlink_count": len(pairs),
                "roadmap": urls.href(roadmap.path) if roadmap else "",
            },
        )
    finally:
        ctx.log = None
    names = {e for e in log if e.__class__ is str}
    names.update(namespace_parents(name))
    names.update(entries[0::2])
    names.add(name)
    deps = {name} | env["deps"] | shown
    uuids = set()
    for e in log:
        if e.__class__ is tuple:
            (uuids if e[0] == UUID else deps).add(e[1])
    record = Output(
        name,
        frame(deps),
        frame(names),
        frame(uuids),
        packed,
        frame(kids),
        frame(tags_of),
        frame(env["assets"]),
        frame(env.get("prefixes", ())),
    )
    return urls.relative(html, path).encode("utf-8"), record


def page_outputs(site: Site, index, children, tagged) -> None:
    """Render the pages whose output can have changed (see bmtools.site.changes)."""
    ctx = site.ctx
    old = site.old
    ch = site.changes
    new_outputs = site.new.outputs
    todo = []
    for name, path in sorted(ctx.paths.items()):
        entries = index(name)
        kids = children.get(name, [])
        tags_of = tagged.get(name, [])
        rec = old.outputs.get(path) if old is not None else None
        if (
            rec is not None
            and rec.name == name
            and not mentions(rec.deps, ch.texts)
            and not mentions(rec.reads, ch.names)
            and not mentions(rec.uuids, ch.uuids)
            and (rec.entries is entries or rec.entries == entries)
            and rec.children == frame(kids)
            and rec.tagged == frame(tags_of)
            and not _prefixed(rec.prefixes, ch.names)
            and os.path.isfile(site.base + path)
        ):
            site.outputs[path] = None  # unchanged since the last build
            new_outputs[path] = rec
            continue
        todo.append((name, path, entries, kids, tags_of, rec))
    if site.partial:
        need: set[str] = set()
        for name, _, entries, _, _, rec in todo:
            need.add(name)
            if rec is not None:
                need.update(unframe(rec.deps))
            need |= _shown_sources(site, unpack(entries))
        read_full(site, need)

    def work(share: list) -> dict:
        """Render and write a share of the pages; what the build must remember."""
        done: dict = {"written": [], "pages": {}, "lookups": {}}
        r = site.r
        for name, path, entries, kids, tags_of, _ in share:
            r.lookups = {}
            asked: set[str] = set()
            while True:
                try:
                    data, record = _render_page(site, name, path, entries, kids, tags_of)
                    break
                except NeedsPage as exc:  # a page this build has not read: read it, again
                    if exc.name in asked or not site.partial:
                        raise
                    asked.add(exc.name)
                    read_full(site, {exc.name})
            if _emit(site, path, data):
                done["written"].append(path)
            done["pages"][path] = _plain(record)
            for src, found in r.lookups.items():
                done["lookups"].setdefault(src, {}).update(found)
        return done

    for part in run_split(todo, work):
        site.result.written.extend(part["written"])
        site.rendered += len(part["pages"])
        for path, plain in part["pages"].items():
            new_outputs[path] = Output(*plain)
            site.outputs[path] = None  # written already
        for src, found in part["lookups"].items():
            site.lookups.setdefault(src, {}).update(found)


def _prefixed(prefixes: str, names: set[str]) -> bool:
    """Whether a name that moved starts with one of the (frame'd) prefixes: an artifact
    page lists the pages under its ``…/examples/``, whatever links them."""
    if not prefixes or not names:
        return False
    starts = tuple(unframe(prefixes))
    return any(name.startswith(starts) for name in names)


def _plain(record: Output) -> tuple:
    """A record as plain data (sent back by a forked renderer with marshal)."""
    return tuple(getattr(record, f) for f in record.__struct_fields__)


def read_full(site: Site, names: set[str]) -> None:
    """Read pages the build has only as stubs (see bmtools.site.facts)."""
    graph = site.ctx.graph
    wanted = {}
    for name in names:
        f = site.by_name.get(name)
        if f is not None and name not in site.read and f.stub is not None:
            wanted[f.stub[2]] = name
    if not wanted:
        return
    dropped: dict[str, list[int]] = {}
    for owner, index, _ in graph.dropped_ids:  # owner: the page's file (or name)
        dropped.setdefault(owner, []).append(index)
    for rel, (page, _) in read_pages(site.root, sorted(wanted), site.config).items():
        name = wanted[rel]
        if page is None or page.name != name or text_key(rel, page) != site.by_name[name].text:
            raise Full(f"{rel} changed while the site was built")
        for index in (*dropped.get(rel, ()), *dropped.get(name, ())):
            page.blocks[index].uuid = None  # an earlier page holds the id (as load_graph)
        graph.pages[name] = page
        site.read.add(name)


def _emit(site: Site, rel: str, data: bytes) -> bool:
    """Write one file of the site now (atomic, only when its bytes changed)."""
    try:
        return write_output(site.out, rel, data, site.checked)
    except UnsafePathError as exc:
        raise SiteError(f"{site.out}: refusing to write {rel}: {exc}") from exc


def plan_roadmaps(site: Site) -> set[str]:
    """Every roadmap of the site (in ``site.roads``); the pages whose roadmap is made again
    (in ``site.biz.roadmaps``), the others kept from the last build."""
    ctx, biz = site.ctx, site.biz
    old = site.old
    ch = site.changes
    before = old.roadmaps if old is not None else {}
    if old is None:
        again = set(ctx.published)
    else:
        again = {n for n in ch.texts if n in ctx.published}
        if ch.names or old.rule != rule_text(biz) or old.today != site.today.isoformat():
            again |= {n for n in before if n in ctx.published}
    if site.partial:
        read_full(site, again)
    for name in sorted(again):
        ms = biz.page_milestones(name)
        if ms:
            biz.roadmaps[name] = business.make_roadmap(biz, ctx.graph.pages[name], ms, site.today)
    for name, kept in before.items():
        if name not in again and name in ctx.published:
            page = ctx.graph.pages[name]
            biz.roadmaps[name] = business.Roadmap(page, [], kept.path, kept.key)
            site.roads[name] = kept
    biz.roadmaps = dict(sorted(biz.roadmaps.items()))
    for name, road in biz.roadmaps.items():
        if name in again:
            site.roads[name] = RoadmapT(
                road.path, road.page.title, len(road.milestones), "", "", ""
            )
    site.roads = dict(sorted(site.roads.items()))
    return again


def rule_text(biz: business.Business) -> str:
    return biz.rule.text if biz.rule else ""


def roadmap_outputs(site: Site, again: set[str]) -> None:
    """Roadmap pages, made again only when their plan, the names they show or the site
    changed; the SVG timeline is drawn again only when its plan changed."""
    r = site.r
    out = site.out
    old = site.old.roadmaps if site.old is not None else {}
    page_key = site.new.page_key
    for name, road in site.biz.roadmaps.items():
        done = [road.path, road.svg_path, road.ics_path]
        kept = old.get(name)
        if name not in again:
            for p in done:
                site.outputs[p] = None
            continue
        whole = digest(page_key, road.key)
        if (
            kept is not None
            and kept.whole == whole
            and not mentions(kept.reads, site.changes.names)
            and all((out / p).is_file() for p in done)
        ):
            for p in done:  # the same plan on the same site: nothing to compute
                site.outputs[p] = None
            site.roads[name] = kept
            continue
        from bmtools.milestones.cpm import critical_path
        from bmtools.milestones.formats.ics import generate_ics  # icalendar: 0.1 s to import

        env = _env()
        site.ctx.log = log = []
        try:
            ctx = business.roadmap_context(r, site.biz, road, site.today, env)
        finally:
            site.ctx.log = None
        if kept is not None and kept.key == road.key and (out / road.svg_path).is_file():
            site.outputs[road.svg_path] = None  # drawn by an earlier build from the same plan
        else:
            from bmtools.milestones.formats.svg import generate_svg  # matplotlib: ~1 s to import

            svg = generate_svg(
                road.milestones,
                site.today,
                critical_path(road.milestones).path_names,
                title=road.page.title,
            )
            site.outputs[road.svg_path] = svg
        site.outputs[road.ics_path] = generate_ics(
            road.milestones, site.today, site.biz.rule, name=road.page.title
        )
        html = site.theme.render(
            "roadmap",
            site=site_vars(site, road.path),
            roadmap={
                "title": road.page.title,
                "page_url": r.page_href(name, env),
                "svg": posixpath.basename(road.svg_path),
                "ics": posixpath.basename(road.ics_path),
                "rule": site.biz.rule.text if site.biz.rule else "",
                "today": site.today.isoformat(),
                "rows": [
                    {**row, "owner": safe(row["owner"]), "tactic": safe(row["tactic"])}
                    for row in ctx["rows"]
                ],
                "paths": ctx["paths"],
                "description": f"Roadmap of {road.page.title}: timeline, critical path "
                f"and plan-review calendar",
            },
        )
        site.outputs[road.path] = urls.relative(html, road.path).encode("utf-8")
        reads = frame({e for e in log if e.__class__ is str} | {name})
        site.roads[name] = RoadmapT(
            road.path, road.page.title, len(road.milestones), road.key, whole, reads
        )


def copy_assets(site: Site) -> None:
    """The graph files pages link to, copied when new or changed (by their stats)."""
    ctx = site.ctx
    wanted: set[str] = set()
    for rec in site.new.outputs.values():
        if rec.assets:
            wanted.update(unframe(rec.assets))
    old = site.old.assets if site.old is not None else {}
    for src in sorted(wanted):
        dest = assets_output(src)
        ctx.assets[src] = dest
        try:
            st = os.stat(os.path.join(ctx.graph.root, src))
            stat = (st.st_size, st.st_mtime_ns)
        except OSError:
            stat = (-1, -1)
        if old.get(src) == stat and stat[0] >= 0 and os.path.isfile(site.out / dest):
            site.outputs[dest] = None
            site.new.assets[src] = stat
            continue
        try:
            site.outputs[dest] = read_asset(ctx.graph.root, src)
            site.new.assets[src] = stat
        except OSError as exc:
            site.result.problems.append(f"{src}: not copied ({exc.strerror or exc})")
