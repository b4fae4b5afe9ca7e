"""Safe HTML for a block's text: markdown-it-py taught Logseq's refs, tags, block refs and macros.

Reading refs is not done here: :mod:`bmtools.syntax.inline` reads them (one grammar, one pass).
This plug-in only renders, with raw HTML disabled, and asks the same matchers of that module
(through one :class:`~bmtools.syntax.inline.Line` per paragraph, so rendering stays linear).
"""

from __future__ import annotations

import html
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath import dollarmath_plugin

from bmtools.model import BLOCK_REF, PAGE_REF, TAG
from bmtools.syntax.inline import Line, match_block_ref, match_tag

# markdown-it's text rule stops at these; "(" is added so ((uuid)) can start mid-text.
_TERMINATORS = frozenset("\n!#$%&*+-:<=>@[\\]^_`{}~(")


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


def _line(state: StateInline) -> Line:
    """The paragraph's Line: its searches and tables serve every rule call on it."""
    ln = state.env.get("_bmtools_line")
    if ln is None or ln.text is not state.src:
        ln = state.env["_bmtools_line"] = Line(state.src)
    return ln


def _rule(opener: str, kind: str, match: Callable[[Line, int], tuple | None]):
    """An inline rule: at ``opener`` (not inside a bare URL), ``match`` decides; the match
    becomes a ``logseq_ref`` token of ``kind``."""

    def rule(state: StateInline, silent: bool) -> bool:
        if not state.src.startswith(opener, state.pos):
            return False
        ln = _line(state)
        if ln.in_url(state.pos):
            return False
        hit = match(ln, state.pos)
        if hit is None:
            return False
        if not silent:
            token = state.push("logseq_ref", "", 0)
            args = hit[2] if len(hit) > 2 else ""
            token.meta = {"kind": kind, "value": hit[1], "pos": state.pos, "args": args}
            token.content = state.src[state.pos : hit[0]]
        state.pos = hit[0]
        return True

    return rule


def _match_tag(ln: Line, i: int) -> tuple[int, str] | None:
    return None if ln.no_tag(i) else match_tag(ln.text, i, ln)


_page_ref = _rule("[[", PAGE_REF, Line.page_ref)
_tag = _rule("#", TAG, _match_tag)
_block_ref = _rule("((", BLOCK_REF, lambda ln, i: match_block_ref(ln.text, i))
_macro = _rule("{{", "macro", Line.macro)


def logseq_plugin(md: MarkdownIt) -> None:
    """Teach markdown-it-py Logseq's refs, tags, block refs and macros (for rendering)."""
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
