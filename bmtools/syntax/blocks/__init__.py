"""The block reader: a page cut into blocks by an ordered list of small line rules (§1–§3, §6).

Built the way markdown-it-py builds its block parser: one state object
(:class:`~bmtools.syntax.blocks.state.OutlineState`) and ordered rule lists
(:class:`~bmtools.syntax.blocks.ruler.Ruler`): the Markdown line rules
(:data:`~bmtools.syntax.blocks.markdown.MARKDOWN`: fence, ``#+BEGIN``, raw HTML, heading,
directive, bullet, text) say which block a line belongs to, and the body rules
(:data:`~bmtools.syntax.blocks.body.BODY`: planning, Org drawer, property, text) what a line
means inside its block.

The reader never copies the page: every block records its character span in the source, so an
unchanged page reassembles to its exact text.
"""

from __future__ import annotations

import re

from bmtools.codes import finding
from bmtools.model import Config, Diagnostic, Page
from bmtools.syntax.blocks.body import BODY, ORG_BODY, set_page_property
from bmtools.syntax.blocks.markdown import MARKDOWN, front_matter, line_of_block
from bmtools.syntax.blocks.org import ORG, org_links
from bmtools.syntax.blocks.ruler import LineRule, Ruler
from bmtools.syntax.blocks.state import OutlineState
from bmtools.syntax.inline import JournalRefs
from bmtools.syntax.properties import PROPERTY_LINE, make_property

# What JavaScript's \s matches (Logseq tests a file with it): a file of these makes no page.
_JS_BLANK = re.compile("[\t\n\v\f\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*")


def parse_outline(
    page: Page, config: Config, diagnostics: list[Diagnostic], journals: JournalRefs | None
) -> None:
    """Fill ``page.blocks`` and the page-level properties from ``page.source``.

    ``journals``: the graph's journal-ref resolver (``load_graph`` passes one per load), so
    refs to a journal day get its page's name as they are made; None keeps targets as written
    (text read outside a graph).
    """
    page.blank = _JS_BLANK.fullmatch(page.source) is not None
    org = page.format == "org"
    s = OutlineState(page, config, diagnostics, ORG_BODY if org else BODY, journals)
    run(s, ORG if org else MARKDOWN)
    s.finish()
    st = s.settings
    for k, raw_key, value in s.directives:
        prop = make_property(
            raw_key,
            value,
            k + 1,
            3,
            len(raw_key) + 3,
            st.comma_keys,
            st.property_pages,
            st.excluded,
            st.journals,
        )
        set_page_property(page, prop, source="directive")
        if page.blocks and page.blocks[0].pre_block:
            page.blocks[0].refs.extend(prop.refs)  # as a drawer's properties are
    if org:
        org_links(page, s.lines)


_BOM_HIDES = frozenset("-#*`~:<")  # first characters of lines a BOM turns into text


def run(s: OutlineState, ruler: Ruler) -> None:
    """Read every line of ``s`` with ``ruler``'s rules (front matter first, once)."""
    lines = s.lines
    n = s.n
    if n and s.page.bom:
        # Logseq keeps the BOM as the first line's first character: that line starts no
        # bullet, heading, fence or front matter and is no property, just the pre-block's text
        first = lines[0]
        if first.lstrip(" \t")[:1] in _BOM_HIDES or PROPERTY_LINE.fullmatch(first):
            s.diagnostics.append(
                finding(
                    "BM024",
                    "the file starts with a byte-order mark: Logseq reads this first line as "
                    "plain text (no property, bullet or heading); save the file without it",
                    s.page.file,
                    1,
                    1,
                )
            )
        line_of_block(s, 0, first)
        k = 1
    else:
        k = front_matter(s, 0, lines[0]) if n else 0
    by_char, default = ruler.table()
    get = by_char.get
    nxt = 0
    while k < n:
        text = lines[k]
        for rule in get(text.lstrip(" \t")[:1], default):
            nxt = rule(s, k, text)
            if nxt:
                break
        k = nxt


__all__ = ["LineRule", "OutlineState", "Ruler", "parse_outline", "run"]
