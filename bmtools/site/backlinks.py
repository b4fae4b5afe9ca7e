"""Linked references: for each page of the site, the blocks of other published pages that
refer to it (page refs, tags, property values, embeds), grouped by page, each with its
breadcrumb (the blocks it sits under), as a plain-text excerpt linked to the block in its
page (the page shows it in full; a rendered copy under every page it refers to made the
site several times the size of the graph)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from markdown_it.common.utils import escapeHtml

from bmtools.model import BLOCK_EMBED, BLOCK_REF, NAMESPACE, PROPERTY, Page
from bmtools.site.context import SiteContext
from bmtools.site.html import collapsed_line
from bmtools.site.search import plain

_SKIP = (BLOCK_REF, BLOCK_EMBED, NAMESPACE, PROPERTY)
CRUMB_CHARS = 40
CRUMBS = 2  # the nearest blocks above a referring block shown as its breadcrumb
MAX_BLOCKS = 3  # referring blocks shown; the other referring pages are named
EXCERPT_CHARS = 100
MAX_LISTED = 10  # other referring pages named; more are only counted


def outgoing(page: Page) -> list:
    """The refs of a page's blocks that may make linked references elsewhere, as
    ``[target as written (normalised), block index, ...]`` (flat, one pair per distinct
    target of a block): what the build caches per page, resolved against the site later."""
    out: list = []
    for block in page.blocks:
        if not block.refs:
            continue
        seen = set()
        for ref in block.refs:
            if ref.kind in _SKIP or ref.target in seen:
                continue
            seen.add(ref.target)
            out.append(ref.target)
            out.append(block.index)
    return out


def backlink_index(
    ctx: SiteContext, cached: dict[str, list] | None = None, sources: dict[str, str] | None = None
) -> tuple[dict[str, list[tuple[str, int]]], dict[str, list]]:
    """(target page name -> [(source page name, block index)] in site order, and the
    per-page outgoing refs to cache). ``cached``: name -> [source digest, outgoing] from the
    last build, used for pages whose text (``sources``) is unchanged."""
    index: dict[str, list[tuple[str, int]]] = defaultdict(list)
    graph = ctx.graph
    resolve = graph.resolve_name
    paths = ctx.paths
    memo: dict[str, str] = {}  # ref target -> page name (aliases followed): 400k refs, few names
    keep: dict[str, list] = {}
    cached = cached or {}
    sources = sources or {}
    for name in sorted(ctx.published):
        key = sources.get(name, "")
        hit = cached.get(name)
        pairs = hit[1] if hit is not None and key and hit[0] == key else outgoing(graph.pages[name])
        keep[name] = [key, pairs]
        for k in range(0, len(pairs), 2):
            raw = pairs[k]
            target = memo.get(raw)
            if target is None:
                target = memo[raw] = resolve(raw)
            if target == name or target not in paths:
                continue
            entry = (name, pairs[k + 1])
            refs = index[target]
            if refs and refs[-1] == entry:  # two written names of one page (an alias)
                continue
            refs.append(entry)
    return index, keep


def source_order(ctx: SiteContext, name: str) -> tuple:
    """Journals newest first, then pages by title."""
    page = ctx.graph.pages[name]
    if page.journal_day is not None:
        return (0, -page.journal_day.toordinal(), "")
    return (1, 0, page.title.lower())


def breadcrumb(page: Page, index: int) -> list[str]:
    """Plain text of the blocks above a block, outermost first."""
    out = []
    block = page.blocks[index]
    while block.parent is not None:
        block = page.blocks[block.parent]
        out.append(_cut(plain(block.title) or "…", CRUMB_CHARS))
    return list(reversed(out))


def excerpt(page: Page, index: int) -> str:
    """A referring block as one line of plain text (marker kept, markup dropped)."""
    block = page.blocks[index]
    skip = {p.line for p in block.properties.values()}
    lines = [
        ln
        for k, ln in enumerate(block.content.split("\n"))
        if block.line + k not in skip and not collapsed_line(ln)
    ]
    text = plain(" ".join(lines)) if lines else ""
    if not text and block.properties:
        text = plain(" ".join(f"{p.raw_key}: {p.raw}" for p in block.properties.values()))
    return _cut(text or "…", EXCERPT_CHARS)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def backlinks_html(
    ctx: SiteContext,
    entries: list[tuple[str, int]],
    block_href,
    link,
    listed: Collection[str] = (),
) -> str:
    """The linked-references section: per referring page (journals newest first, then by
    title), its referring blocks as plain-text excerpts under their breadcrumbs (the
    nearest :data:`CRUMBS` blocks), each linked to the block in its page; after
    :data:`MAX_BLOCKS` blocks, the other referring pages are named (the first
    :data:`MAX_LISTED`, with their counts when over one; the rest counted), leaving out those
    in ``listed`` (named elsewhere on the page: the pages tagged with it).
    ``block_href(page, index)`` is a block's URL, ``link(name, title)`` a page link."""
    groups: dict[str, list[int]] = defaultdict(list)
    for src, idx in entries:
        groups[src].append(idx)
    out = []
    rest = []
    unlisted = 0
    shown = 0
    pages = ctx.graph.pages
    order = []  # source_order, inline: a page referred to from thousands sorts them all
    for src in groups:
        day = pages[src].journal_day
        key = (0, -day.toordinal(), "") if day is not None else (1, 0, pages[src].title.lower())
        order.append((key, src))
    order.sort()
    for _, src in order:
        page = pages[src]
        count = len(groups[src])
        if shown >= MAX_BLOCKS:
            if src in listed:
                continue
            if len(rest) >= MAX_LISTED:
                unlisted += 1
                continue
            rest.append(f"{link(src, page.title)}{f' ({count})' if count > 1 else ''}")
            continue
        out.append(f'<section class="backlink"><h3>{link(src, page.title)}</h3><ul>')
        mine = groups[src][: MAX_BLOCKS - shown]
        for idx in mine:
            out.append(_item(page, idx, block_href))
        shown += len(mine)
        if count > len(mine):
            out.append(f'<li class="more-refs">and {count - len(mine)} more on this page</li>')
        out.append("</ul></section>")
    if rest:
        more = f" and {unlisted} more" if unlisted else ""
        total = len(rest) + unlisted
        out.append(
            f'<p class="more-refs">Also referred to from {total} more page'
            f"{'s' if total != 1 else ''}: {', '.join(rest)}{more}.</p>"
        )
    elif unlisted:
        out.append(f'<p class="more-refs">And from {unlisted} more pages.</p>')
    return "".join(out)


def _item(page: Page, idx: int, block_href) -> str:
    """One referring block: its breadcrumb and its excerpt, linked."""
    crumbs = breadcrumb(page, idx)
    nav = ""
    if crumbs:
        near = [escapeHtml(c) for c in crumbs[-CRUMBS:]]
        if len(crumbs) > CRUMBS:
            near.insert(0, "…")
        nav = f'<span class="crumbs">{" › ".join(near)}</span> '
    return f'<li>{nav}<a href="{block_href(page, idx)}">{escapeHtml(excerpt(page, idx))}</a></li>'
