"""Logseq syntax as a markdown-it-py plug-in.

Lines holding Markdown structure that hides refs (code spans, math, HTML comments, escapes,
link destinations) are parsed by markdown-it-py, taught Logseq's refs, tags, block refs and
macros by the rules below. The same plug-in renders safe HTML (raw HTML disabled).
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath import dollarmath_plugin

from bmtools.model import BLOCK_REF, PAGE_REF, TAG
from bmtools.syntax.inline import (
    RefSink,
    hidden_spans,
    inside,
    match_block_ref,
    match_macro,
    match_page_ref,
    match_tag,
)

# markdown-it's text rule stops at these; "(" is added so ((uuid)) can start mid-text.
_TERMINATORS = frozenset("\n!#$%&*+-:<=>@[\\]^_`{}~(")
_PAGE_LINK = re.compile(r"\[\[(.+)\]\]")
_BLOCK_LINK = re.compile(r"\(\((.+)\)\)")


def _text(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    src = state.src
    end = state.posMax
    while pos < end and src[pos] not in _TERMINATORS:
        pos += 1
    if pos == state.pos:
        return False
    if not silent:
        state.pending += src[state.pos : pos]
    state.pos = pos
    return True


def _push(state: StateInline, kind: str, value: str, end: int, extra: str = "") -> None:
    token = state.push("logseq_ref", "", 0)
    token.meta = {"kind": kind, "value": value, "pos": state.pos, "args": extra}
    token.content = state.src[state.pos : end]


def _hidden(state: StateInline) -> tuple[list, list]:
    spans = state.env.get("_hidden")
    if spans is None:
        spans = state.env["_hidden"] = hidden_spans(state.src)
    return spans


def _rule(opener: str, matcher, kind: str, hidden: int | None):
    """An inline rule: at ``opener``, outside the ``hidden`` spans (0 URLs, 1 no-tag zones),
    ``matcher`` decides; the match becomes a ``logseq_ref`` token of ``kind``."""

    def rule(state: StateInline, silent: bool) -> bool:
        if not state.src.startswith(opener, state.pos):
            return False
        if hidden is not None and inside(_hidden(state)[hidden], state.pos):
            return False
        hit = matcher(state.src, state.pos)
        if hit is None:
            return False
        if not silent:
            _push(state, kind, hit[1], hit[0], hit[2] if len(hit) > 2 else "")
        state.pos = hit[0]
        return True

    return rule


_page_ref = _rule("[[", match_page_ref, PAGE_REF, hidden=0)
_tag = _rule("#", match_tag, TAG, hidden=1)
_block_ref = _rule("((", match_block_ref, BLOCK_REF, hidden=None)
_macro = _rule("{{", match_macro, "macro", hidden=None)


def logseq_plugin(md: MarkdownIt) -> None:
    """Teach markdown-it-py Logseq's refs, tags, block refs and macros."""
    md.inline.ruler.at("text", _text)
    md.inline.ruler.before("link", "logseq_page_ref", _page_ref)
    md.inline.ruler.before("link", "logseq_macro", _macro)
    md.inline.ruler.before("link", "logseq_block_ref", _block_ref)
    md.inline.ruler.push("logseq_tag", _tag)
    md.add_render_rule("logseq_ref", _render_ref)


def _render_ref(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    kind, value = meta["kind"], meta["value"]
    if kind == "macro":
        return f'<span class="macro">{html.escape(tokens[idx].content)}</span>'
    if kind == BLOCK_REF:
        uuid = html.escape(value)
        return f'<span class="block-ref" data-uuid="{uuid}">(({uuid}))</span>'
    label = f"#{value}" if kind == TAG else value
    return f'<a class="{kind}" data-page="{html.escape(value.lower())}">{html.escape(label)}</a>'


def _scanner() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True})
    md.enable("strikethrough")
    md.use(dollarmath_plugin, double_inline=True, allow_space=True)
    md.use(logseq_plugin)
    # Keep destinations as written: ``[l]([[P]])`` must stay "[[P]]" to be read as a page ref.
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_SCANNER = _scanner()


def scan_markdown(text: str, line: int, col0: int, sink: RefSink) -> None:
    """The Markdown path of :func:`bmtools.syntax.inline.scan_line`."""
    tokens = _SCANNER.parseInline(text, {})
    if not tokens:
        return
    search_from = 0
    for tok in tokens[0].children or []:
        if tok.type == "logseq_ref":
            kind, value, pos = tok.meta["kind"], tok.meta["value"], tok.meta["pos"]
            col = col0 + pos + 1
            if kind == "macro":
                sink.macro(value, tok.meta["args"], line, col)
            elif kind == BLOCK_REF:
                sink.block(BLOCK_REF, value, line, col)
            else:
                sink.page(kind, value, line, col)
        elif tok.type == "link_open":
            href = str(tok.attrGet("href") or "")
            at = text.find("](" + href, search_from)
            if at >= 0:
                search_from = at + 2
            col = col0 + (at + 3 if at >= 0 else 1)
            m = _PAGE_LINK.fullmatch(href)
            if m:
                hit = match_page_ref(href, 0)
                if hit:
                    sink.page(PAGE_REF, hit[1], line, col)
                continue
            m = _BLOCK_LINK.fullmatch(href)
            if m:
                hit2 = match_block_ref(href, 0)
                if hit2:
                    sink.block(BLOCK_REF, hit2[1], line, col)


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.enable("strikethrough")
    md.use(dollarmath_plugin, double_inline=True, allow_space=True)
    md.use(logseq_plugin)
    return md


_RENDERER: MarkdownIt | None = None


def render_html(text: str) -> str:
    """Safe HTML for a block's text: raw HTML from pages is escaped, never passed through."""
    global _RENDERER
    if _RENDERER is None:
        _RENDERER = _renderer()
    return _RENDERER.render(text)
