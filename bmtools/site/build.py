"""Building the site: every output file computed, then written only where it changed.

The output folder is bmtools's only when it holds the marker file
:data:`MARKER` (written on the first build, with the list of files written): a folder
that is not empty and has no marker is refused, so a typo in ``-o`` never mixes the site
into someone's files. Each file goes through :func:`bmtools.writer.write_bytes` with the
output folder as root: atomic, compared first (a file whose bytes are unchanged is not
written, so its modification time stays), and refused when it would land outside the
folder (a symbolic link to elsewhere inside it). Files a previous build wrote that this
build does not make are removed, and only those.

Rendering is cached per page (:mod:`bmtools.site.cache`, outside the site): a page's HTML is
re-rendered only when a page it shows changed (the page itself, pages it embeds or refers
to, pages whose blocks refer to it) or the set of pages on the site changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import posixpath
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bmtools.metamodel import is_artifact_page
from bmtools.model import TAG, Graph, Page
from bmtools.names import namespace_parents
from bmtools.site import backlinks as bl
from bmtools.site import business, search, urls
from bmtools.site.assets import output_path as assets_output
from bmtools.site.assets import read_asset
from bmtools.site.cache import BuildCache, cache_file, digest, read_cache, write_cache
from bmtools.site.context import KIND_NAMESPACE, KIND_TAG, SiteContext
from bmtools.site.html import Env, HtmlRenderer, block_anchor
from bmtools.site.output import write_output
from bmtools.site.parallel import run_split
from bmtools.site.publish import published_names, why_nothing
from bmtools.site.theme import ICON, SEARCH_SCRIPT, STYLESHEET, Theme, safe
from bmtools.writer import UnsafePathError, inside

MARKER = ".bmtools-site.json"
MAX_SITEMAP_URLS = 50_000


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
class Site:
    """Everything one build computes before writing."""

    ctx: SiteContext
    r: HtmlRenderer
    theme: Theme
    title: str
    today: dt.date
    base_url: str | None
    biz: business.Business
    outputs: dict[str, bytes | None] = field(default_factory=dict)  # None: keep the file
    cache: BuildCache = field(default_factory=BuildCache)
    new_cache: BuildCache = field(default_factory=BuildCache)
    sources: dict[str, str] = field(default_factory=dict)  # page name -> digest of its text
    has_journals: bool = False
    out: Path = Path(".")
    rendered: int = 0
    checked: set[str] = field(default_factory=set)  # output folders found inside the site
    result: BuildResult = field(default_factory=lambda: BuildResult(""))


def _generated_pages(ctx: SiteContext) -> None:
    """Tag pages (names used as tags) and namespace pages (parents of published pages)."""
    graph = ctx.graph
    for name in sorted(ctx.published):
        page = graph.pages[name]
        for tag in page.tags:
            target = ctx.target(tag)
            if target not in ctx.paths:
                ctx.add_generated(target, tag, KIND_TAG)
        for block in page.blocks:
            for ref in block.refs:
                if ref.kind == TAG:
                    target = graph.resolve_name(ref.target)
                    if target not in ctx.paths:
                        ctx.add_generated(target, ref.text, KIND_TAG)
        if "/" in name:
            titles = page.title.split("/")
            for k, parent in enumerate(namespace_parents(name), 1):
                known = graph.pages.get(parent)
                if parent not in ctx.paths and (known is None or known.file is None):
                    ctx.add_generated(parent, "/".join(titles[:k]), KIND_NAMESPACE)


def _env() -> Env:
    return Env(stack=(), deps=set(), links=set(), assets=set(), _embeds=[])


def _link(site: Site, name: str, title: str) -> str:
    return site.r.page_link(name, title, _env())


def _description(page: Page | None, fallback: str) -> str:
    if page is None:
        return fallback
    return search.summary(page) or fallback


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


def _page_outputs(site: Site, index: dict[str, list[tuple[str, int]]]) -> None:
    ctx, r = site.ctx, site.r
    graph = ctx.graph
    children: dict[str, list[str]] = {}
    for name in ctx.paths:
        page = graph.pages.get(name)
        parent = page.namespace if page is not None else posixpath.dirname(name) or None
        if parent and parent in ctx.paths:
            children.setdefault(parent, []).append(name)
    tagged: dict[str, list[str]] = {}
    for name in ctx.published:
        for tag in graph.pages[name].tags:
            target = ctx.target(tag)
            if target in ctx.paths and target != name:
                tagged.setdefault(target, []).append(name)

    def block_href(page: Page, idx: int) -> str:
        block = page.blocks[idx]
        anchor = "" if block.pre_block else block_anchor(block)  # page properties: the top
        return r.page_href(page.name, {}, anchor) or ""

    def link(name: str, title: str) -> str:
        return _link(site, name, title)

    cache, new = site.cache, site.new_cache
    todo = []
    for name, path in sorted(ctx.paths.items()):
        entries = index.get(name, [])
        old = cache.pages.get(path)
        refs_key = digest(new.site_key, *(f"{s}:{i}" for s, i in entries))
        if old is not None and (site.out / path).is_file():
            fingerprint = new.fingerprint(refs_key, old[1], site.sources)
            if fingerprint == old[0]:
                site.outputs[path] = None  # unchanged since the last build
                new.pages[path] = old
                for rel in old[2]:
                    ctx.assets[rel] = assets_output(rel)
                continue
        todo.append((name, path, refs_key))

    def render(name: str, path: str, refs_key: str) -> tuple[bytes, list]:
        entries = index.get(name, [])
        page = ctx.page_of(name)
        env = _env()
        if page is not None:
            env["page"] = page
            outline = r.outline(page, page.top_blocks(), env, ids=True)
            props = r.properties_html(page.properties, env, "page-props")
            artifact = business.artifact_section(r, site.biz, page, env)
            title = page.title
            kind = "journal" if page.journal_day is not None else "page"
        else:
            gen = ctx.generated[name]
            outline = props = artifact = ""
            title = gen.title
            kind = gen.kind
        back = bl.backlinks_html(ctx, entries, block_href, link) if entries else ""
        roadmap = site.biz.roadmaps.get(name)
        tags = [ctx.target(t) for t in page.tags] if page is not None else []
        html = site.theme.render(
            "page",
            site=_site_vars(site, path),
            page={
                "title": title,
                "name": name,
                "kind": kind,
                "path": path,
                "description": _description(page, f"{title} ({kind})"),
                "day": page.journal_day.isoformat() if page and page.journal_day else "",
                "breadcrumbs": _breadcrumbs(site, name, title),
                "tags": _links(site, tags),
                "properties": safe(props),
                "outline": safe(outline),
                "artifact": safe(artifact),
                "children": _links(site, children.get(name, [])),
                "tagged": _links(site, tagged.get(name, [])),
                "backlinks": safe(back),
                "backlink_count": len(entries),
                "roadmap": urls.href(roadmap.path) if roadmap else "",
            },
        )
        deps = sorted({name} | env["deps"] | {src for src, _ in entries})
        entry = [new.fingerprint(refs_key, deps, site.sources), deps, sorted(env["assets"])]
        return urls.relative(html, path).encode("utf-8"), entry

    def work(share: list) -> dict:
        """Render and write a share of the pages; what the build must remember."""
        done: dict = {"written": [], "pages": {}}
        for name, path, refs_key in share:
            data, entry = render(name, path, refs_key)
            if _emit(site, path, data):
                done["written"].append(path)
            done["pages"][path] = entry
        return done

    for part in run_split(todo, work):
        site.result.written.extend(part["written"])
        site.rendered += len(part["pages"])
        for path, entry in part["pages"].items():
            new.pages[path] = entry
            site.outputs[path] = None  # written already
            for rel in entry[2]:
                ctx.assets[rel] = assets_output(rel)


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


def _index_outputs(site: Site) -> None:
    ctx = site.ctx
    graph = ctx.graph
    pages = []
    journals = []
    for name, path in ctx.paths.items():
        page = ctx.page_of(name)
        entry = {
            "title": ctx.title_of(name),
            "url": urls.href(path),
            "kind": ctx.generated[name].kind if name in ctx.generated else "page",
            "summary": _description(page, ""),
        }
        if page is not None and page.journal_day is not None:
            entry["day"] = page.journal_day.isoformat()
            journals.append(entry)
        else:
            pages.append(entry)
    pages.sort(key=lambda e: (e["title"].lower(), e["url"]))
    journals.sort(key=lambda e: e["day"], reverse=True)
    artifacts = [
        {"title": graph.pages[n].title, "url": urls.href(ctx.paths[n])}
        for n in sorted(ctx.published, key=lambda n: graph.pages[n].title.lower())
        if is_artifact_page(graph.pages[n])
    ]
    roadmaps = [
        {"title": road.page.title, "url": urls.href(road.path), "count": len(road.milestones)}
        for road in site.biz.roadmaps.values()
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
        html = site.theme.render(kind, site=_site_vars(site, path), **extra)
        site.outputs[path] = urls.relative(html, path).encode("utf-8")
    entries = []
    for name in sorted(ctx.paths):
        page = ctx.page_of(name)
        title = ctx.title_of(name)
        key = digest(site.sources.get(name, ""), ctx.paths[name], title)
        cached = site.cache.search.get(name)
        if cached is not None and cached[0] == key:
            entry = cached[1]
        else:
            text = search.page_text(page) if page is not None else title
            entry = [
                title,
                urls.quote_path(ctx.paths[name]),
                search.short(_description(page, "")),
                search.words(text),
            ]
        site.new_cache.search[name] = [key, entry]
        entries.append(entry)
    site.outputs[search.INDEX_FILE] = search.index_js(entries)
    site.outputs[f"{urls.STATIC_DIR}/{STYLESHEET}"] = site.theme.static(STYLESHEET).encode()
    for name in (SEARCH_SCRIPT, ICON):
        site.outputs[f"{urls.STATIC_DIR}/{name}"] = site.theme.static(name).encode()
    site.outputs["sitemap.xml"] = _sitemap(site)
    site.outputs[".nojekyll"] = b""


def _sitemap(site: Site) -> bytes:
    from xml.sax.saxutils import escape

    base = site.base_url.rstrip("/") + "/" if site.base_url else ""
    paths = ["index.html", "all-pages.html"] + sorted(site.ctx.paths.values())
    paths += sorted(road.path for road in site.biz.roadmaps.values())
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for p in paths[:MAX_SITEMAP_URLS]:
        lines.append(f"<url><loc>{escape(base + urls.quote_path(p))}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _roadmap_outputs(site: Site, out: Path, previous: dict[str, str]) -> dict[str, str]:
    """Roadmap pages, made again only when their plan or the site changed; the SVG timeline
    is drawn again only when its plan changed."""
    from bmtools.milestones.cpm import critical_path
    from bmtools.milestones.formats.ics import generate_ics

    keys = {}
    r = site.r
    for name, road in sorted(site.biz.roadmaps.items()):
        keys[road.svg_path] = road.key
        whole = keys[road.path] = digest(site.new_cache.site_key, road.key)
        done = [road.path, road.svg_path, road.ics_path]
        if previous.get(road.path) == whole and all((out / p).is_file() for p in done):
            for p in done:  # the same plan on the same site: nothing to compute
                site.outputs[p] = None
            continue
        env = _env()
        ctx = business.roadmap_context(r, site.biz, road, site.today, env)
        if previous.get(road.svg_path) == road.key and (out / road.svg_path).is_file():
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
    return keys


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
    """Build the site of ``graph`` into ``out`` (see the module docstring)."""
    out_path = Path(out)
    removed_first = clean_output(out_path) if clean else []
    previous = check_output(out_path)
    published = published_names(graph, everything)
    if not published:
        raise SiteError(why_nothing(graph), code=1)
    ctx = SiteContext(graph, published)
    _generated_pages(ctx)
    theme = Theme(templates)
    r = HtmlRenderer(ctx)
    today = today or dt.date.today()
    biz = business.load_business(ctx, today)
    r.cards = biz.milestones
    r.card = business.milestone_card
    site = Site(
        ctx,
        r,
        theme,
        title or Path(graph.root).resolve().name or "Logseq graph",
        today,
        base_url,
        biz,
    )
    site.out = out_path
    site.has_journals = any(graph.pages[n].journal_day is not None for n in published)
    site.sources = {n: digest(graph.pages[n].source) for n in published}
    state = _read_state(out_path)
    cache_path = cache_file(out_path, cache_dir)
    site.cache = read_cache(cache_path, str(state.get("build", ""))) if previous else BuildCache()
    site.new_cache.build = uuid.uuid4().hex
    site.new_cache.site_key = _site_key(site, theme, everything)
    if site.cache.site_key != site.new_cache.site_key:
        site.cache = BuildCache(search=site.cache.search, refs=site.cache.refs)
    result = site.result = BuildResult(str(out_path), pages=len(ctx.paths))
    planned = set(ctx.paths.values()) | {road.path for road in biz.roadmaps.values()}
    _prepare(out_path, planned, previous, state)
    index, site.new_cache.refs = bl.backlink_index(ctx, site.cache.refs, site.sources)
    _page_outputs(site, index)
    _index_outputs(site)
    svg_keys = _roadmap_outputs(site, out_path, state.get("svg", {}))
    for src, dest in sorted(ctx.assets.items()):
        try:
            site.outputs[dest] = read_asset(graph.root, src)
        except OSError as exc:
            result.problems.append(f"{src}: not copied ({exc.strerror or exc})")
    _write(out_path, site, previous, result, svg_keys)
    write_cache(cache_path, site.new_cache)
    result.removed = removed_first + result.removed
    return result


def _site_key(site: Site, theme: Theme, everything: bool) -> str:
    """Everything every page shows besides the pages it reads (see bmtools.site.cache)."""
    from bmtools import __version__

    ctx = site.ctx
    graph = ctx.graph
    shown = [
        (n, p, ctx.title_of(n), sorted(graph.pages[n].tags) if n in ctx.published else "")
        for n, p in sorted(ctx.paths.items())
    ]
    classes = json.dumps(site.biz.mm.to_dict()["classes"], sort_keys=True, default=str)
    return digest(
        __version__,
        everything,
        site.title,
        site.base_url,
        site.today,
        theme.digest(),
        json.dumps(graph.config.raw, sort_keys=True, default=str),
        json.dumps(shown, ensure_ascii=False),
        classes,
        sorted(site.biz.roadmaps),
    )


def _read_state(out: Path) -> dict:
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _check_folders(out: Path, paths, checked: set[str] | None = None) -> None:
    for folder in sorted({posixpath.dirname(rel) for rel in paths} - {""}):
        if checked is not None and folder in checked:
            continue
        try:
            inside(out, folder)  # a folder that leads out of the site: nothing is written
        except UnsafePathError as exc:
            raise SiteError(f"{out}: refusing to write into {folder}: {exc}") from exc


def _prepare(out: Path, planned: set[str], previous: set[str], state: dict) -> None:
    """Before the first page is written: every folder checked, and the marker naming every
    file this build may write (so that an interrupted build leaves a folder that is ours)."""
    out.mkdir(parents=True, exist_ok=True)
    _check_folders(out, planned)
    marker = dict(state, generator="bmtools site", files=sorted(previous | planned), build="")
    write_output(out, MARKER, json.dumps(marker, indent=1).encode())


def _write(out: Path, site: Site, previous: set[str], result: BuildResult, svg: dict) -> None:
    _check_folders(out, site.outputs, site.checked)
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
        "build": site.new_cache.build,
        "files": sorted(kept),
        "svg": svg,
        "digest": hashlib.sha1("\n".join(sorted(kept)).encode()).hexdigest(),
    }
    write_output(out, MARKER, json.dumps(state, indent=1).encode())
