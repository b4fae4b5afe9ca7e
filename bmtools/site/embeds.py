"""Block refs and page/block embeds, resolved in place, nested, with a guard against cycles.

``((uuid))`` shows the referenced block's first line (linked to the block on its page);
``{{embed [[page]]}}`` shows the page's outline and ``{{embed ((uuid))}}`` the block with
its children, inside the embedding block. Each resolution carries the chain of embeds and
refs that led to it: meeting one of them again (a page that embeds itself, two blocks that
refer to each other) or going deeper than :data:`MAX_DEPTH` stops with a marked element
instead of recursing. An embed or ref of a missing page or block says so, and so does one
of a page that is not published (its text stays off the site).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markdown_it.common.utils import escapeHtml

from bmtools.syntax.inline import match_block_ref, match_page_ref

if TYPE_CHECKING:
    from bmtools.site.html import HtmlRenderer

MAX_DEPTH = 8
_MARK = "\x00embed{}\x00"  # markdown-it turns NUL into U+FFFD, so no text can forge one


class EmbedGuard:
    """Memo of rendered embeds (those whose rendering met no cycle)."""

    def __init__(self) -> None:
        self.memo: dict[tuple, tuple[str, frozenset, frozenset, frozenset, tuple]] = {}

    def clear(self) -> None:
        self.memo.clear()


def child_env(env: dict, key: tuple, page) -> dict:
    """The env for text rendered inside an embed or ref: same page being written and the same
    dependency sets, one more link in the chain."""
    from bmtools.site.html import Env

    child = Env(env)
    child["stack"] = env.get("stack", ()) + (key,)
    child["page"] = page
    child["_embeds"] = []
    child.pop("_links", None)
    return child


def _blocked(env: dict, key: tuple) -> bool:
    stack = env.get("stack", ())
    if key in stack or len(stack) >= MAX_DEPTH:
        env["_cycle"] = True
        return True
    return False


def macro_html(r: HtmlRenderer, name: str, args: str, raw: str, env: dict) -> str:
    """A ``{{macro}}``: embeds are resolved (placed after the text they sit in, as blocks
    cannot sit inside a paragraph); other macros are shown as written."""
    if name.lower() != "embed":
        return f'<span class="macro">{escapeHtml(raw)}</span>'
    args = args.strip()
    if env.get("inline_only") or "_embeds" not in env:
        if args.startswith("[["):
            hit0 = match_page_ref(args, 0)
            if hit0:
                link = r.page_link(r.ctx.target(hit0[1]), hit0[1], env)
                return f'<span class="embed-inline">embed: {link}</span>'
        return f'<span class="macro embed-inline">{escapeHtml(raw)}</span>'
    if args.startswith("[["):
        hit = match_page_ref(args, 0)
        html = page_embed_html(r, r.ctx.target(hit[1]), hit[1], env) if hit else None
    elif args.startswith("(("):
        hit2 = match_block_ref(args, 0)
        html = block_embed_html(r, hit2[1], env) if hit2 else None
    else:
        html = None
    if html is None:
        return f'<span class="macro">{escapeHtml(raw)}</span>'
    env["_embeds"].append(html)
    return _MARK.format(len(env["_embeds"]) - 1)


def place_embeds(html: str, env: dict) -> str:
    """Move the embeds marked in a block's HTML after it (a paragraph holding nothing but an
    embed is replaced by it)."""
    found = env.get("_embeds")
    if not found:
        return html
    env["_embeds"] = []
    only = html.strip()
    if only in ("<p>" + _MARK.format(0) + "</p>", _MARK.format(0)) and len(found) == 1:
        return found[0]
    for k in range(len(found)):
        html = html.replace(_MARK.format(k), '<span class="embed-here">↓</span>')
    return html + "".join(found)


def _memo_get(r: HtmlRenderer, key: tuple, env: dict) -> str | None:
    hit = r.guard.memo.get(key)
    if hit is None:
        return None
    html, deps, links, assets, asked = hit
    env.setdefault("deps", set()).update(deps)
    env.setdefault("links", set()).update(links)
    env.setdefault("assets", set()).update(assets)
    if r.ctx.log is not None:
        r.ctx.log.extend(asked)  # what rendering it asked the site (SiteContext.log)
    return html


def _memo_put(r: HtmlRenderer, key: tuple, env: dict, child: dict, html: str) -> None:
    if child.get("_cycle"):
        env["_cycle"] = True
        return
    log = r.ctx.log
    r.guard.memo[key] = (
        html,
        frozenset(child.get("deps", ())),
        frozenset(child.get("links", ())),
        frozenset(child.get("assets", ())),
        tuple(log[child["_mark"] :]) if log is not None and "_mark" in child else (),
    )


def _fresh(r: HtmlRenderer, child: dict) -> dict:
    """Separate dependency sets for a memoised rendering (merged into the parent after), and
    where its questions to the site start in the site's log."""
    child["deps"], child["links"], child["assets"] = set(), set(), set()
    if r.ctx.log is not None:
        child["_mark"] = len(r.ctx.log)
    return child


def _merge(env: dict, child: dict) -> None:
    for k in ("deps", "links", "assets"):
        env.setdefault(k, set()).update(child.get(k, ()))


def page_embed_html(r: HtmlRenderer, name: str, written: str, env: dict) -> str:
    """``{{embed [[page]]}}``."""
    ctx = r.ctx
    title = escapeHtml(ctx.title_of(name) if name in ctx.paths else written)
    page = ctx.page_of(name)
    if page is None:
        cls = ctx.status(name)
        cls = "missing" if cls == "linked" else cls  # a tag or namespace page: no outline
        status = "not published" if cls == "unpublished" else "does not exist"
        return (
            f'<div class="embed embed-page {cls}"><p class="embed-note">Embedded page '
            f'<span class="ref {cls}">{title}</span> {status}.</p></div>'
        )
    key = ("page", name)
    env.setdefault("deps", set()).add(name)
    head = f'<div class="embed-title">{r.page_link(name, ctx.title_of(name), env)}</div>'
    if _blocked(env, key):
        return (
            f'<div class="embed embed-page cycle">{head}<p class="embed-note">'
            "Not shown again: this embed is inside itself.</p></div>"
        )
    cached = _memo_get(r, key, env)
    if cached is None:
        child = _fresh(r, child_env(env, key, page))
        cached = r.outline(page, page.top_blocks(), child, ids=False)
        _merge(env, child)
        _memo_put(r, key, env, child, cached)
    return f'<div class="embed embed-page">{head}{cached}</div>'


def block_embed_html(r: HtmlRenderer, uuid: str, env: dict) -> str:
    """``{{embed ((uuid))}}``."""
    ctx = r.ctx
    hit = ctx.block(uuid)
    if hit is None:
        known = ctx.known_block(uuid)
        cls = "unpublished" if known else "missing"
        note = "is on a page that is not published" if known else "does not exist"
        return (
            f'<div class="embed embed-block {cls}"><p class="embed-note">Embedded block '
            f"<code>(({escapeHtml(uuid)}))</code> {note}.</p></div>"
        )
    page, block = hit
    key = ("block", uuid)
    env.setdefault("deps", set()).add(page.name)
    if _blocked(env, key):
        return (
            '<div class="embed embed-block cycle"><p class="embed-note">Not shown again: '
            "this embed is inside itself.</p></div>"
        )
    cached = _memo_get(r, key, env)
    if cached is None:
        child = _fresh(r, child_env(env, key, page))
        cached = '<ul class="outline">' + r.block_li(page, block, child, ids=False) + "</ul>"
        _merge(env, child)
        _memo_put(r, key, env, child, cached)
    return f'<div class="embed embed-block">{cached}</div>'


def block_ref_html(r: HtmlRenderer, uuid: str, env: dict) -> str:
    """``((uuid))``: the block's first line, linked to the block."""
    ctx = r.ctx
    hit = ctx.block(uuid)
    if hit is None:
        known = ctx.known_block(uuid)
        cls = "unpublished" if known else "missing"
        what = "a block on a page that is not published" if known else "a missing block"
        return f'<span class="block-ref {cls}" title="{what}">(({escapeHtml(uuid)}))</span>'
    page, block = hit
    key = ("ref", uuid)
    env.setdefault("deps", set()).add(page.name)
    from bmtools.site.html import block_anchor

    url = r.page_href(page.name, env, block_anchor(block))
    if _blocked(env, key):
        text = escapeHtml(block.title[:80])
    else:
        child = child_env(env, key, page)
        child["inline_only"] = True
        child["no_links"] = bool(env.get("_links") or env.get("no_links"))
        text = r.inline(block.title, child) if block.title.strip() else "…"
        if child.get("_cycle"):
            env["_cycle"] = True
    if env.get("_links") or url is None:  # inside a link label: no nested link
        return f'<span class="block-ref">{text}</span>'
    return (
        f'<span class="block-ref">{text}<a class="block-ref-link" href="{escapeHtml(url)}" '
        f'title="Go to the block">↗</a></span>'
    )
