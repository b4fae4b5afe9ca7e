"""Blocks and inline Markdown as safe HTML.

Text goes through markdown-it-py with the project's Logseq plug-in
(:func:`bmtools.syntax.mdit.logseq_plugin`) and raw HTML off, so ``<script>`` in a page is
shown as text. On top of that renderer:

- ``[[refs]]`` and ``#tags`` link to the page of their target when the site has one, and are
  shown as text (marked missing or unpublished) when it has none;
- block refs and embeds are resolved in place (:mod:`bmtools.site.embeds`);
- a link is kept only when it is ``http(s):``, ``mailto:``, a page or block ref, or a
  relative link to a file of the graph that is copied with the site
  (:mod:`bmtools.site.assets`); any other (``javascript:``, ``data:``, ``file:``, relative
  links to nothing) is shown as its text;
- fenced code is highlighted by Pygments, math becomes MathML (latex2mathml) or, when that
  fails, stays TeX in a ``<span class="math tex">``.

Plain one-line text (most blocks of a big graph) takes a fast path that gives the same HTML
as markdown-it would (held to it by a test) at a fraction of the cost.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.dollarmath import dollarmath_plugin

from bmtools.model import Block, Page
from bmtools.site import assets as assets_mod
from bmtools.site import embeds, urls
from bmtools.site.context import SiteContext
from bmtools.syntax.inline import match_block_ref, match_macro, match_page_ref, match_tag
from bmtools.syntax.mdit import logseq_plugin

# Properties Logseq does not show on a block or page.
HIDDEN_PROPERTIES = frozenset(
    {
        "id",
        "collapsed",
        "heading",
        "title",
        "public",
        "filters",
        "icon",
        "background-color",
        "exclude-from-graph-view",
        "card-next-schedule",
        "card-last-interval",
        "card-repeats",
        "card-last-reviewed",
        "card-last-score",
        "card-ease-factor",
        "bmtools-managed",
        "bmtools-hash",
        "template-including-parent",
    }
)
MAX_CODE_CHARS = 200_000  # longer code is shown without highlighting
MAX_TEX_CHARS = 5_000
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_PAGE_LINK = re.compile(r"\[\[(.+)\]\]")
_BLOCK_LINK = re.compile(r"\(\(\s*([0-9a-fA-F-]{36})\s*\)\)")
_IMAGE_ATTRS = re.compile(r"(!\[[^\]\n]*\]\([^)\n]*\))\{:[^}\n]*\}")
# The fast path: one line free of everything markdown-it would read as structure.
_FAST_UNSAFE = re.compile(r"[`$<>\\*_~&!|=^\r\t]|\]\(|://|(?<!\[)\[(?!\[)|^[\s#>+\-0-9]| $", re.M)
_FAST_REF = re.compile(r"\[\[|#|\(\(|\{\{")
_FAST_HEADING = re.compile(r"(#{1,6}) +(?=\S)")
_HEADING_CLOSE = re.compile(r"(^|\s)#+\s*$")
_MATHML_ATTR = re.compile(r'\s([a-zA-Z:-]+)="')
_MATHML_ALLOWED_ATTRS = frozenset(
    {
        "xmlns",
        "display",
        "mathvariant",
        "stretchy",
        "fence",
        "separator",
        "lspace",
        "rspace",
        "accent",
        "accentunder",
        "movablelimits",
        "columnalign",
        "columnspacing",
        "rowspacing",
        "columnlines",
        "rowlines",
        "frame",
        "framespacing",
        "displaystyle",
        "scriptlevel",
        "linethickness",
        "minsize",
        "maxsize",
        "symmetric",
        "width",
        "height",
        "depth",
        "largeop",
        "form",
        "notation",
        "open",
        "close",
        "separators",
        "align",
        "columnspan",
        "rowspan",
        "voffset",
        "mathsize",
        "equalrows",
        "equalcolumns",
    }
)


class Env(dict):
    """The markdown-it ``env`` of one render. The Logseq plug-in caches the hidden spans of
    the text it parses under ``_hidden``; one document has several inline texts, so that
    cache is never kept (each lookup computes the spans of the text at hand)."""

    def get(self, key: Any, default: Any = None) -> Any:
        if key == "_hidden":
            return None
        return super().get(key, default)


def _math(tex: str, display: bool) -> str:
    """MathML for TeX, or the TeX in a marked element when it cannot be converted."""
    tag = "div" if display else "span"
    cls = "math block" if display else "math inline"
    if len(tex) <= MAX_TEX_CHARS:
        try:
            from latex2mathml.converter import convert

            out = convert(tex, display="block" if display else "inline")
        except Exception:  # latex2mathml raises many types on input it cannot read
            out = ""
        if out and all(a in _MATHML_ALLOWED_ATTRS for a in _MATHML_ATTR.findall(out)):
            return f'<{tag} class="{cls}">{out}</{tag}>'
    delim = ("\\[", "\\]") if display else ("\\(", "\\)")
    return f'<{tag} class="{cls} tex">{escapeHtml(delim[0] + tex + delim[1])}</{tag}>'


_FORMATTER = None
_LEXERS: dict[str, object] = {}


def highlight(code: str, lang: str) -> str:
    """Pygments HTML (``<div class="highlight"><pre>``) for a code block."""
    global _FORMATTER
    from pygments import highlight as pyg_highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    if len(code) > MAX_CODE_CHARS:
        return f'<pre class="code"><code>{escapeHtml(code)}</code></pre>\n'
    if _FORMATTER is None:
        _FORMATTER = HtmlFormatter(cssclass="highlight")
    key = lang.lower()[:40]
    lexer = _LEXERS.get(key)
    if lexer is None:
        try:
            lexer = get_lexer_by_name(key) if key else TextLexer()
        except ClassNotFound:
            lexer = TextLexer()
        _LEXERS[key] = lexer
    return pyg_highlight(code, lexer, _FORMATTER)


class HtmlRenderer:
    """Renders the blocks of published pages for one site build."""

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self.md = self._markdown()
        hidden = ctx.graph.config.raw.get("block-hidden-properties")
        extra = {str(k).lower() for k in hidden} if isinstance(hidden, list) else set()
        self.hidden = HIDDEN_PROPERTIES | extra
        self.guard = embeds.EmbedGuard()
        self.hrefs: dict[str, str] = {}  # page name -> URL (quoted: no character to escape)
        self.cards: dict = {}  # (page name, block index) -> milestone (bmtools.site.business)
        self.card = None  # card(renderer, milestone, env) -> HTML

    # -- markdown-it set-up ---------------------------------------------------------------

    def _markdown(self) -> MarkdownIt:
        md = MarkdownIt("commonmark", {"html": False, "linkify": True})
        md.enable(["strikethrough", "table", "linkify"])
        # Logseq links a bare http(s) URL, not a bare domain, e-mail or other scheme
        md.linkify.set({"fuzzy_link": False, "fuzzy_email": False, "fuzzy_ip": False})
        for schema in ("//", "ftp:", "mailto:"):
            md.linkify.add(schema, None)
        md.use(dollarmath_plugin, double_inline=True, allow_space=True)
        md.use(logseq_plugin)
        md.normalizeLink = lambda url: url  # type: ignore[method-assign]
        md.validateLink = lambda url: True  # type: ignore[method-assign]
        md.normalizeLinkText = lambda url: url  # type: ignore[method-assign]

        def bind(method):
            # markdown-it binds a render rule to its renderer (first argument)
            return lambda _renderer, tokens, idx, options, env: method(tokens, idx, options, env)

        rules = {
            "logseq_ref": bind(self._rule_ref),
            "link_open": bind(self._rule_link_open),
            "link_close": bind(self._rule_link_close),
            "image": bind(self._rule_image),
            "fence": bind(self._rule_fence),
            "code_block": bind(self._rule_code_block),
            "math_inline": lambda s, t, i, o, e: _math(t[i].content.strip(), False),
            "math_inline_double": lambda s, t, i, o, e: _math(t[i].content.strip(), False),
            "math_block": lambda s, t, i, o, e: _math(t[i].content.strip(), True),
            "math_block_label": lambda s, t, i, o, e: _math(t[i].content.strip(), True),
        }
        for name, rule in rules.items():
            md.add_render_rule(name, rule)
        return md

    def _rule_ref(self, tokens, idx, options, env) -> str:
        meta = tokens[idx].meta
        kind, value = meta["kind"], meta["value"]
        if kind == "macro":
            return embeds.macro_html(self, value, meta["args"], tokens[idx].content, env)
        if kind == "block-ref":
            return embeds.block_ref_html(self, value, env)
        label = f"#{value}" if kind == "tag" else value
        return self.page_link(self.ctx.target(value), label, env, "tag" if kind == "tag" else "")

    def _rule_link_open(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        stack = env.setdefault("_links", [])
        url, cls = self.link_target(href, env)
        if url is None or env.get("no_links"):
            stack.append("</span>")
            return f'<span class="{cls}">'
        stack.append("</a>")
        extra = ' rel="nofollow noopener"' if cls == "external" else ""
        return f'<a class="{cls}" href="{escapeHtml(url)}"{extra}>'

    def _rule_link_close(self, tokens, idx, options, env) -> str:
        stack = env.get("_links") or ["</a>"]
        return stack.pop() if stack else "</a>"

    def _rule_image(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        alt = self.md.renderer.renderInlineAsText(token.children or [], options, env)
        src = str(token.attrGet("src") or "")
        url, cls = self.link_target(src, env, image=True)
        if url is None:
            return f'<span class="image-missing">{escapeHtml(alt or src)}</span>'
        title = token.attrGet("title")
        t = f' title="{escapeHtml(str(title))}"' if title else ""
        return f'<img src="{escapeHtml(url)}" alt="{escapeHtml(alt)}"{t} loading="lazy">'

    def _rule_fence(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        lang = (token.info or "").strip().split(maxsplit=1)[0] if token.info else ""
        return highlight(token.content, lang)

    def _rule_code_block(self, tokens, idx, options, env) -> str:
        return f'<pre class="code"><code>{escapeHtml(tokens[idx].content)}</code></pre>\n'

    # -- links ----------------------------------------------------------------------------

    def page_href(self, name: str, env: dict, fragment: str = "") -> str | None:
        if not fragment:
            hit = self.hrefs.get(name)
            if hit is not None or name not in self.ctx.paths:
                return hit
        path = self.ctx.paths.get(name)
        if path is None:
            return None
        url = urls.href(path, fragment)
        if not fragment:
            self.hrefs[name] = url
        return url

    def page_link(self, name: str, label: str, env: dict, cls: str = "") -> str:
        """A link to a page of the site (``<a>``, class ``tag`` for a tag), or the label in
        a ``<span>`` of class ``missing`` or ``unpublished`` when the site has no such page."""
        links = env.get("links")
        if links is None:
            links = env["links"] = set()
        links.add(name)
        url = self.hrefs.get(name) or self.page_href(name, env)
        text = escapeHtml(label)
        if url is None:
            return f'<span class="{self.ctx.status(name)}{" " + cls if cls else ""}">{text}</span>'
        if env.get("_links") or env.get("no_links"):  # inside a link label: no nested link
            return f'<span class="{cls or "ref"}">{text}</span>'
        if cls:
            return f'<a class="{cls}" href="{url}">{text}</a>'
        return f'<a href="{url}">{text}</a>'

    def link_target(self, href: str, env: dict, image: bool = False) -> tuple[str | None, str]:
        """(URL, class) for a link or image destination; URL None when it is not kept."""
        href = href.strip()
        m = _PAGE_LINK.fullmatch(href)
        if m and not image:
            hit = match_page_ref(href, 0)
            if hit:
                name = self.ctx.target(hit[1])
                env.setdefault("links", set()).add(name)
                url = self.page_href(name, env)
                return (url, "ref") if url else (None, f"ref {self.ctx.status(name)}")
        m = _BLOCK_LINK.fullmatch(href)
        if m and not image:
            hit2 = self.ctx.block(m.group(1).lower())
            if hit2 is None:
                return None, "block-ref missing"
            page, block = hit2
            env.setdefault("deps", set()).add(page.name)
            return self.page_href(page.name, env, block_anchor(block)), "block-ref"
        bare = _CONTROL.sub("", href)
        scheme = _SCHEME.match(bare)
        if scheme:
            if scheme.group(1).lower() in _SAFE_SCHEMES:
                return href.replace(" ", "%20"), "external"
            return None, "link-refused"
        if bare.startswith("//"):
            return None, "link-refused"
        page: Page | None = env.get("page")
        rel = assets_mod.graph_file(self.ctx.graph.root, page.file if page else None, href)
        if rel is None:
            return None, "link-missing"
        out = assets_mod.output_path(rel)
        self.ctx.assets[rel] = out
        env.setdefault("assets", set()).add(rel)
        return urls.href(out), "asset"

    # -- text -----------------------------------------------------------------------------

    def markdown(self, text: str, env: dict) -> str:
        """Block-level Markdown (paragraphs, lists, code, tables) as HTML."""
        fast = self.fast(text, env)
        if fast is not None:
            return fast
        text = _IMAGE_ATTRS.sub(r"\1", text)
        env.pop("_links", None)
        return self.md.render(text, env)

    def inline(self, text: str, env: dict) -> str:
        """One line of inline Markdown as HTML (no paragraph around it)."""
        fast = self.fast(text, env)
        if fast is not None:
            return fast
        text = _IMAGE_ATTRS.sub(r"\1", text)
        env.pop("_links", None)
        return self.md.renderInline(text, env)

    def fast(self, text: str, env: dict) -> str | None:
        """The HTML of a plain paragraph (lines of text with refs, tags, block refs and
        macros) or a one-line heading, without markdown-it; None when the text holds
        anything markdown-it would read otherwise."""
        text = text.strip(" ")
        if text.startswith("#"):
            m = _FAST_HEADING.match(text)
            if m is None or "\n" in text:
                return None
            rest = text[m.end() :]
            if _HEADING_CLOSE.search(rest):
                return None
            inner = self.fast(rest, env)
            if inner is None:
                return None
            level = len(m.group(1))
            return f"<h{level}>{inner}</h{level}>\n"
        if not text or _FAST_UNSAFE.search(text):
            return None
        if "[" not in text and "#" not in text and "(" not in text and "{" not in text:
            return escapeHtml(text)
        out = []
        pos = 0
        target = self.ctx.target
        for m in _FAST_REF.finditer(text):
            i = m.start()
            if i < pos:
                continue
            found = m.group()
            if found == "[[":
                hit = match_page_ref(text, i)
                if hit is None:
                    return None
                html = self.page_link(target(hit[1]), hit[1], env)
            elif found == "#":
                hit = match_tag(text, i)
                if hit is None:
                    continue
                html = self.page_link(target(hit[1]), f"#{hit[1]}", env, "tag")
            elif found == "((":
                hit = match_block_ref(text, i)
                if hit is None:
                    continue
                html = embeds.block_ref_html(self, hit[1], env)
            else:
                macro = match_macro(text, i)
                if macro is None:
                    return None
                hit = macro
                html = embeds.macro_html(self, macro[1], macro[2], text[i : macro[0]], env)
            out.append(escapeHtml(text[pos:i]))
            out.append(html)
            pos = hit[0]
        out.append(escapeHtml(text[pos:]))
        return "".join(out)

    # -- blocks ---------------------------------------------------------------------------

    def block_text(self, page: Page, block: Block) -> str:
        """The Markdown of a block as shown: without marker, priority, property and
        planning lines, continuation lines dedented."""
        skip = {p.line for p in block.properties.values()}
        for ts in (block.scheduled, block.deadline):
            if ts is not None:
                skip.add(ts.line)
        lines = block.content.split("\n")
        if block.line in skip:
            first = ""
        else:
            first = block.title if block.marker or block.priority or block.heading else lines[0]
        rest = [ln for k, ln in enumerate(lines[1:], 1) if block.line + k not in skip]
        body = "\n".join(rest)
        if body and body[0] in " \t":
            body = textwrap.dedent(body)
        if not first:
            return body
        if block.heading:
            first = "#" * min(block.heading, 6) + " " + first
        return first + ("\n" + body if body else "")

    def block_html(self, page: Page, block: Block, env: dict) -> str:
        """A block's own content (no children): marker, text, planning, properties."""
        env["page"] = page
        env["_embeds"] = []
        text = self.block_text(page, block)
        html = self.markdown(text, env) if text.strip() else ""
        html = embeds.place_embeds(html, env)
        badges = []
        if block.marker:
            m = block.marker
            badges.append(f'<span class="marker {m.lower()}">{m}</span> ')
        if block.priority:
            badges.append(
                f'<span class="priority p-{block.priority.lower()}">{block.priority}</span> '
            )
        if badges:
            html = _prefix_first(html, "".join(badges))
        planning = []
        for label, ts in (("SCHEDULED", block.scheduled), ("DEADLINE", block.deadline)):
            if ts is None:
                continue
            when = ts.date.isoformat() + (f" {ts.time}" if ts.time else "")
            rep = f" {ts.repeater}" if ts.repeater else ""
            planning.append(
                f'<span class="{label.lower()}">{label}: '
                f'<time datetime="{ts.date.isoformat()}">{escapeHtml(when + rep)}</time></span>'
            )
        if planning:
            html += '<div class="planning">' + " ".join(planning) + "</div>"
        milestone = self.cards.get((page.name, block.index))
        if milestone is not None and self.card is not None:
            html += self.card(self, milestone, env)
        inline_only = env.get("inline_only")
        env["inline_only"] = True
        props = self.properties_html(block.properties, env)
        env["inline_only"] = inline_only
        if props:
            html += props
        return html

    def properties_html(self, props, env: dict, cls: str = "props") -> str:
        """A property table; hidden properties left out."""
        rows = []
        for key, prop in props.items():
            if key in self.hidden:
                continue
            rows.append(
                f'<tr><th scope="row">{escapeHtml(prop.raw_key)}</th>'
                f"<td>{self.property_value(prop, env)}</td></tr>"
            )
        if not rows:
            return ""
        return f'<table class="{cls}">' + "".join(rows) + "</table>"

    def property_value(self, prop, env: dict) -> str:
        """A value as Logseq shows it: its refs as links, the rest as inline Markdown."""
        if isinstance(prop.value, list) and prop.refs:
            names = [r for r in prop.refs if r.kind in ("page-ref", "tag")]
            if names and "[[" not in prop.raw and "#" not in prop.raw:
                return ", ".join(
                    self.page_link(self.ctx.target(r.text), r.text, env) for r in names
                )
            if names:
                return self.inline(prop.raw, env)
            return ", ".join(self.page_link(self.ctx.target(v), str(v), env) for v in prop.value)
        return self.inline(prop.raw, env)

    def outline(
        self, page: Page, blocks: list[Block], env: dict, ids: bool = True, cache=None
    ) -> str:
        """Blocks and their children as nested lists; a collapsed block with children is
        folded in ``<details>``. ``ids``: anchors (only on a page's own outline); ``cache``
        keeps each block's own HTML by (page name, index), for its backlinks."""
        out = ['<ul class="outline">']
        for block in blocks:
            out.append(self.block_li(page, block, env, ids, cache))
        out.append("</ul>")
        return "".join(out)

    def block_li(self, page: Page, block: Block, env: dict, ids: bool, cache=None) -> str:
        anchor = f' id="{block_anchor(block)}"' if ids and self.needs_anchor(page, block) else ""
        own = self.block_html(page, block, env)
        if cache is not None:
            cache[(page.name, block.index)] = own
        if not block.children:
            return f"<li{anchor}>{own}</li>"
        kids = self.outline(page, page.children(block), env, ids, cache)
        if block.collapsed:
            return f"<li{anchor}><details><summary>{own}</summary>{kids}</details></li>"
        return f"<li{anchor}>{own}{kids}</li>"

    def needs_anchor(self, page: Page, block: Block) -> bool:
        """Whether a block gets an id: one a ref, embed, backlink or item table links to."""
        return bool(block.uuid or block.refs or (page.name, block.index) in self.cards)


def block_anchor(block: Block) -> str:
    """The id of a block's element on its own page: ``b-<uuid>`` or ``b<position>``."""
    return f"b-{block.uuid}" if block.uuid else f"b{block.index}"


def _prefix_first(html: str, prefix: str) -> str:
    """``prefix`` inside the first paragraph or heading (else before everything)."""
    m = re.match(r"<(p|h[1-6])>", html)
    if m:
        return html[: m.end()] + prefix + html[m.end() :]
    if not html.startswith("<"):
        return prefix + html
    return f"<p>{prefix}</p>" + html
