"""Building the site: every output file computed, then written only where it changed (the
output folder's rules: :mod:`bmtools.site.folder`).

A build remembers what it read and rendered (:mod:`bmtools.site.cache`, outside the site).
The next one renders again only the pages whose output can have changed
(:mod:`bmtools.site.changes`): the edited pages, the pages showing their text (embeds, block
refs, linked references), the pages linking to a name that appeared, disappeared or was
renamed; the indexes when what they list changed. :func:`build_site_from` goes further: it
stats the graph's files, reads only those that changed and the pages the renderings need,
and takes everything else from the facts the cache keeps per page (:mod:`bmtools.site.facts`).
Any doubt (another bmtools, config.edn, theme, metamodel or option; two files naming one
page; a damaged cache; a folder written by other means) means a full build. Either way the
result is the same, byte for byte, as a build into an empty folder.

This module decides where the pages come from (a loaded graph, or the folder with the cache)
and what changed; :mod:`bmtools.site.render` renders, :mod:`bmtools.site.indexes` lists.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bmtools.config import config_bytes
from bmtools.gcpause import paused_gc
from bmtools.lint.cachefile import diag_in, diag_out
from bmtools.lint.partial import claimed_ids, index_findings
from bmtools.loader import block_ids, file_pages, read_pages
from bmtools.model import Config, Diagnostic, Graph
from bmtools.names import namespace_parents
from bmtools.site import business
from bmtools.site.assets import graph_file
from bmtools.site.cache import (
    FORMAT,
    BuildCache,
    PageFacts,
    cache_file,
    code_key,
    config_to_keep,
    digest,
    mentions,
    read_cache,
    write_cache,
)
from bmtools.site.changes import (
    UNSEEN,
    all_backlinks,
    children_and_tagged,
    default_state,
    moved,
    name_states,
    update_backlinks,
    uuid_states,
)
from bmtools.site.context import KIND_NAMESPACE, KIND_TAG, SiteContext
from bmtools.site.facts import by_name, name_texts, page_facts, partial_graph
from bmtools.site.folder import (
    MARKER,
    BuildResult,
    SiteError,
    check_output,
    clean_output,
    prepare,
    read_state,
    write_all,
)
from bmtools.site.indexes import index_outputs
from bmtools.site.publish import published_names, why_nothing
from bmtools.site.render import (
    Full,
    Renderer,
    Site,
    copy_assets,
    page_outputs,
    plan_roadmaps,
    roadmap_outputs,
    rule_text,
)
from bmtools.site.theme import Theme

__all__ = ["MARKER", "BuildResult", "SiteError", "build_site", "build_site_from"]
RACY_NS = 2_000_000_000  # mtime granularity, with room (FAT: 2 s)


# -- the output folder ------------------------------------------------------------------------


# -- the build --------------------------------------------------------------------------------


@dataclass(slots=True)
class Options:
    everything: bool = False
    templates: str | None = None
    title: str | None = None
    base_url: str | None = None
    today: dt.date | None = None
    clean: bool = False
    cache_dir: str | os.PathLike[str] | None = None
    config_templates: bool = False  # templates None: config.edn's :bmtools/templates
    report: Callable[[list[Diagnostic]], None] | None = None  # gets the reading problems


def _generated_pages(ctx: SiteContext, named: dict[str, PageFacts]) -> None:
    """Tag pages (names used as tags) and namespace pages (parents of published pages)."""
    graph = ctx.graph
    for name in sorted(ctx.published):
        page = graph.pages[name]
        for tag in page.tags:
            target = ctx.target(tag)
            if target not in ctx.paths:
                ctx.add_generated(target, tag, KIND_TAG)
        tagged = named[name].tag_refs
        refs = tagged.split("\n") if tagged else ()
        for k in range(0, len(refs), 2):
            target = graph.resolve_name(refs[k])
            if target not in ctx.paths:
                ctx.add_generated(target, refs[k + 1], KIND_TAG)
        if "/" in name:
            titles = page.title.split("/")
            for k, parent in enumerate(namespace_parents(name), 1):
                known = graph.pages.get(parent)
                if parent not in ctx.paths and (known is None or known.file is None):
                    ctx.add_generated(parent, "/".join(titles[:k]), KIND_NAMESPACE)


def _same_tags(old: BuildCache, facts: dict[str, PageFacts], ctx: SiteContext) -> bool:
    """Whether the site's tag and namespace pages are those of the last build: the same
    files, each with the same identity, tags and block tags, and the same pages published."""
    before = old.facts
    if before.keys() != facts.keys():
        return False
    for rel, f in facts.items():
        was = before[rel]
        if f is not was and (f.stub != was.stub or f.tag_refs != was.tag_refs):
            return False
    published = ctx.published
    return len(published) == sum(1 for s in old.states.values() if s[4]) and all(
        old.states.get(n, UNSEEN)[4] for n in published
    )


def build_site(
    graph: Graph,
    out: str | os.PathLike[str],
    *,
    everything: bool = False,
    templates: str | os.PathLike[str] | None = None,
    title: str | None = None,
    base_url: str | None = None,
    today: dt.date | None = None,
    clean: bool = False,
    cache_dir: str | os.PathLike[str] | None = None,
) -> BuildResult:
    """Build the site of a loaded ``graph`` into ``out`` (see the module docstring)."""
    opts = Options(everything, _str(templates), title, base_url, today, clean, cache_dir)
    with paused_gc():  # a build makes few cycles and many objects (see bmtools.gcpause)
        build = _Build(out, opts)
        return build.finish(build.from_graph(graph, None))


def build_site_from(
    root: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    everything: bool = False,
    templates: str | os.PathLike[str] | None = None,
    title: str | None = None,
    base_url: str | None = None,
    today: dt.date | None = None,
    clean: bool = False,
    cache_dir: str | os.PathLike[str] | None = None,
    report: Callable[[list[Diagnostic]], None] | None = None,
) -> BuildResult:
    """Build the site of the graph folder ``root`` into ``out``, reading only the pages that
    changed since the last build and those the pages to render again need. ``report`` gets
    the graph's reading problems (as :func:`bmtools.load_graph` finds them) before anything
    is written; ``templates`` None: ``:bmtools/templates`` in config.edn, else the shipped
    theme."""
    told = []

    def once(diagnostics: list[Diagnostic]) -> None:
        if report is not None and not told:
            told.append(True)
            report(diagnostics)

    opts = Options(
        everything, _str(templates), title, base_url, today, clean, cache_dir, True, once
    )
    with paused_gc():  # a build makes few cycles and many objects (see bmtools.gcpause)
        build = _Build(out, opts)
        try:
            return build.finish(build.from_folder(Path(root)))
        except Full:  # a file changed while the site was built: read every page
            build = _Build(out, replace(opts, clean=False))
            return build.finish(build.from_folder(Path(root), full=True))


def _str(value: str | os.PathLike[str] | None) -> str | None:
    return None if value is None else os.fspath(value)


class _Build:
    """One build: the output folder's state, the last build's cache, the options."""

    def __init__(self, out: str | os.PathLike[str], opts: Options) -> None:
        self.out = Path(out)
        self.opts = opts
        self.removed_first = clean_output(self.out) if opts.clean else []
        self.previous = check_output(self.out)
        self.state = read_state(self.out)
        self.cache_path = cache_file(self.out, opts.cache_dir)
        self.old: BuildCache | None = None
        self.why = ""
        if self.previous:
            self.old = read_cache(self.cache_path, str(self.state.get("build", "")))

    # -- where the pages come from ------------------------------------------------------------

    def from_graph(self, graph: Graph, keep: dict | None) -> Site:
        """Every page read (``keep``: what reading the folder found, for the cache)."""
        if keep is None:
            try:
                raw_config = config_bytes(graph.root)
            except OSError:
                raw_config = b"\x00none"
            keep = {"read_key": digest(FORMAT, code_key(), raw_config)}
        old = self.old
        if old is not None and old.read_key != keep["read_key"]:
            old = None  # facts read by another bmtools or with another config.edn
        ids = claimed_ids(graph)
        remade: set[tuple] = set()
        if any(d.code in _INDEX_CODES for d in graph.diagnostics):
            remade = {_same(d) for d in index_findings(graph, ids)}
        diags: dict[str, list[Diagnostic]] = {}
        for d in graph.diagnostics:
            if d.file and _same(d) not in remade:
                diags.setdefault(d.file, []).append(d)
        by_file = {
            part.file: part
            for p in graph.pages.values()
            for part in file_pages(p)  # two files naming one page: both (BM011)
            if part.file is not None
        }
        before = old.facts if old is not None else {}
        facts = {}
        for rel in graph.files:
            page = by_file.get(rel)
            facts[rel] = page_facts(
                rel, page, ids.get(rel, []), diags.get(rel, []), before.get(rel)
            )
        read = {p.name for p in by_file.values()}
        return self._site(graph, facts, read, keep, collide=bool(graph.collisions))

    def from_folder(self, root: Path, full: bool = False) -> Site:
        """Stat the files; read those that changed; stubs for the others (see
        bmtools.site.facts). Anything the cache cannot answer: every page read."""
        from bmtools.config import read_config
        from bmtools.loader import GraphRootError, discover, load_graph

        if not root.is_dir():
            raise GraphRootError(
                f"{root}: not a folder" if root.exists() else f"{root}: no such folder"
            )
        try:
            raw_config = config_bytes(root)
        except OSError:
            raw_config = b"\x00none"
        read_key = digest(FORMAT, code_key(), raw_config)
        old = self.old
        usable = old is not None and old.read_key == read_key and not old.collide and not full
        if usable and old.config is not None:
            config, config_diags = old.config, [diag_in(d) for d in old.config_diags]
        else:
            config, config_diags = read_config(root)
        stamp = time.time_ns()
        found = list(config_diags)
        files = discover(root, config, found)
        stats = {}
        base = str(root) + os.sep
        for rel in files:
            try:
                st = os.stat(base + rel)
                stats[rel] = (st.st_size, st.st_mtime_ns)
            except OSError:
                stats[rel] = (-1, -1)
        keep = {
            "read_key": read_key,
            "config": (config, config_diags),
            "stats": stats,
            "stamp": stamp,
        }
        if old is None:
            self.why = "no cache for this site"
        elif old.collide:
            self.why = "two files name one page"
        else:
            self.why = "another bmtools or config.edn"
        if full:
            self.why = "a file changed during the last try"
        if usable:
            try:
                return self._partial(root, config, files, found, stats, keep)
            except Full as exc:
                self.why = str(exc)
        graph = load_graph(root, config)
        graph.diagnostics[:0] = config_diags  # as load_graph(root) reports them
        return self.from_graph(graph, keep)

    def _partial(
        self, root: Path, config: Config, files: list[str], found: list, stats: dict, keep: dict
    ) -> Site:
        old = self.old
        assert old is not None
        before = old.facts
        racy = old.stamp - RACY_NS  # a file changed this close to the last scan: read again
        changed = [
            r
            for r in files
            if old.stats.get(r) != stats[r] or r not in before or stats[r][1] >= racy
        ]
        if len(changed) > max(100, len(files) // 4):
            raise Full("most files changed")  # one load_graph reads them faster
        facts = {r: before[r] for r in files if r in before}
        reads = read_pages(root, changed, config)
        for rel, (page, diags) in reads.items():
            ids = block_ids(page) if page is not None else []
            facts[rel] = page_facts(rel, page, ids, diags, before.get(rel))
        names = [f.stub[0] for f in facts.values() if f.stub is not None]
        if len(set(names)) != len(names):
            raise Full("two files name one page")
        meta = [r for r, f in facts.items() if f.meta and r not in reads]
        reads.update(read_pages(root, meta, config))
        graph = partial_graph(str(root), config, files, facts, reads, found)
        read = {p.name for p, _ in reads.values() if p is not None}
        return self._site(graph, facts, read, keep, partial=True)

    # -- the site -------------------------------------------------------------------------------

    def _site(
        self,
        graph: Graph,
        facts: dict[str, PageFacts],
        read: set[str],
        keep: dict,
        partial: bool = False,
        collide: bool = False,
    ) -> Site:
        """The site of a graph (``read``: the pages read in full; ``keep``: what reading the
        folder found, for the cache)."""
        opts = self.opts
        if opts.report is not None:
            opts.report(graph.diagnostics)
        published = published_names(graph, opts.everything)
        if not published:
            raise SiteError(why_nothing(graph), code=1)
        named = by_name(facts)
        ctx = SiteContext(graph, published)
        old = self.old
        if old is not None and old.read_key == keep["read_key"] and _same_tags(old, facts, ctx):
            for name, title, kind in old.generated:  # the same tags and names as last time
                ctx.add_generated(name, title, kind)
        else:
            _generated_pages(ctx, named)
        folder = opts.templates
        if folder is None and opts.config_templates:
            from bmtools.render.pages import templates_folder

            folder = templates_folder(graph, None)
        theme = Theme(folder)
        r = Renderer(ctx)
        today = opts.today or dt.date.today()
        biz = business.load_business(ctx, today, roadmap_pages=())
        r.cards = biz.milestones
        r.card = business.milestone_card
        new = BuildCache(
            build=uuid.uuid4().hex,
            read_key=keep["read_key"],
            collide=collide,
            stats=keep.get("stats", {}),
            stamp=keep.get("stamp", 0),
        )
        config = keep.get("config")
        if config is not None:
            kept = config_to_keep(config[0])
            if kept is not None:
                new.config = kept
                new.config_diags = [diag_out(d) for d in config[1]]
        new.facts = facts
        new.generated = [(g.name, g.title, g.kind) for g in ctx.generated.values()]
        new.rule = rule_text(biz)
        new.today = today.isoformat()
        site = Site(
            ctx,
            r,
            theme,
            opts.title or Path(graph.root).resolve().name or "Logseq graph",
            today,
            opts.base_url,
            biz,
            facts,
            named,
            None,
            new,
            self.out,
            Path(graph.root),
            graph.config,
            partial,
            read,
        )
        site.has_journals = any(graph.pages[n].journal_day is not None for n in published)
        site.base = str(self.out) + os.sep
        new.page_key = _page_key(site, opts.everything)
        old = self.old
        if old is not None and (old.page_key != new.page_key or old.read_key != new.read_key):
            old = None
        if partial and old is None:
            raise Full("the site changed")
        site.old = old
        return site

    def finish(self, site: Site) -> BuildResult:
        """Decide what to render, render it, write it."""
        ctx = site.ctx
        old = site.old
        new = site.new
        new.states = name_states(ctx)
        new.uuids = uuid_states(ctx)
        published = sorted(ctx.published)
        if old is None:
            entries = all_backlinks(((n, site.by_name[n].out) for n in published), new.states)

            def index(name: str) -> str:
                return entries.get(name, "")

        else:
            index = self._changes(site)
        children, tagged = children_and_tagged(ctx)
        result = site.result = BuildResult(str(self.out), pages=len(ctx.paths))
        again = plan_roadmaps(site)
        planned = set(ctx.paths.values()) | {road.path for road in site.roads.values()}
        prepare(self.out, planned, self.previous, self.state, site.verified)
        page_outputs(site, index, children, tagged)
        index_outputs(site)
        roadmap_outputs(site, again)
        new.roadmaps = site.roads
        copy_assets(site)
        new.lookups = {src: sorted(found.items()) for src, found in sorted(site.lookups.items())}
        folders = (site.verified, site.checked)
        write_all(self.out, site.outputs, self.previous, new.build, result, folders)
        write_cache(self.cache_path, new, self.old.base if self.old is not None else None)
        result.removed = self.removed_first + result.removed
        files = len(site.facts)
        if site.partial:
            result.how = f"read {len(site.read)} of {files} pages"
        else:
            result.how = f"read all {files} files" + (f" ({self.why})" if self.why else "")
        if site.old is None and not site.partial:
            result.how += "; rendered every page"
        else:
            result.how += f"; rendered {site.rendered} of {len(ctx.paths)} pages"
        return result

    def _changes(self, site: Site):
        """What moved since the last build (site.changes), and the linked references."""
        old = site.old
        assert old is not None
        new = site.new
        ctx = site.ctx
        ch = site.changes
        ch.names = moved(old.states, new.states, default_state)
        ch.uuids = moved(old.uuids, new.uuids)
        classes = site.biz.mm.class_names
        for n in ch.names:
            was = old.states.get(n, default_state(n))[0]
            now = new.states.get(n, default_state(n))[0]
            if was != now and (was in classes or now in classes):
                if site.partial:
                    raise Full("a name that makes items moved")
        before = by_name(old.facts)
        ch.texts = moved(name_texts(old.facts), name_texts(site.facts))
        if ch.uuids:
            for f in (*old.facts.values(), *site.facts.values()):
                if f.stub is not None and any(u in ch.uuids for _, u, _ in f.ids):
                    ch.texts.add(f.stub[0])
        root = str(site.root)
        for name, looked in old.lookups.items():
            f = site.by_name.get(name)
            if f is None or name in ch.texts:
                continue
            if any(graph_file(root, f.stub[2], link) != found for link, found in looked):
                ch.texts.add(name)
            else:
                site.lookups[name] = dict(looked)
        old_entries = {rec.name: rec.entries for rec in old.outputs.values()}
        sources = set(ch.texts) | set(ch.names)
        if ch.names:
            names = ch.names
            for n in ctx.published:
                if mentions("\n" + site.by_name[n].out + "\n", names):
                    sources.add(n)
        changed = {}
        for src in sources:
            was = before.get(src)
            then = (
                was.out if was is not None and old.states.get(src, default_state(src))[4] else None
            )
            now = site.by_name[src].out if src in ctx.published else None
            if then is not None or now is not None:
                changed[src] = (then, now)
        updated = update_backlinks(old_entries, changed, old.states, new.states)

        def index(name: str) -> str:
            hit = updated.get(name)
            return hit if hit is not None else old_entries.get(name, "")

        return index


_INDEX_CODES = frozenset({"BM010", "BM011", "BM012"})


def _same(d: Diagnostic) -> tuple:
    return (d.code, d.file, d.line, d.col, d.message)


def _page_key(site: Site, everything: bool) -> str:
    """Everything every page shows besides the pages it reads (see bmtools.site.cache)."""
    classes = json.dumps(site.biz.mm.to_dict()["classes"], sort_keys=True, default=str)
    return digest(
        FORMAT,
        everything,
        site.title,
        site.base_url,
        site.theme.digest(),
        json.dumps(site.ctx.graph.config.raw, sort_keys=True, default=str),
        classes,
        site.has_journals,
    )
