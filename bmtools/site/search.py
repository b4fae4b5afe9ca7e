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
_MARKUP_NO_LINK = re.compile(
    r"\{\{[^}\n]*\}\}|\(\(\s*[0-9a-fA-F-]{36}\s*\)\)|\[\[|\]\]|[*_~`=^]{1,3}|#(?=\S)"
)


def plain(text: str) -> str:
    """Text without Markdown and Logseq markup (refs keep their names, links their text)."""
    if "](" in text:
        text = _MARKUP.sub(r"\1\2", text)  # a group that did not take part is empty
    else:  # no link: the same matches, each replaced by nothing (no call per match)
        text = _MARKUP_NO_LINK.sub("", text)
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
    text = text.lower()
    found = _WORD.findall(text if text.isascii() else unicodedata.normalize("NFC", text))
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
    return index_file([entry[:3] for entry in entries], word_hits(entries))


def word_hits(entries: list[list[str]]) -> dict[str, str]:
    """word -> the pages holding it, encoded (see :func:`_hits`), for ``[…, words]`` entries."""
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for number, entry in enumerate(entries):
        for word in entry[3].split():  # distinct words (see words)
            postings[word].append(number)
    total = len(entries)
    return {word: _hits(pages, total) for word, pages in postings.items()}


def update_hits(
    hits: dict[str, str], total: int, changed: dict[int, tuple[str, str]]
) -> dict[str, str]:
    """:func:`word_hits` after some pages' words changed (page number -> (words before, words
    now)), the pages (``total`` of them) and their numbers being the same: only the words
    of those pages are encoded again (an edit on a big site costs its own words)."""
    moves: dict[str, tuple[set[int], set[int]]] = {}
    for number, (before, now) in changed.items():
        for word in before.split():
            moves.setdefault(word, (set(), set()))[0].add(number)
        for word in now.split():
            moves.setdefault(word, (set(), set()))[1].add(number)
    out = dict(hits)
    for word, (gone, came) in moves.items():
        was = out.get(word)
        if was is not None and was.startswith("!"):
            dense = _bitmap_update(was, gone, came)
            if dense is not None:
                out[word] = dense
                continue
        pages = set(_pages(was)) if was is not None else set()
        pages = (pages - gone) | came
        if pages:
            out[word] = _hits(sorted(pages), total)
        else:
            out.pop(word, None)
    return out


def index_file(pages: list[list[str]], hits: dict[str, str]) -> bytes:
    """The index file of ``[title, url, summary]`` per page and :func:`word_hits`."""
    words = sorted(hits, key=lambda w: w.encode("utf-16-be"))
    data = json.dumps(
        {"pages": pages, "words": " ".join(words), "hits": [hits[w] for w in words]},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    data = data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{GLOBAL}={data};\n".encode()


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VALUE = {c: i for i, c in enumerate(_B64)}
_TO_VALUE = bytes.maketrans(_B64.encode(), bytes(range(64)))
_TO_CHAR = bytes.maketrans(bytes(range(64)), _B64.encode())
_ONES = bytes.maketrans(bytes(range(64)), bytes(bin(v).count("1") for v in range(64)))


def _bitmap_update(hits: str, gone: set[int], came: set[int]) -> str | None:
    """A bitmap's hits with pages taken out and put in, when it stays the shorter encoding
    for sure (more pages than the bitmap has characters: each page costs a variable-length
    number at least one character); None when only :func:`_hits` can tell."""
    bits = bytearray(hits[1:].encode("ascii").translate(_TO_VALUE))
    for number in gone:
        bits[number // 6] &= ~(1 << (number % 6)) & 63
    for number in came:
        bits[number // 6] |= 1 << (number % 6)
    if sum(bits.translate(_ONES)) <= len(bits) + 1:
        return None
    return "!" + bits.translate(_TO_CHAR).decode("ascii")


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


def _pages(hits: str) -> list[int]:
    """The page numbers :func:`_hits` encoded."""
    value = _VALUE
    if hits.startswith("!"):
        return [k * 6 + b for k, c in enumerate(hits[1:]) for b in range(6) if value[c] >> b & 1]
    out = []
    number, gap, shift = -1, 0, 0
    for c in hits:
        gap |= (value[c] & 31) << shift
        if value[c] & 32:
            shift += 5
            continue
        number += gap
        out.append(number)
        gap = shift = 0
    return out


def read_index(js: bytes) -> list[list[str]]:
    """The ``[title, url, summary, words]`` of each page back from :func:`index_js`'s file,
    the words in the file's order (for tests and tools)."""
    text = js.decode("utf-8").strip()
    data = json.loads(text[len(f"window.{GLOBAL}=") : -1])
    pages = [list(p) + [[]] for p in data["pages"]]
    for word, hits in zip(data["words"].split(" "), data["hits"], strict=True):
        for number in _pages(hits):
            pages[number][3].append(word)
    return [p[:3] + [" ".join(p[3])] for p in pages]
