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
from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.dollarmath import dollarmath_plugin

from bmtools.model import Block, Page
from bmtools.site import assets as assets_mod
from bmtools.site import embeds, urls
from bmtools.site.context import SiteContext
from bmtools.syntax.inline import (
    Line,
    match_block_ref,
    match_macro,
    match_page_ref,
    match_tag,
)
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
# The fast path (HtmlRenderer.fast): text with no block structure but paragraphs of lines
# and a one-line heading. Block structure is read anywhere, code spans hide none of it: a
# line starting with blanks, ">", a list marker, a heading, a fence, a setext or thematic
# rule ("--", "==", "**", "__"); a blank line; trailing blanks (a hard break); a table's "|".
_FAST_BLOCK = re.compile(
    r"^(?:[\s>]|[-+*=_](?:[ \t]|$|[-+*=_])|\d{1,9}[.)](?:[ \t]|$)|#{1,6}(?:[ \t]|$)|```|~~~)"
    r"| $|[\r\t|]",
    re.M,
)
# Inline markup the fast path leaves to markdown-it (outside code spans): emphasis, math,
# escapes, entities, raw HTML, images, links ("[x](y)", "[x]"), bare URLs ("://").
_FAST_INLINE = re.compile(r"[$<>\\*_~&!=^\r\t]|\]\(|(?<!\[)\[(?!\[)")
_COLLAPSED_LINE = re.compile(r"[ \t]*collapsed::[ \t]*(?:true|false)?[ \t]*", re.I)
_FAST_TOKEN = re.compile(r"[\[#({`]")
# _plain_enough: the characters of _FAST_INLINE and _FAST_BLOCK found anywhere, and what a
# line may not start with.
_FAST_CHARS = re.compile(r"[$<>\\*_~&!=^\r\t|]")
_FAST_LINE_START = re.compile(
    r"(?:[\s>]|[-+*=_](?:[ \t]|$|[-+*=_])|\d{1,9}[.)](?:[ \t]|$)|#{1,6}(?:[ \t]|$)|```|~~~)"
)
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
    """The markdown-it ``env`` of one render: the page being shown, the embed chain
    (``stack``), what the page depends on (``deps``: page names) and the assets it links."""


_ESCAPED = re.compile(r'[&<>"]')


def esc(text: str) -> str:
    """``escapeHtml`` (``&<>"``, as markdown-it escapes) with one C scan when there is
    nothing to escape: most text of a page."""
    if _ESCAPED.search(text) is None:
        return text
    return escapeHtml(text)


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
_WHITESPACE_SPAN = re.compile(r'<span class="w">(\s*)</span>')  # blanks look the same unstyled
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
    return _WHITESPACE_SPAN.sub(r"\1", pyg_highlight(code, lexer, _FORMATTER))


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
        # (name, label, class) -> (link HTML, log entries); a ref's inner text -> (page name, …)
        self._link_html: dict[tuple[str, str, str], tuple[str, tuple | None]] = {}
        self._targets: dict[str, tuple[str, tuple | None]] = {}
        self._ref_html: dict[tuple[str, bool], tuple[str, tuple | None]] = {}  # see ref_html

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
        return self.ref_html(value, env, kind == "tag")

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
        words = (token.info or "").split(maxsplit=1)
        lang = words[0] if words else ""  # an info string of blanks names no language
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
        if env.get("_links") or env.get("no_links"):  # inside a link label: no nested link
            text = esc(label)
            if name in self.ctx.paths:
                return f'<span class="{cls or "ref"}">{text}</span>'
            return f'<span class="{self.ctx.status(name)}{" " + cls if cls else ""}">{text}</span>'
        return self._memo(self._link_html, (name, label, cls), self._page_link, name, label, cls)

    def _page_link(self, name: str, label: str, cls: str) -> str:
        url = self.page_href(name, {})
        text = esc(label)
        if url is None:
            return f'<span class="{self.ctx.status(name)}{" " + cls if cls else ""}">{text}</span>'
        if cls:
            return f'<a class="{cls}" href="{url}">{text}</a>'
        return f'<a href="{url}">{text}</a>'

    def ref_html(self, inner: str, env: dict, tag: bool = False) -> str:
        """``[[inner]]`` (or ``#inner`` with ``tag``) as :meth:`page_link` shows it."""
        if env.get("_links") or env.get("no_links"):
            label = f"#{inner}" if tag else inner
            return self.page_link(self.target(inner), label, env, "tag" if tag else "")
        return self._memo(self._ref_html, (inner, tag), self._ref, inner, tag)

    def _ref(self, inner: str, tag: bool) -> str:
        if tag:
            return self.page_link(self.target(inner), f"#{inner}", {}, "tag")
        return self.page_link(self.target(inner), inner, {})

    def target(self, inner: str) -> str:
        """:meth:`SiteContext.target`, remembered (a big graph names few pages many times)."""
        return self._memo(self._targets, inner, self.ctx.target, inner)

    def _memo(self, memo: dict, key: Any, compute: Callable[..., str], *args: Any) -> str:
        """``compute(*args)`` remembered under ``key``, with what it asked the site while
        :attr:`SiteContext.log` records the questions: a remembered answer asks them again."""
        log = getattr(self.ctx, "log", None)
        hit = memo.get(key)
        if hit is not None and (log is None or hit[1] is not None):
            if hit[1]:
                log.extend(hit[1])
            return hit[0]
        mark = len(log) if log is not None else 0
        value = compute(*args)
        memo[key] = (value, tuple(log[mark:]) if log is not None else None)
        return value

    def link_target(self, href: str, env: dict, image: bool = False) -> tuple[str | None, str]:
        """(URL, class) for a link or image destination; URL None when it is not kept."""
        href = href.strip()
        m = _PAGE_LINK.fullmatch(href)
        if m and not image:
            hit = match_page_ref(href, 0)
            if hit:
                name = self.target(hit[1])
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
        """The HTML of a plain paragraph (lines of text with refs, tags, block refs, macros
        and code spans) or a one-line heading, without markdown-it; None when the text
        holds anything markdown-it would read otherwise."""
        text = text.strip(" ")
        if text[-1:] == "\n":
            text = text.rstrip("\n ")
        if not text:
            return None
        if text[0] == "#":
            m = _FAST_HEADING.match(text)
            if m is not None:
                rest = text[m.end() :]
                if "\n" in rest or _HEADING_CLOSE.search(rest):
                    return None
                inner = self._fast_inline(rest, env, False)
                if inner is None:
                    return None
                level = len(m.group(1))
                return f"<h{level}>{inner}</h{level}>\n"
        if "`" in text:
            if _FAST_BLOCK.search(text):
                return None
            return self._fast_inline(text, env, False)
        if not _plain_enough(text):  # both checks at once: no code span hides anything
            return None
        return self._fast_inline(text, env, True)

    def _fast_inline(self, text: str, env: dict, checked: bool) -> str | None:
        """Inline text holding nothing but refs, tags, block refs, macros and code spans, as
        markdown-it with the Logseq plug-in renders it (the same matchers at the same
        places: markdown-it tries its rules left to right, so does this loop). ``checked``:
        the text holds no backtick and no inline markup (:data:`_FAST_INLINE`)."""
        code = "`" in text
        if not checked:
            if "://" in text or (not code and _FAST_INLINE.search(text)):
                return None
        quote = _ESCAPED.search(text) is not None  # else no piece needs escaping
        if not code and "[" not in text and "#" not in text and "(" not in text:
            if "{" not in text:
                return escapeHtml(text) if quote else text
        unsafe = _FAST_INLINE.search
        line = None
        out = []
        pos = skip = 0
        for m in _FAST_TOKEN.finditer(text):
            i = m.start()
            if i < pos or i < skip:
                continue
            c = m.group()
            if c == "`":
                run = i + 1
                while text.startswith("`", run):
                    run += 1
                k, end = _code_end(text, run, run - i)
                if k < 0:
                    skip = run  # no closing run: these backticks are text
                    continue
                if unsafe(text, pos, i):
                    return None
                body = text[run:k].replace("\n", " ")
                if body[:1] == " " and body[-1:] == " " and body.strip(" "):
                    body = body[1:-1]
                if pos < i:
                    out.append(escapeHtml(text[pos:i]) if quote else text[pos:i])
                out.append(f"<code>{esc(body)}</code>")
                pos = end
                continue
            nxt = text[i + 1 : i + 2]
            if c == "[":
                if nxt != "[":
                    continue
                hit = _page_ref(text, i)
                if hit is False:  # nesting, or a case only the full reader decides
                    line = line or Line(text)
                    hit = line.page_ref(i)
                if hit is None:
                    return None
                html = self.ref_html(hit[1], env)
            elif c == "#":
                if nxt == "[":
                    line = line or Line(text)
                if code:
                    line = line or Line(text)
                    if line.no_tag(i):
                        continue
                hit = match_tag(text, i, line)
                if hit is None:
                    continue
                html = self.ref_html(hit[1], env, tag=True)
            elif c == "(":
                if nxt != "(":
                    continue
                hit = match_block_ref(text, i)
                if hit is None:
                    continue
                html = embeds.block_ref_html(self, hit[1], env)
            else:
                if nxt != "{":
                    continue
                line = line or Line(text)
                macro = match_macro(text, i, line)
                if macro is None:
                    return None
                hit = macro
                html = embeds.macro_html(self, macro[1], macro[2], text[i : macro[0]], env)
            if code and unsafe(text, pos, hit[0]):
                return None
            if pos < i:
                out.append(escapeHtml(text[pos:i]) if quote else text[pos:i])
            out.append(html)
            pos = hit[0]
        if code and unsafe(text, pos):
            return None
        out.append(escapeHtml(text[pos:]) if quote else text[pos:])
        return "".join(out)

    # -- blocks ---------------------------------------------------------------------------

    def block_text(self, page: Page, block: Block) -> str:
        """The Markdown of a block as shown: without marker, priority, property and
        planning lines (``collapsed::`` too), continuation lines dedented."""
        content = block.content
        if (
            "\n" not in content
            and not block.properties
            and not (block.marker or block.priority or block.heading)
            and block.scheduled is None
            and block.deadline is None
            and "collapsed::" not in content
        ):
            return content  # one line of text: most blocks
        skip = {p.line for p in block.properties.values()}
        for ts in (block.scheduled, block.deadline):
            if ts is not None:
                skip.add(ts.line)
        lines = content.split("\n")
        if "collapsed::" in content and "```" not in content:
            skip.update(block.line + k for k, ln in enumerate(lines) if collapsed_line(ln))
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
        if block.properties:
            inline_only = env.get("inline_only")
            env["inline_only"] = True
            html += self.properties_html(block.properties, env)
            env["inline_only"] = inline_only
        return html

    def properties_html(self, props, env: dict, cls: str = "props") -> str:
        """A property table (optional end tags left out); hidden properties left out."""
        rows = []
        for key, prop in props.items():
            if key in self.hidden:
                continue
            rows.append(f"<tr><th>{esc(prop.raw_key)}<td>{self.property_value(prop, env)}")
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
        self,
        page: Page,
        blocks: list[Block],
        env: dict,
        ids: bool = True,
        cache=None,
        top: bool = True,
    ) -> str:
        """Blocks and their children as nested lists (class ``outline`` on the outermost); a
        collapsed block with children is folded in ``<details>``. ``ids``: anchors (only on a
        page's own outline); ``cache`` keeps each block's own HTML by (page name, index).
        End tags that HTML leaves optional (``</li>``) are left out: an outline is most of a
        page."""
        out = ['<ul class="outline">' if top else "<ul>"]
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
            return f"<li{anchor}>{own}"
        kids = self.outline(page, page.children(block), env, ids, cache, top=False)
        if block.collapsed:
            return f"<li{anchor}><details><summary>{own}</summary>{kids}</details>"
        return f"<li{anchor}>{own}{kids}"

    def needs_anchor(self, page: Page, block: Block) -> bool:
        """Whether a block gets an id: one a ref, embed, backlink or item table links to."""
        return bool(block.uuid or block.refs or (page.name, block.index) in self.cards)


def collapsed_line(line: str) -> bool:
    """Whether a line is the ``collapsed::`` property, which the model keeps as
    ``Block.collapsed`` and Logseq never shows."""
    return _COLLAPSED_LINE.fullmatch(line) is not None


def _plain_enough(text: str) -> bool:
    """No block structure (:data:`_FAST_BLOCK`) and no inline markup (:data:`_FAST_INLINE`)
    in a text without backticks: the same answer as those two searches, or a stricter one,
    found with cheaper ones (a block's text is checked once per rendering)."""
    if _FAST_CHARS.search(text) or "](" in text or "://" in text:
        return False
    if "[" in text and "[" in text.replace("[[", ""):
        return False  # a "[" that opens no ref (stricter than _FAST_INLINE for "[[[")
    if "\n" in text:
        return _FAST_BLOCK.search(text) is None
    return _FAST_LINE_START.match(text) is None


def _page_ref(text: str, i: int) -> tuple[int, str] | None | bool:
    """``Line.page_ref`` for the common ``[[name]]`` (nothing nested): (end, name), None when
    it is no ref, False when only the full reader can tell."""
    close = text.find("]]", i + 2)
    if close < 0:
        return None
    if text.find("[[", i + 2, close + 1) >= 0:
        return False
    inner = text[i + 2 : close]
    if "\n" in inner or inner.startswith(("../", "./")) or not inner.strip():
        return None
    return close + 2, inner


def _code_end(text: str, start: int, n: int) -> tuple[int, int]:
    """(start, end) of the first run of exactly ``n`` backticks from ``start`` (a code span's
    closer, as markdown-it finds it), or (-1, -1)."""
    size = len(text)
    j = start
    while True:
        k = text.find("`", j)
        if k < 0:
            return -1, -1
        e = k + 1
        while e < size and text[e] == "`":
            e += 1
        if e - k == n:
            return k, e
        j = e


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
