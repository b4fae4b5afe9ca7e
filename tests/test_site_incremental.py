"""Rebuilding a site after an edit writes only the files whose bytes changed, and renders
only the pages that show the edited page; the result equals a fresh build."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import bmtools
from bmtools.site import build_site, urls
from bmtools.site.cache import cache_file
from tests.conftest import write_graph

PUBLIC = "{:publishing/all-pages-public? true :file/name-format :triple-lowbar}\n"
TODAY = dt.date(2026, 11, 22)
FILES = {
    "pages/a.md": "- the text of a\n- more of a\n",
    "pages/refers.md": "- a link to [[a]]\n",
    "pages/embeds.md": "- {{embed [[a]]}}\n",
    "pages/other.md": "- unrelated [[refers]]\n",
    "pages/ns___child.md": "- a child page\n",
}


def build(root: Path, out: Path):
    return build_site(bmtools.load_graph(root), out, today=TODAY)


def built(tmp_path: Path, files: dict[str, str] = FILES):
    """(graph, site folder, first build) of a graph of ``files``, built once."""
    root = write_graph(tmp_path / "g", files, PUBLIC)
    out = tmp_path / "out"
    return root, out, build(root, out)


def assert_as_fresh(root: Path, out: Path, tmp_path: Path) -> None:
    """The site rebuilt after edits holds exactly what a first build of the graph writes."""
    fresh = tmp_path / "fresh"
    build(root, fresh)
    assert files_of(out) == files_of(fresh)


def files_of(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and not p.name.startswith(".bmtools-site")
    }


def test_unchanged_graph_writes_nothing(tmp_path):
    root, out, first = built(tmp_path)
    assert len(first.written) == first.files
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}
    again = build(root, out)
    assert again.written == [] and again.removed == []
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.html")} == mtimes


def test_one_page_edit_writes_that_page_and_its_embedders_and_the_index(tmp_path):
    root, out, _ = built(tmp_path)
    (root / "pages" / "a.md").write_text("- the new text of a\n- more of a\n")
    result = build(root, out)
    assert set(result.written) == {
        urls.page_path("a"),
        urls.page_path("embeds"),
        "search-index.js",
        "all-pages.html",  # a's summary is its first line
    }
    assert "the new text of a" in (out / urls.page_path("embeds")).read_text()
    assert_as_fresh(root, out, tmp_path)


def test_a_new_reference_updates_the_target_backlinks_only(tmp_path):
    root, out, _ = built(tmp_path)
    (root / "pages" / "other.md").write_text("- unrelated [[refers]]\n- and now [[a]]\n")
    result = build(root, out)
    assert set(result.written) == {
        urls.page_path("other"),
        urls.page_path("a"),
        "search-index.js",
    }
    assert "3 linked references" in (out / urls.page_path("a")).read_text()
    assert_as_fresh(root, out, tmp_path)


def test_page_added_and_removed(tmp_path):
    root, out, _ = built(tmp_path)
    (root / "pages" / "new.md").write_text("- brand new [[a]]\n")
    os.remove(root / "pages" / "ns___child.md")
    result = build(root, out)
    assert urls.page_path("new") in result.written
    assert set(result.removed) == {urls.page_path("ns/child"), urls.page_path("ns")}
    assert_as_fresh(root, out, tmp_path)


def test_a_site_changed_by_other_means_gets_a_full_build(tmp_path):
    root, out, _ = built(tmp_path)
    (out / urls.page_path("other")).write_text("edited by hand")
    marker = (out / ".bmtools-site.json").read_text()
    (out / ".bmtools-site.json").write_text(marker.replace('"build": "', '"build": "x'))
    result = build(root, out)
    assert urls.page_path("other") in result.written


def test_the_cache_lives_outside_the_site(tmp_path):
    _, out, _ = built(tmp_path)
    assert cache_file(out).is_file()
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [
        ".bmtools-site.json",
        ".nojekyll",
    ]


def test_a_damaged_cache_means_a_full_build_with_the_same_result(tmp_path):
    root, out, _ = built(tmp_path)
    cache_file(out).write_bytes(b"\x00garbage")
    (root / "pages" / "a.md").write_text("- changed\n")
    build(root, out)
    assert_as_fresh(root, out, tmp_path)


def test_rendering_in_two_processes_gives_the_same_site(tmp_path, monkeypatch):
    files = dict(FILES)
    files.update(
        {f"pages/p{k}.md": f"- page {k} refers to [[a]] and [[p{k + 1}]]\n" for k in range(12)}
    )
    root = write_graph(tmp_path / "g", files, PUBLIC)
    monkeypatch.setenv("BMTOOLS_PARALLEL", "0")
    one = build(root, tmp_path / "one")
    monkeypatch.setenv("BMTOOLS_PARALLEL", "2")  # fork from 2 pages on
    two = build(root, tmp_path / "two")
    assert sorted(one.written) == sorted(two.written)
    assert files_of(tmp_path / "one") == files_of(tmp_path / "two")
    (root / "pages" / "p3.md").write_text("- page 3 changed\n")
    again = build(root, tmp_path / "two")
    assert urls.page_path("p3") in again.written and urls.page_path("p7") not in again.written


def test_a_milestone_edit_redraws_its_roadmap_only(tmp_path):
    def page(due: str) -> str:
        return (
            "- [[Launch]] #milestone\n  description:: Go live.\n  due:: " + due + "\n"
            "  budget:: 1,000 EUR\n  owner:: [[Ann]]\n  milestone-type:: implementation\n"
        )

    files = dict(
        FILES,
        **{
            "pages/plan one.md": page("2026-12-01"),
            "pages/plan two.md": page("2027-01-01").replace("Launch", "Other"),
        },
    )
    root, out, first = built(tmp_path, files)
    assert {"roadmaps/plan_one.svg", "roadmaps/plan_one.ics", "roadmaps/plan_two.html"} <= set(
        first.written
    )
    assert build(root, out).written == []
    (root / "pages" / "plan one.md").write_text(page("2026-12-15"))
    again = build(root, out)
    assert {"roadmaps/plan_one.html", "roadmaps/plan_one.svg", "roadmaps/plan_one.ics"} <= set(
        again.written
    )
    assert not any(w.startswith("roadmaps/plan_two") for w in again.written)
    assert "2026-12-15" in (out / "roadmaps/plan_one.html").read_text()
