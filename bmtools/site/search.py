"""The search index: a JavaScript file assigning a global, so that the search page works
from ``file://`` (no fetch) as well as from a web server.

Each page gives ``[title, url, summary, words]``: ``words`` is the page's distinct words
(letters and digits, lower-cased, NFC), space-separated. The file stores each word once
(:func:`index_js`): ``{"pages": [[title, url, summary], …], "words": "a b …", "hits": […]}``,
the words sorted (by UTF-16 code units, as JavaScript compares strings) and, for each, the
pages holding it: either the differences between successive page numbers (the first is the
page number plus one) as base64url variable-length numbers (5 bits a character, 32 added
to each character but the last of a number), or ``!`` and a bitmap of all pages, six a
character (page ``i``: bit ``i % 6`` of character ``i // 6``), whichever is shorter. The
search script (``templates/site/search.js``) matches every query word as a prefix of a
title word or of a page's words.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict

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
    text = _MARKUP.sub(r"\1\2", text)  # a group that did not take part is empty
    return " ".join(text.split())


# What page_text leaves out: macros, block refs, link destinations (the rest of the
# markup holds no word).
_NOT_WORDS = re.compile(r"\{\{[^}\n]*\}\}|\(\(\s*[0-9a-fA-F-]{36}\s*\)\)|\]\([^)\n]*\)")


def page_text(page: Page) -> str:
    """The text whose :func:`words` a page is found by: titles and text of its blocks,
    property values (the words of :func:`plain` text, without making it plain)."""
    parts = [page.title]
    for block in page.blocks:
        parts.append(block.content)
    return _NOT_WORDS.sub(" ", "\n".join(parts))


def words(text: str) -> str:
    """The distinct words of ``text`` (the first :data:`MAX_WORDS`), space-separated."""
    found = _WORD.findall(unicodedata.normalize("NFC", text.lower()))
    distinct = [w for w in dict.fromkeys(found) if len(w) > 1]
    return " ".join(distinct[:MAX_WORDS])


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
    """``window.BMTOOLS_SEARCH = {...}`` (see the module docstring; JSON with ``<`` escaped:
    safe in any context) for ``[title, url, summary, words]`` per page."""
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for number, entry in enumerate(entries):
        for word in entry[3].split():  # distinct words (see words)
            postings[word].append(number)
    words = sorted(postings, key=lambda w: w.encode("utf-16-be"))
    data = json.dumps(
        {
            "pages": [entry[:3] for entry in entries],
            "words": " ".join(words),
            "hits": [_hits(postings[w], len(entries)) for w in words],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    data = data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{GLOBAL}={data};\n".encode()


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _hits(pages: list[int], total: int) -> str:
    """The pages holding a word: varint differences or a bitmap, the shorter."""
    gaps = [b - a for a, b in zip([-1, *pages], pages, strict=False)]
    if max(gaps) < 32:
        out = "".join([_B64[g] for g in gaps])
    else:
        chars = []
        for gap in gaps:
            while gap >= 32:
                chars.append(_B64[32 | (gap & 31)])
                gap >>= 5
            chars.append(_B64[gap])
        out = "".join(chars)
    if len(out) * 6 <= total:
        return out
    bits = bytearray((total + 5) // 6)
    for number in pages:
        bits[number // 6] |= 1 << (number % 6)
    bitmap = "!" + "".join([_B64[b] for b in bits])
    return bitmap if len(bitmap) < len(out) else out


def read_index(js: bytes) -> list[list[str]]:
    """The ``[title, url, summary, words]`` of each page back from :func:`index_js`'s file,
    the words in the file's order (for tests and tools)."""
    text = js.decode("utf-8").strip()
    data = json.loads(text[len(f"window.{GLOBAL}=") : -1])
    pages = [list(p) + [[]] for p in data["pages"]]
    value = {c: i for i, c in enumerate(_B64)}
    for word, hits in zip(data["words"].split(" "), data["hits"], strict=True):
        if hits.startswith("!"):
            for k, c in enumerate(hits[1:]):
                for b in range(6):
                    if value[c] >> b & 1:
                        pages[k * 6 + b][3].append(word)
            continue
        number, gap, shift = -1, 0, 0
        for c in hits:
            gap |= (value[c] & 31) << shift
            if value[c] & 32:
                shift += 5
                continue
            number += gap
            pages[number][3].append(word)
            gap = shift = 0
    return [p[:3] + [" ".join(p[3])] for p in pages]
