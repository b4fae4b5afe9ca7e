"""``bmtools site`` on hostile pages and hostile output folders: nothing from a page becomes
markup or script, and no write lands outside the output folder."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
import pytest
from click.testing import CliRunner

import bmtools
from bmtools.cli import main
from bmtools.site import build_site, urls
from bmtools.site.build import MARKER, SiteError
from tests.conftest import write_graph
from tests.sitecheck import parse_errors

PUBLIC = "{:publishing/all-pages-public? true}\n"
XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
HOSTILE = {
    "pages/xss.md": (
        f"title:: {XSS}\n"
        f"description:: {XSS}\n"
        f"alias:: {XSS}\n"
        "\n"
        f"- <script>alert('block')</script> and <img src=x onerror=alert(3)>\n"
        "- [click](javascript:alert(4)) [caps](JaVaScRiPt:alert(5)) "
        "[tab](java\tscript:alert(6)) [ent](&#106;avascript:alert(7)) "
        "[data](data:text/html,<script>alert(8)</script>) <javascript:alert(9)> "
        "[vb](vbscript:msgbox(1)) [file](file:///etc/passwd)\n"
        "- ![img](javascript:alert(10)) ![img2](data:image/svg+xml,<svg onload=alert(11)>)\n"
        f'- [[{XSS}]] and #[[a" onmouseover="alert(12)]] and [l]([[x" onclick="y]])\n'
        f"- prop:: {XSS}\n"
        "  other:: [a](javascript:alert(13))\n"
        "- ```html\n  <script>alert(14)</script>\n  ```\n"
        "- $\\href{javascript:alert(15)}{x}$ and $$\\style{x}{y}$$\n"
        "- {{embed [[" + XSS + "]]}} {{video javascript:alert(16)}}\n"
        '- <div onclick="alert(17)">raw block html</div>\n'
        "- ok [fine](https://example.com/?a=1&b=2) [mail](mailto:a@example.com)\n"
        "- control \x07 \x0b \x1b[31m \x7f \x9b and \x01 characters, \ufffe\n"
    ),
    "pages/<b onmouseover=alert(18)>.md": "- a page whose file name is markup\n",
}
OUR_SCRIPTS = ("static/search.js", "search-index.js")


def walk_dom(path: Path):
    doc = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
    yield from doc.iter()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    root = write_graph(tmp / "g", HOSTILE, PUBLIC)
    out = tmp / "out"
    build_site(bmtools.load_graph(root), out, today=dt.date(2026, 11, 22), cache_dir=tmp / "c")
    return out


def test_hostile_pages_parse_cleanly(hostile_site):
    assert [e for p in hostile_site.rglob("*.html") for e in parse_errors(p)] == []


def test_no_script_no_event_handler_no_dangerous_url(hostile_site):
    pages = list(hostile_site.rglob("*.html"))
    assert len(pages) >= 5
    for page in pages:
        for el in walk_dom(page):
            if not isinstance(el.tag, str):
                continue
            if el.tag == "script":
                src = el.get("src") or ""
                assert src.endswith(OUR_SCRIPTS) and not (el.text or "").strip(), page
            for key, value in el.attrib.items():
                assert not key.lower().startswith("on"), (page, el.tag, key, value)
                if key in ("href", "src", "action"):
                    scheme = urlsplit(value).scheme.lower()
                    assert scheme in ("", "http", "https", "mailto"), (page, key, value)
                    assert not value.startswith("//")
            assert el.tag not in ("iframe", "object", "embed", "div") or not el.get("onclick")


def test_hostile_text_is_shown_as_text(hostile_site):
    xss = hostile_site / urls.page_path(XSS.lower())
    html = xss.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert('block')&lt;/script&gt;" in html
    assert "&lt;div onclick=&quot;alert(17)&quot;&gt;raw block html&lt;/div&gt;" in html
    assert '<a class="external" href="https://example.com/?a=1&amp;b=2"' in html
    assert 'href="mailto:a@example.com"' in html
    assert html.count('class="link-refused"') >= 7
    title = next(el for el in walk_dom(xss) if el.tag == "title")
    assert title.text.startswith(XSS)
    assert (hostile_site / urls.page_path("<b onmouseover=alert(18)>")).is_file()


def test_hostile_title_property_is_escaped(tmp_path):
    root = write_graph(tmp_path / "g", {"pages/t.md": f"title:: {XSS}\n\n- body\n"}, PUBLIC)
    out = tmp_path / "out"
    build_site(bmtools.load_graph(root), out)
    page = out / urls.page_path(XSS.lower())
    doc = list(walk_dom(page))
    assert next(el for el in doc if el.tag == "title").text.startswith(XSS)
    assert next(el for el in doc if el.tag == "h1").text == XSS
    assert not any(el.tag == "img" for el in doc)
    index = (out / "search-index.js").read_text(encoding="utf-8")
    assert "<" not in index


def test_refuses_a_folder_it_did_not_write(tmp_path):
    root = write_graph(tmp_path / "g", {"pages/a.md": "- a\n"}, PUBLIC)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    result = CliRunner().invoke(main, ["site", str(root), "-o", str(out)])
    assert result.exit_code == 2
    assert "not written by bmtools site" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["precious.txt"]
    result = CliRunner().invoke(main, ["site", str(root), "-o", str(out), "--clean"])
    assert result.exit_code == 2 and (out / "precious.txt").read_text() == "keep me"


def test_clean_empties_only_a_folder_holding_nothing_but_the_site(tmp_path):
    root = write_graph(tmp_path / "g", {"pages/a.md": "- a\n", "pages/b.md": "- b\n"}, PUBLIC)
    out = tmp_path / "out"
    graph = bmtools.load_graph(root)
    build_site(graph, out)
    (out / "CNAME").write_text("example.com")
    with pytest.raises(SiteError, match="CNAME"):
        build_site(graph, out, clean=True)
    assert (out / "p" / "a.html").is_file()
    (out / "CNAME").unlink()
    result = build_site(graph, out, clean=True)
    assert "p/a.html" in result.removed and "p/a.html" in result.written


def test_stale_files_removed_foreign_files_kept(tmp_path):
    root = write_graph(tmp_path / "g", {"pages/a.md": "- a\n", "pages/b.md": "- b\n"}, PUBLIC)
    out = tmp_path / "out"
    build_site(bmtools.load_graph(root), out)
    (out / "CNAME").write_text("example.com")
    (root / "pages" / "b.md").unlink()
    result = build_site(bmtools.load_graph(root), out)
    assert result.removed == ["p/b.html"]
    assert not (out / "p" / "b.html").exists() and (out / "CNAME").read_text() == "example.com"


def test_no_write_outside_the_folder_through_a_symlinked_subfolder(tmp_path):
    root = write_graph(tmp_path / "g", {"pages/a.md": "- a\n"}, PUBLIC)
    out = tmp_path / "out"
    graph = bmtools.load_graph(root)
    build_site(graph, out)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.html").write_text("outside")
    for child in (out / "p").iterdir():
        child.unlink()
    (out / "p").rmdir()
    (out / "p").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(SiteError, match="refusing to write"):
        build_site(graph, out)
    assert sorted(os.listdir(elsewhere)) == ["a.html"]
    assert (elsewhere / "a.html").read_text() == "outside"


def _page_linked_elsewhere(tmp_path: Path, files: dict[str, str], name: str) -> tuple:
    """A built site whose page ``name`` was replaced by a link to a file outside it."""
    root = write_graph(tmp_path / "g", files, PUBLIC)
    out = tmp_path / "out"
    build_site(bmtools.load_graph(root), out)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / f"{name}.html").write_text("outside")
    (out / "p" / f"{name}.html").unlink()
    (out / "p" / f"{name}.html").symlink_to(elsewhere / f"{name}.html")
    return root, out, elsewhere


def test_stale_file_behind_a_symlink_is_not_removed(tmp_path):
    files = {"pages/a.md": "- a\n", "pages/b.md": "- b\n"}
    root, out, elsewhere = _page_linked_elsewhere(tmp_path, files, "b")
    (root / "pages" / "b.md").unlink()
    build_site(bmtools.load_graph(root), out)
    assert (elsewhere / "b.html").read_text() == "outside"


def test_a_link_in_place_of_a_page_is_replaced_not_written_through(tmp_path):
    root, out, elsewhere = _page_linked_elsewhere(tmp_path, {"pages/a.md": "- a\n"}, "a")
    (root / "pages" / "a.md").write_text("- a, edited\n")
    build_site(bmtools.load_graph(root), out)
    assert (elsewhere / "a.html").read_text() == "outside"
    page = out / "p" / "a.html"
    assert not page.is_symlink() and "a, edited" in page.read_text()
    assert not [f for f in os.listdir(out / "p") if f.endswith(".tmp")]


def test_marker_names_the_files_written(tmp_path):
    root = write_graph(tmp_path / "g", {"pages/a.md": "- a\n"}, PUBLIC)
    out = tmp_path / "out"
    build_site(bmtools.load_graph(root), out)
    import json

    files = json.loads((out / MARKER).read_text())["files"]
    assert "p/a.html" in files and "index.html" in files
