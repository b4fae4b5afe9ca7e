"""Bare URLs in published pages: Logseq links a bare http(s) URL, nothing else bare."""

from __future__ import annotations

import datetime as dt

import html5lib

import bmtools
from bmtools.site import build_site
from tests.conftest import write_graph

PAGE = (
    "- reading list: https://example.org/a_(b). then https://a.org/#part\n"
    "- query https://q.org/x?y=1&z=2, and [[Reading]] https://r.org\n"
    "- not links: ftp://x.org mailto:a@b.org www.c.org example.com //d.org\n"
    "- `https://code.example` stays code; [label](https://l.example) keeps its label\n"
    "- **bold https://b.org/x** and #reading\n"
)


def anchors(tmp_path):
    root = write_graph(
        tmp_path / "g", {"pages/links.md": PAGE}, "{:publishing/all-pages-public? true}\n"
    )
    out = tmp_path / "out"
    build_site(bmtools.load_graph(root), out, today=dt.date(2026, 12, 2), cache_dir=tmp_path / "c")
    doc = html5lib.parse((out / "p" / "links.html").read_bytes(), namespaceHTMLElements=False)
    main = doc.find(".//main")
    return main, [(a.get("href"), "".join(a.itertext())) for a in main.iter("a")]


def test_bare_urls_are_links_with_logseq_bounds(tmp_path):
    _, links = anchors(tmp_path)
    external = [(h, t) for h, t in links if h and h.startswith("http")]
    assert external == [
        ("https://example.org/a_(b)", "https://example.org/a_(b)"),
        ("https://a.org/#part", "https://a.org/#part"),
        ("https://q.org/x?y=1&z=2", "https://q.org/x?y=1&z=2"),
        ("https://r.org", "https://r.org"),
        ("https://l.example", "label"),
        ("https://b.org/x", "https://b.org/x"),
    ]


def test_other_bare_schemes_domains_and_code_stay_text(tmp_path):
    main, links = anchors(tmp_path)
    hrefs = {h for h, _ in links}
    for text in ("ftp://x.org", "mailto:a@b.org", "www.c.org", "example.com", "//d.org"):
        assert not any(text in (h or "") for h in hrefs), text
    code = [c.text for c in main.iter("code")]
    assert code == ["https://code.example"]
