"""Checks over a built site: every HTML file parses without errors (html5lib), and every
internal link and anchor leads somewhere."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib


def parse_errors(path: Path) -> list[str]:
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(path.read_bytes())
    return [f"{path}: {pos}: {err} {data}" for pos, err, data in parser.errors]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if a.get(key) and not (tag == "a" and key == "src"):
                self.links.append(a[key])


def scan(site: Path) -> dict[str, _Collector]:
    out = {}
    for path in sorted(site.rglob("*.html")):
        c = _Collector()
        c.feed(path.read_text(encoding="utf-8"))
        out[path.relative_to(site).as_posix()] = c
    return out


def broken_links(site: Path) -> list[str]:
    """Internal links (relative URLs) whose file or anchor does not exist."""
    pages = scan(site)
    broken = []
    for rel, c in pages.items():
        for link in c.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            target = (
                rel
                if not parts.path
                else posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path)))
            )
            if target.startswith("../") or not (site / target).is_file():
                broken.append(f"{rel}: {link} (no file {target})")
                continue
            if parts.fragment and target.endswith(".html"):
                if unquote(parts.fragment) not in pages[target].ids:
                    broken.append(f"{rel}: {link} (no anchor)")
    return broken
