"""The pages that list the site (home, all pages, journals, search), the search index and
the sitemap, each made again only when what it lists changed since the last build."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

from bmtools.site import search, urls
from bmtools.site.cache import PageFacts, digest
from bmtools.site.changes import UNSEEN, default_state
from bmtools.site.facts import by_name
from bmtools.site.theme import ICON, SEARCH_SCRIPT, STYLESHEET

if TYPE_CHECKING:
    from bmtools.site.render import Site

MAX_SITEMAP_URLS = 50_000


def site_vars(site: Site, path: str) -> dict[str, Any]:
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


def index_outputs(site: Site) -> None:
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
    before = by_name(old.facts)
    for name in ch.texts | ch.names:
        then = _listing(old.states.get(name, UNSEEN), before.get(name))
        now = _listing(site.new.states.get(name, UNSEEN), site.by_name.get(name))
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
            html = site.theme.render(kind, site=site_vars(site, path), **extra)
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
        before = by_name(old.facts)
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
