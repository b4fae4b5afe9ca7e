"""Building the site: every output file computed, then written only where it changed.

The output folder is bmtools's only when it holds the marker file
:data:`MARKER` (written on the first build, with the list of files written): a folder
that is not empty and has no marker is refused, so a typo in ``-o`` never mixes the site
into someone's files. Each file goes through :func:`bmtools.writer.write_bytes` with the
output folder as root: atomic, compared first (a file whose bytes are unchanged is not
written, so its modification time stays), and refused when it would land outside the
folder (a symbolic link to elsewhere inside it). Files a previous build wrote that this
build does not make are removed, and only those.

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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import posixpath
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bmtools.config import config_bytes
from bmtools.gcpause import paused_gc
from bmtools.lint.cachefile import diag_in, diag_out
from bmtools.lint.partial import claimed_ids, index_findings
from bmtools.loader import block_ids, read_pages
from bmtools.model import Config, Diagnostic, Graph, Page
from bmtools.names import namespace_parents
from bmtools.site import backlinks as bl
from bmtools.site import business, search, urls
from bmtools.site.assets import graph_file, read_asset
from bmtools.site.assets import output_path as assets_output
from bmtools.site.cache import (
    FORMAT,
    BuildCache,
    Output,
    PageFacts,
    RoadmapT,
    cache_file,
    code_key,
    config_to_keep,
    digest,
    frame,
    mentions,
    read_cache,
    unframe,
    unpack,
    write_cache,
)
from bmtools.site.changes import (
    Changes,
    all_backlinks,
    children_and_tagged,
    default_state,
    moved,
    name_states,
    update_backlinks,
    uuid_states,
)
from bmtools.site.context import KIND_NAMESPACE, KIND_TAG, UUID, SiteContext
from bmtools.site.facts import NeedsPage, page_facts, partial_graph, text_key
from bmtools.site.html import Env, HtmlRenderer, block_anchor
from bmtools.site.output import write_output
from bmtools.site.parallel import run_split
from bmtools.site.publish import published_names, why_nothing
from bmtools.site.theme import ICON, SEARCH_SCRIPT, STYLESHEET, Theme, safe
from bmtools.writer import UnsafePathError, inside

MARKER = ".bmtools-site.json"
MAX_SITEMAP_URLS = 50_000
RACY_NS = 2_000_000_000  # mtime granularity, with room (FAT: 2 s)


class SiteError(Exception):
    """A build that cannot go on (exit code ``code``)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


@dataclass(slots=True)
class BuildResult:
    out: str
    pages: int = 0
    files: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    how: str = ""  # what the build read and rendered, and why (for --verbose and benchmarks)

    def summary(self) -> str:
        unchanged = self.files - len(self.written)
        return (
            f"{self.pages} pages, {self.files} files: {len(self.written)} written, "
            f"{unchanged} unchanged, {len(self.removed)} removed"
        )


# -- the output folder ------------------------------------------------------------------------


def read_marker(out: Path) -> set[str] | None:
    """The files the last build wrote, or None when ``out`` holds no marker."""
    marker = out / MARKER
    if not marker.is_file() or marker.is_symlink():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        return {str(f) for f in data.get("files", [])}
    except (OSError, ValueError, AttributeError):
        return set()


def check_output(out: Path) -> set[str]:
    """The files of the previous build; SiteError when ``out`` is not ours to write."""
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out}: not a folder")
    if not out.exists():
        return set()
    previous = read_marker(out)
    if previous is None:
        if any(out.iterdir()):
            raise SiteError(
                f"{out}: the folder is not empty and was not written by bmtools site "
                f"(no {MARKER} file); choose an empty or new folder"
            )
        return set()
    return previous


def _remove(out: Path, rel: str) -> bool:
    """Remove a file of a previous build, never through a link out of ``out``."""
    try:
        target = inside(out, rel)
    except UnsafePathError:
        return False
    path = out / rel
    if path.is_symlink() or not path.is_file() or Path(os.path.realpath(path)) != target:
        return False
    try:
        path.unlink()
    except OSError:
        return False
    parent = path.parent
    while parent != out and parent.is_dir() and not parent.is_symlink():
        try:
            parent.rmdir()  # only when empty
        except OSError:
            break
        parent = parent.parent
    return True


def clean_output(out: Path) -> list[str]:
    """Empty ``out`` for a fresh build, only when it holds nothing but what bmtools wrote."""
    previous = read_marker(out)
    if previous is None:
        if out.exists() and any(out.iterdir()):
            raise SiteError(f"{out}: not written by bmtools site (no {MARKER}); not emptied")
        return []
    foreign = []
    for dirpath, dirnames, filenames in os.walk(out):
        for fn in filenames:
            rel = os.path.relpath(os.path.join(dirpath, fn), out).replace(os.sep, "/")
            if rel != MARKER and rel not in previous:
                foreign.append(rel)
        for dn in dirnames:
            if os.path.islink(os.path.join(dirpath, dn)):
                foreign.append(os.path.relpath(os.path.join(dirpath, dn), out))
    if foreign:
        raise SiteError(
            f"{out}: holds files bmtools site did not write ({', '.join(sorted(foreign)[:3])}"
            f"{' …' if len(foreign) > 3 else ''}); not emptied"
        )
    removed = [rel for rel in sorted(previous) if _remove(out, rel)]
    return removed


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


class _Full(Exception):
    """The cache cannot answer for this graph: read every page (a full build)."""


class _Renderer(HtmlRenderer):
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
    r: _Renderer
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
    lookups: dict[str, dict[str, str | None]] = field(default_factory=dict)  # see _Renderer
    result: BuildResult = field(default_factory=lambda: BuildResult(""))


def _generated_pages(ctx: SiteContext, by_name: dict[str, PageFacts]) -> None:
    """Tag pages (names used as tags) and namespace pages (parents of published pages)."""
    graph = ctx.graph
    for name in sorted(ctx.published):
        page = graph.pages[name]
        for tag in page.tags:
            target = ctx.target(tag)
            if target not in ctx.paths:
                ctx.add_generated(target, tag, KIND_TAG)
        tagged = by_name[name].tag_refs
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
        old.states.get(n, _UNSEEN)[4] for n in published
    )


_UNSEEN = ("", None, "", "", False, "")


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
            site=_site_vars(site, path),
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
    )
    return urls.relative(html, path).encode("utf-8"), record


def _page_outputs(site: Site, index, children, tagged) -> None:
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
            and not (ch.names and name in site.by_name and site.by_name[name].artifact)
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
        _read_full(site, need)

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
                    _read_full(site, {exc.name})
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


def _plain(record: Output) -> tuple:
    """A record as plain data (sent back by a forked renderer with marshal)."""
    return tuple(getattr(record, f) for f in record.__struct_fields__)


def _read_full(site: Site, names: set[str]) -> None:
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
            raise _Full(f"{rel} changed while the site was built")
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


def _site_vars(site: Site, path: str) -> dict[str, Any]:
    prefix = urls.root_prefix(path)
    return {
        "title": site.title,
        "root": prefix,
        "home": prefix + "index.html",
        "stylesheet": f"{prefix}{urls.STATIC_DIR}/{STYLESHEET}",
        "script": f"{prefix}{urls.STATIC_DIR}/{SEARCH_SCRIPT}",
        "icon": f"{prefix}{urls.STATIC_DIR}/{ICON}",
        "search": prefix + "search.html",
        "search_index": prefix + search.INDEX_FILE,
        "all_pages": prefix + "all-pages.html",
        "journals": prefix + "journals.html",
        "has_journals": site.has_journals,
    }


def _keep_or_render(site: Site, path: str, shown: object, render) -> None:
    """An index file: rendered again only when what it shows changed (or it is gone)."""
    key = digest(json.dumps(shown, ensure_ascii=False, sort_keys=True, default=str))
    site.new.indexes[path] = key
    old = site.old
    if old is not None and old.indexes.get(path) == key and os.path.isfile(site.base + path):
        site.outputs[path] = None
        return
    site.outputs[path] = render()


_INDEXES = ("index.html", "all-pages.html", "journals.html", "search.html", "sitemap.xml")


def _index_outputs(site: Site) -> None:
    """The index pages, the search index, the sitemap and the theme's static files."""
    _search_index(site)
    site.outputs[f"{urls.STATIC_DIR}/{STYLESHEET}"] = site.theme.static(STYLESHEET).encode()
    for name in (SEARCH_SCRIPT, ICON):
        site.outputs[f"{urls.STATIC_DIR}/{name}"] = site.theme.static(name).encode()
    site.outputs[".nojekyll"] = b""
    old = site.old
    if (
        old is not None
        and not _listed_moved(site)
        and all(os.path.isfile(site.base + p) for p in _INDEXES)
    ):
        for path in _INDEXES:  # no page listed moved: the lists are those of the last build
            site.outputs[path] = None
        site.new.indexes = old.indexes
        return
    _lists(site)


def _listed_moved(site: Site) -> bool:
    """Whether a page the indexes list was added, removed, or shows another title, path,
    kind, summary, date or artifact flag (and so may be listed otherwise); or a roadmap."""
    old = site.old
    assert old is not None
    if {n: (r.path, r.title, r.count) for n, r in old.roadmaps.items()} != {
        n: (r.path, r.title, r.count) for n, r in site.roads.items()
    }:
        return True
    ch = site.changes
    if not ch.texts and not ch.names:
        return False
    before = {f.stub[0]: f for f in old.facts.values() if f.stub is not None}
    for name in ch.texts | ch.names:
        then = _listing(old.states.get(name, _UNSEEN), before.get(name))
        now = _listing(site.new.states.get(name, _UNSEEN), site.by_name.get(name))
        if then != now:
            return True
    return False


def _listing(state: tuple, facts: PageFacts | None) -> tuple | None:
    """What the indexes show of a name (see changes.name_states)."""
    if state[1] is None:
        return None  # not on the site
    if state[4] and facts is not None and facts.stub is not None:
        return (state[1], state[2], state[5], facts.summary, facts.stub[7], facts.artifact)
    return (state[1], state[2], state[5])


def _lists(site: Site) -> None:
    """The index pages and the sitemap, each rendered when what it lists changed."""
    ctx = site.ctx
    by_name = site.by_name
    pages = []
    journals = []
    for name, path in ctx.paths.items():
        published = name in ctx.published
        entry = {
            "title": ctx.title_of(name),
            "url": urls.href(path),
            "kind": ctx.generated[name].kind if name in ctx.generated else "page",
            "summary": by_name[name].summary if published else "",
        }
        day = ctx.graph.pages[name].journal_day if published else None
        if day is not None:
            entry["day"] = day.isoformat()
            journals.append(entry)
        else:
            pages.append(entry)
    pages.sort(key=lambda e: (e["title"].lower(), e["url"]))
    journals.sort(key=lambda e: e["day"], reverse=True)
    artifacts = [
        {"title": ctx.graph.pages[n].title, "url": urls.href(ctx.paths[n])}
        for n in sorted(ctx.published, key=lambda n: ctx.graph.pages[n].title.lower())
        if by_name[n].artifact
    ]
    roadmaps = [
        {"title": road.title, "url": urls.href(road.path), "count": road.count}
        for _, road in sorted(site.roads.items())
    ]
    for kind, path, extra in (
        (
            "index",
            "index.html",
            {
                "artifacts": artifacts,
                "journals": journals[:10],
                "roadmaps": roadmaps,
                "count": len(pages),
            },
        ),
        ("all-pages", "all-pages.html", {"pages": pages}),
        ("journals", "journals.html", {"journals": journals}),
        ("search", "search.html", {}),
    ):

        def render(kind=kind, path=path, extra=extra) -> bytes:
            html = site.theme.render(kind, site=_site_vars(site, path), **extra)
            return urls.relative(html, path).encode("utf-8")

        _keep_or_render(site, path, extra, render)
    paths = ["index.html", "all-pages.html"] + sorted(site.ctx.paths.values())
    paths += sorted(road.path for road in site.roads.values())
    _keep_or_render(site, "sitemap.xml", [site.base_url, paths], lambda: _sitemap(site, paths))


def _search_index(site: Site) -> None:
    """The search index, made again when a page's title, path, summary or words changed;
    only the words of pages whose words changed are encoded again, when the site has the
    same pages (their numbers in the index are the same)."""
    path = search.INDEX_FILE
    ch = site.changes
    old = site.old
    if old is not None and not ch.texts and not ch.names and os.path.isfile(site.base + path):
        site.outputs[path] = None
        site.new.search_hits = old.search_hits
        return
    ctx = site.ctx
    names = sorted(ctx.paths)
    pages = []
    for name in names:
        f = site.by_name[name] if name in ctx.published else None
        summary = search.short(f.summary) if f is not None else ""
        pages.append([ctx.title_of(name), urls.quote_path(ctx.paths[name]), summary])
    if old is not None and old.search_hits and set(names) == {r.name for r in old.outputs.values()}:
        before = {f.stub[0]: f for f in old.facts.values() if f.stub is not None}
        number = {name: k for k, name in enumerate(names)}
        changed = {}
        for name in (ch.texts | ch.names) & ctx.paths.keys():
            then = _words(old.states.get(name, default_state(name)), before.get(name))
            now = _words(site.new.states[name], site.by_name.get(name))
            if then != now:
                changed[number[name]] = (then, now)
        hits = search.update_hits(old.search_hits, len(names), changed)
    else:
        hits = search.word_hits(
            [
                [*p, _words(site.new.states[n], site.by_name.get(n))]
                for n, p in zip(names, pages, strict=True)
            ]
        )
    site.new.search_hits = hits
    site.outputs[path] = search.index_file(pages, hits)


def _words(state: tuple, facts: PageFacts | None) -> str:
    """A page's words in the search index: a published page's text, else its title."""
    if state[4] and facts is not None:
        return facts.words
    return search.words(state[2])


def _sitemap(site: Site, paths: list[str]) -> bytes:
    from xml.sax.saxutils import escape

    base = site.base_url.rstrip("/") + "/" if site.base_url else ""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for p in paths[:MAX_SITEMAP_URLS]:
        lines.append(f"<url><loc>{escape(base + urls.quote_path(p))}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _roadmaps(site: Site) -> set[str]:
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
        if ch.names or old.rule != _rule(biz) or old.today != site.today.isoformat():
            again |= {n for n in before if n in ctx.published}
    if site.partial:
        _read_full(site, again)
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


def _rule(biz: business.Business) -> str:
    return biz.rule.text if biz.rule else ""


def _roadmap_outputs(site: Site, again: set[str]) -> None:
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
            site=_site_vars(site, road.path),
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


def _assets(site: Site) -> None:
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
        except _Full:  # a file changed while the site was built: read every page
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
        self.state = _read_state(self.out)
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
        if old is not None and (old.collide or old.read_key != keep["read_key"]):
            old = None  # facts read by another bmtools or with another config.edn
        ids = claimed_ids(graph)
        remade: set[tuple] = set()
        if any(d.code in _INDEX_CODES for d in graph.diagnostics):
            remade = {_same(d) for d in index_findings(graph, ids)}
        diags: dict[str, list[Diagnostic]] = {}
        for d in graph.diagnostics:
            if d.file and _same(d) not in remade:
                diags.setdefault(d.file, []).append(d)
        by_file = {p.file: p for p in graph.pages.values() if p.file is not None}
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
            except _Full as exc:
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
            raise _Full("most files changed")  # one load_graph reads them faster
        facts = {r: before[r] for r in files if r in before}
        reads = read_pages(root, changed, config)
        for rel, (page, diags) in reads.items():
            ids = block_ids(page) if page is not None else []
            facts[rel] = page_facts(rel, page, ids, diags, before.get(rel))
        names = [f.stub[0] for f in facts.values() if f.stub is not None]
        if len(set(names)) != len(names):
            raise _Full("two files name one page")
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
        by_name = {f.stub[0]: f for f in facts.values() if f.stub is not None}
        ctx = SiteContext(graph, published)
        old = self.old
        if old is not None and old.read_key == keep["read_key"] and _same_tags(old, facts, ctx):
            for name, title, kind in old.generated:  # the same tags and names as last time
                ctx.add_generated(name, title, kind)
        else:
            _generated_pages(ctx, by_name)
        folder = opts.templates
        if folder is None and opts.config_templates:
            from bmtools.render.pages import templates_folder

            folder = templates_folder(graph, None)
        theme = Theme(folder)
        r = _Renderer(ctx)
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
        new.rule = _rule(biz)
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
            by_name,
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
        if old is not None and (
            old.page_key != new.page_key or old.collide or old.read_key != new.read_key
        ):
            old = None
        if partial and old is None:
            raise _Full("the site changed")
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
        again = _roadmaps(site)
        planned = set(ctx.paths.values()) | {road.path for road in site.roads.values()}
        _prepare(self.out, planned, self.previous, self.state, site.verified)
        _page_outputs(site, index, children, tagged)
        _index_outputs(site)
        _roadmap_outputs(site, again)
        new.roadmaps = site.roads
        _assets(site)
        new.lookups = {src: sorted(found.items()) for src, found in sorted(site.lookups.items())}
        _write(self.out, site, self.previous, result)
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
                    raise _Full("a name that makes items moved")
        before = {f.stub[0]: f for f in old.facts.values() if f.stub is not None}
        ch.texts = moved(
            {n: f.text for n, f in before.items()}, {n: f.text for n, f in site.by_name.items()}
        )
        if ch.uuids:
            for f in (*before.values(), *site.by_name.values()):
                if any(u in ch.uuids for _, u, _ in f.ids):
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


def _read_state(out: Path) -> dict:
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _check_folders(out: Path, paths, verified: set[str]) -> None:
    """Every folder of ``paths`` stays inside ``out`` (one that is a symbolic link is resolved;
    another is inside when its parent is); the folders found inside go to ``verified``."""
    for folder in sorted({rel.rpartition("/")[0] for rel in paths} - {""} - verified):
        parent = folder.rpartition("/")[0]
        if (not parent or parent in verified) and not os.path.islink(out / folder):
            verified.add(folder)
            continue
        try:
            inside(out, folder)  # a folder that leads out of the site: nothing is written
        except UnsafePathError as exc:
            raise SiteError(f"{out}: refusing to write into {folder}: {exc}") from exc
        verified.add(folder)


def _prepare(
    out: Path, planned: set[str], previous: set[str], state: dict, verified: set[str]
) -> None:
    """Before the first page is written: every folder checked, and the marker naming every
    file this build may write (so that an interrupted build leaves a folder that is ours)."""
    out.mkdir(parents=True, exist_ok=True)
    _check_folders(out, planned, verified)
    marker = dict(state, generator="bmtools site", files=sorted(previous | planned), build="")
    write_output(out, MARKER, _marker_json(marker))


def _write(out: Path, site: Site, previous: set[str], result: BuildResult) -> None:
    _check_folders(out, site.outputs, site.verified)
    for rel, data in sorted(site.outputs.items()):
        if data is None:
            continue
        try:
            if write_output(out, rel, data, site.checked):
                result.written.append(rel)
        except UnsafePathError as exc:
            raise SiteError(f"{out}: refusing to write {rel}: {exc}") from exc
    kept = set(site.outputs)
    for rel in sorted(previous - kept):
        if _remove(out, rel):
            result.removed.append(rel)
    result.files = len(site.outputs)
    state = {
        "generator": "bmtools site",
        "build": site.new.build,
        "files": sorted(kept),
        "digest": hashlib.sha1("\n".join(sorted(kept)).encode()).hexdigest(),
    }
    write_output(out, MARKER, _marker_json(state))


def _marker_json(state: dict) -> bytes:
    """The marker file: JSON, one file name a line (without ``indent``, the json module
    encodes in C: the names of 10k pages in a few milliseconds)."""
    return json.dumps(state, ensure_ascii=False, separators=(",\n ", ": ")).encode("utf-8")
