"""The lint cache: unchanged graphs are answered without reading pages; any change to a
page, the settings or config.edn is seen."""

from __future__ import annotations

from pathlib import Path

import pytest

from bmtools.lint import Settings, cache
from bmtools.loader import load_graph

PAGE = "- [[Beta]] #milestone\n  description:: x\n"


def make(root: Path) -> Path:
    (root / "logseq").mkdir()
    (root / "logseq/config.edn").write_text("{:file/name-format :triple-lowbar}\n")
    (root / "pages").mkdir()
    (root / "pages/a.md").write_text(PAGE)
    (root / "pages/b.md").write_text("- b\n")
    return root


@pytest.fixture
def counted_loads(monkeypatch):
    calls = []

    def counting(root):
        calls.append(root)
        return load_graph(root)

    monkeypatch.setattr(cache, "load_graph", counting)
    return calls


def test_unchanged_graph_is_not_read_again(tmp_path, counted_loads):
    root = make(tmp_path)
    graph, first = cache.cached_lint(root, Settings())
    assert graph is not None and len(counted_loads) == 1
    assert {d.code for d in first} == {"BM401"}
    assert (cache.folder_for(root) / "CACHEDIR.TAG").is_file()
    assert not (root / ".bmtools_cache").exists()  # nothing written into the graph
    graph, second = cache.cached_lint(root, Settings())
    assert graph is None and len(counted_loads) == 1
    assert second == first  # fixes and all fields survive the cache


def test_changes_invalidate(tmp_path, counted_loads):
    root = make(tmp_path)
    cache.cached_lint(root, Settings())
    ref = "((6571f2d0-0000-4000-8000-0000000000aa))"
    (root / "pages/b.md").write_text(f"- [[b]] changed {ref}\n")  # what other pages can see
    _, diags = cache.cached_lint(root, Settings())  # re-linted without reading the graph
    assert len(counted_loads) == 1
    assert {(d.file, d.code) for d in diags} == {("pages/a.md", "BM401"), ("pages/b.md", "BM103")}
    (root / "pages/a.md").write_text(f"- a block\n  id:: {ref[2:-2]}\n")  # b's ref now resolves
    _, diags = cache.cached_lint(root, Settings())
    assert len(counted_loads) == 1 and diags == []
    (root / "pages/a.md").write_text(PAGE)
    _, diags = cache.cached_lint(root, Settings(ignore=["BM401"]))  # other settings
    assert len(counted_loads) == 2 and [d.code for d in diags] == ["BM103"]
    (root / "pages/c.md").write_text(PAGE.replace("Beta", "Gamma"))  # a new page
    _, diags = cache.cached_lint(root, Settings())
    assert len(counted_loads) == 3 and {d.file for d in diags} == {
        "pages/a.md",
        "pages/b.md",
        "pages/c.md",
    }
    (root / "logseq/config.edn").write_text("{}\n")  # config.edn is part of the key
    cache.cached_lint(root, Settings())
    assert len(counted_loads) == 4
    (root / "pages/b.md").write_text(f"- [[b]] changed {ref}\n- plain text, no refs\n")
    _, diags = cache.cached_lint(root, Settings())  # only b's local rules run again
    assert len(counted_loads) == 4 and {d.file for d in diags} == {
        "pages/a.md",
        "pages/b.md",
        "pages/c.md",
    }


def test_corrupt_cache_is_a_miss(tmp_path, counted_loads):
    root = make(tmp_path)
    cache.cached_lint(root, Settings())
    (cache.folder_for(root) / cache.CACHE_FILE).write_bytes(b"not a cache")
    _, diags = cache.cached_lint(root, Settings())
    assert len(counted_loads) == 2 and {d.code for d in diags} == {"BM401"}


def test_lost_or_foreign_facts_mean_a_full_run(tmp_path, counted_loads):
    """The page facts live in a second file: without the matching one, nothing is guessed."""
    (tmp_path / "g").mkdir()
    (tmp_path / "other").mkdir()
    root, other = make(tmp_path / "g"), make(tmp_path / "other")
    cache.cached_lint(root, Settings())
    cache.cached_lint(other, Settings())
    assert len(counted_loads) == 2
    (root / "pages/b.md").write_text("- [[b]] now with a ref\n")
    cache.cached_lint(root, Settings())  # a scoped run: no full load
    assert len(counted_loads) == 2
    facts = cache.folder_for(root) / cache.FACTS_FILE
    facts.write_bytes((cache.folder_for(other) / cache.FACTS_FILE).read_bytes())  # foreign
    ref = "((6571f2d0-0000-4000-8000-0000000000aa))"
    (root / "pages/b.md").write_text(f"- [[b]] and {ref}\n")
    _, diags = cache.cached_lint(root, Settings())
    assert len(counted_loads) == 3
    assert {(d.file, d.code) for d in diags} == {("pages/a.md", "BM401"), ("pages/b.md", "BM103")}
    (root / "pages/b.md").write_text("- [[b]]\n")
    facts.unlink()
    _, diags = cache.cached_lint(root, Settings())
    assert len(counted_loads) == 4 and {d.code for d in diags} == {"BM401"}


def test_verbose_says_how_the_cache_answered(tmp_path):
    from click.testing import CliRunner

    from bmtools.cli import main

    root = make(tmp_path)

    def said() -> str:
        result = CliRunner().invoke(main, ["lint", str(root), "-v", "--format", "json"])
        assert result.exit_code == 1  # a.md misses required fields
        return result.stderr.strip()

    assert (
        said()
        == "bmtools: cache: no cache for these settings and this config.edn; read all 2 files"
    )
    assert said() == "bmtools: cache: no file changed; nothing read (2 files)"
    (root / "pages/b.md").write_text("- b\n- and plain words\n")
    assert said() == "bmtools: cache: 1 changed; nothing other pages see changed: read 1 file"
    (root / "pages/b.md").write_text("- b, now about [[a]]\n")
    assert said() == "bmtools: cache: 1 changed; re-linted 1 of 2 files"  # b alone
    (root / "pages/c.md").write_text("- c\n")
    assert said() == "bmtools: cache: 1 added; re-linted 2 of 3 files"  # c, and a: items


def test_a_cache_written_by_other_bmtools_code_is_not_used(tmp_path, counted_loads, monkeypatch):
    # one version number covers many builds (a checkout, an editable install): a cache that
    # another build wrote may hold findings this code would not make
    root = make(tmp_path)
    cache.cached_lint(root, Settings())
    cache.cached_lint(root, Settings())
    assert len(counted_loads) == 1
    monkeypatch.setattr(cache, "code_id", lambda: "0.1.0+another-build")
    cache.cached_lint(root, Settings())
    assert len(counted_loads) == 2


def test_code_id_changes_with_any_module_and_ignores_bytecode(tmp_path, monkeypatch):
    from bmtools import codeid

    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "a.py").write_text("A = 1\n")
    (pkg / "sub" / "b.py").write_text("B = 2\n")
    monkeypatch.setattr(codeid, "_PACKAGE", str(pkg))
    first = codeid.code_id.__wrapped__()
    assert first.startswith(codeid.__version__ + "+") and codeid.code_id.__wrapped__() == first
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    (pkg / "notes.txt").write_text("not code")
    assert codeid.code_id.__wrapped__() == first
    (pkg / "sub" / "b.py").write_text("B = 22\n")
    second = codeid.code_id.__wrapped__()
    assert second != first
    (pkg / "sub" / "c.py").write_text("")
    assert codeid.code_id.__wrapped__() not in (first, second)
