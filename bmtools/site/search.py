"""The search index: a JavaScript file assigning a global, so that the search page works
from ``file://`` (no fetch) as well as from a web server.

Each page gives ``[title, url, summary, words]``: ``words`` is the page's distinct words
(letters and digits, lower-cased, NFC), space-separated, which the search script
(``templates/site/search.js``) matches by prefix, every query word against title or words.
"""

from __future__ import annotations

import json
import re
import unicodedata

from bmtools.model import Page

INDEX_FILE = "search-index.js"
GLOBAL = "BMTOOLS_SEARCH"
MAX_WORDS = 3000  # per page
SUMMARY_CHARS = 160
INDEX_SUMMARY_CHARS = 100  # the summary a search result shows
_WORD = re.compile(r"[^\W_]+")
_MARKUP = re.compile(
    r"\{\{[^}\n]*\}\}|\(\(\s*[0-9a-fA-F-]{36}\s*\)\)|!\[([^\]\n]*)\]\([^)\n]*\)"
    r"|\[([^\]\n]*)\]\([^)\n]*\)|\[\[|\]\]|[*_~`=^]{1,3}|#(?=\S)"
)


def plain(text: str) -> str:
    """Text without Markdown and Logseq markup (refs keep their names, links their text)."""
    text = _MARKUP.sub(lambda m: m.group(1) or m.group(2) or "", text)
    return " ".join(text.split())


def page_text(page: Page) -> str:
    """The words a page shows: titles and text of its blocks, property values."""
    parts = [page.title]
    for block in page.blocks:
        parts.append(block.content)
    return plain("\n".join(parts))


def words(text: str) -> str:
    seen: dict[str, None] = {}
    for w in _WORD.findall(unicodedata.normalize("NFC", text.lower())):
        if len(w) > 1 and w not in seen:
            seen[w] = None
            if len(seen) >= MAX_WORDS:
                break
    return " ".join(seen)


def summary(page: Page) -> str:
    """A page's description: its ``description::`` property, else its first text."""
    prop = page.properties.get("description")
    if prop is not None and prop.raw.strip():
        text = plain(prop.raw)
    else:
        text = ""
        for block in page.blocks:
            if block.pre_block:
                continue
            text = plain(block.title)
            if text:
                break
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"


def short(text: str, limit: int = INDEX_SUMMARY_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def index_js(entries: list[list[str]]) -> bytes:
    """``window.BMTOOLS_SEARCH = [...]`` (JSON with ``<`` escaped: safe in any context)."""
    data = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{GLOBAL}={data};\n".encode()
