"""Rebuilding a site after an edit writes only the files whose bytes changed, and renders
only the pages that show the edited page; the result equals a fresh build."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

import bmtools
from bmtools import loader
from bmtools.site import build_site, build_site_from, urls
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


# -- from the graph folder (the CLI and --serve): only what changed is read ---------------------


def build_from(root: Path, out: Path, **kw):
    return build_site_from(root, out, today=TODAY, **kw)


def aged(root: Path) -> Path:
    """The graph's files a minute old: a file changed within a second or two of a build is
    read again by the next one (its stat may not show a change made in the same tick)."""
    past = time.time() - 60
    for path in root.rglob("*"):
        os.utime(path, (past, past))
    return root


def test_from_the_folder_an_edit_reads_the_pages_it_shows_only(tmp_path, monkeypatch):
    root = aged(write_graph(tmp_path / "g", FILES, PUBLIC))
    out = tmp_path / "out"
    first = build_from(root, out)
    assert first.how.startswith("read all 5 files (no cache for this site)")
    read = []
    real = loader.read_page
    monkeypatch.setattr(loader, "read_page", lambda *a, **k: read.append(a[1]) or real(*a, **k))
    (root / "pages" / "a.md").write_text("- the new text of a\n- more of a\n")
    result = build_from(root, out)
    # a changed; embeds shows it; refers and embeds are the linked references a shows
    assert sorted(read) == ["pages/a.md", "pages/embeds.md", "pages/refers.md"]
    assert result.how == "read 3 of 5 pages; rendered 2 of 6 pages"
    assert set(result.written) == {
        urls.page_path("a"),
        urls.page_path("embeds"),
        "search-index.js",
        "all-pages.html",
    }
    assert_as_fresh(root, out, tmp_path)


def test_from_the_folder_a_name_that_appears_relinks_the_pages_naming_it(tmp_path):
    files = dict(FILES, **{"pages/later.md": "- waits for [[not yet]] and [[a]]\n"})
    root = write_graph(tmp_path / "g", files, PUBLIC)
    out = tmp_path / "out"
    build_from(root, out)
    assert 'class="missing">not yet' in (out / urls.page_path("later")).read_text()
    (root / "pages" / "not yet.md").write_text("- here now\n")
    result = build_from(root, out)
    assert result.how.startswith("read ")  # not every file
    assert urls.page_path("later") in result.written
    assert 'class="missing">not yet' not in (out / urls.page_path("later")).read_text()
    os.remove(root / "pages" / "not yet.md")
    build_from(root, out)
    assert 'class="missing">not yet' in (out / urls.page_path("later")).read_text()
    assert_as_fresh(root, out, tmp_path)


def test_a_milestone_owner_page_removed_shows_on_its_roadmap(tmp_path):
    plan = (
        "- [[Launch]] #milestone\n  due:: 2026-12-01\n  owner:: [[Ann]]\n"
        "  milestone-type:: implementation\n"
    )
    files = dict(FILES, **{"pages/plan.md": plan, "pages/Ann.md": "- a person\n"})
    root = write_graph(tmp_path / "g", files, PUBLIC)
    out = tmp_path / "out"
    build_from(root, out)
    assert 'href="../p/ann.html"' in (out / "roadmaps/plan.html").read_text()
    os.remove(root / "pages" / "Ann.md")
    result = build_from(root, out)
    assert "roadmaps/plan.html" in result.written and "roadmaps/plan.svg" not in result.written
    assert 'href="../p/ann.html"' not in (out / "roadmaps/plan.html").read_text()
    assert_as_fresh(root, out, tmp_path)


@pytest.mark.parametrize("doubt", ["config.edn", "theme", "code", "option"])
def test_any_doubt_about_the_cache_means_a_full_build(tmp_path, monkeypatch, doubt):
    root = write_graph(tmp_path / "g", FILES, PUBLIC)
    out = tmp_path / "out"
    theme = tmp_path / "theme"
    (theme / "site").mkdir(parents=True)
    (theme / "site" / "style.css").write_text("body { color: black }\n")
    build_from(root, out, templates=theme)
    kw = {"templates": theme}
    if doubt == "config.edn":
        (root / "logseq" / "config.edn").write_text(PUBLIC.replace("}", " :hidden []}"))
    elif doubt == "theme":
        (theme / "site" / "style.css").write_text("body { color: navy }\n")
    elif doubt == "code":  # another bmtools, or the same version built from other code
        from bmtools import codeid

        monkeypatch.setattr(codeid, "code_id", lambda: "0.1.0+another-build")
    else:
        kw["title"] = "Another title"
    result = build_from(root, out, **kw)
    if doubt in ("config.edn", "code"):
        assert result.how.startswith("read all 5 files (another bmtools or config.edn)")
    assert result.how.endswith("rendered every page")
    fresh = tmp_path / "fresh"
    build_from(root, fresh, cache_dir=tmp_path / "fresh-cache", **kw)
    assert files_of(out) == files_of(fresh)


def test_serve_rebuilds_from_the_folder_reading_the_changed_page(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from bmtools.cli import main
    from bmtools.site import serve

    root = aged(write_graph(tmp_path / "g", FILES, PUBLIC))
    out = tmp_path / "out"
    loads, read, said = [], [], []
    real_load, real_read = loader.load_graph, loader.read_page
    monkeypatch.setattr(loader, "load_graph", lambda *a: loads.append(a) or real_load(*a))
    monkeypatch.setattr(
        loader, "read_page", lambda *a, **k: read.append(a[1]) or real_read(*a, **k)
    )

    def serve_once(out_dir, graph_root, rebuild, **kw):  # one change, one rebuild, then stop
        read.clear()
        (root / "pages" / "other.md").write_text("- unrelated [[refers]], edited\n")
        said.append(rebuild())

    monkeypatch.setattr(serve, "serve_site", serve_once)
    result = CliRunner().invoke(main, ["site", str(root), "-o", str(out), "--serve"])
    assert result.exit_code == 0, result.output
    assert len(loads) == 1  # the first build only
    assert "pages/other.md" in read and "pages/a.md" not in read
    assert said and "written" in said[0]
    assert "edited" in (out / urls.page_path("other")).read_text()
