"""Bad input: every bad file gives a diagnostic with its file (and line), the rest still loads."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

import bmtools
from bmtools.cli import main
from tests.conftest import load, write_graph

GOOD = {"pages/good.md": "- fine [[other]]\n"}


def codes(graph):
    return {(d.code, d.file) for d in graph.diagnostics}


def test_invalid_utf8_is_replaced_and_reported(tmp_path):
    root = write_graph(tmp_path, {**GOOD, "pages/bad.md": b"- ok\n- caf\xe9 [[x]]\n"})
    graph = load(root)
    diag = next(d for d in graph.diagnostics if d.code == "BM002")
    assert (diag.file, diag.line, diag.col) == ("pages/bad.md", 2, 6)
    assert graph.pages["bad"].blocks[1].title == "caf\ufffd [[x]]"
    assert graph.pages["bad"].blocks[1].refs[0].target == "x"
    assert "good" in graph.pages


def test_bom_hides_the_first_line_from_logseq_and_is_reported(tmp_path):
    # Logseq keeps the BOM as the first line's first character (checked with its parser):
    # 'title:: With BOM' there is text, the page keeps its file's name; the lines below it
    # are still the pre-block's properties
    files = {
        "pages/b.md": b"\xef\xbb\xbftitle:: With BOM\nstatus:: draft\n\n- a\n",
        "pages/c.md": b"\xef\xbb\xbfJust a first line of text\nstatus:: kept\n- c\n",
    }
    graph = load(write_graph(tmp_path, files))  # load() also checks the bytes reassemble
    b, c = graph.pages["b"], graph.pages["c"]
    assert b.bom and b.title == "b" and "with bom" not in graph.pages
    assert {k: p.value for k, p in b.properties.items()} == {"status": "draft"}
    assert b.blocks[0].content.startswith("title:: With BOM")
    assert c.bom and {k: p.value for k, p in c.properties.items()} == {"status": "kept"}
    found = [(d.code, d.file, d.line) for d in graph.diagnostics]
    assert found == [("BM024", "pages/b.md", 1)]  # c's first line is text with or without it


def test_binary_file_named_md_is_skipped(tmp_path):
    root = write_graph(tmp_path, {**GOOD, "pages/image.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"})
    graph = load(root)
    assert ("BM004", "pages/image.md") in codes(graph)
    assert "image" not in graph.pages and "good" in graph.pages


def test_unreadable_file(tmp_path):
    root = write_graph(tmp_path, GOOD)
    os.symlink(tmp_path / "nowhere.md", root / "pages" / "dangling.md")
    locked = root / "pages" / "locked.md"
    locked.write_text("- secret")
    locked.chmod(0)
    try:
        graph = load(root)
    finally:
        locked.chmod(0o644)
    assert ("BM001", "pages/dangling.md") in codes(graph)
    if os.geteuid() != 0:  # root reads files whatever their mode
        assert ("BM001", "pages/locked.md") in codes(graph)
    assert "good" in graph.pages


def test_symlink_loop(tmp_path):
    root = write_graph(tmp_path, GOOD)
    os.symlink(root / "pages", root / "pages" / "again")
    graph = load(root)
    assert any(d.code == "BM006" for d in graph.diagnostics)
    assert [p.file for p in graph.pages.values() if p.file] == ["pages/good.md"]


def test_huge_single_line_file_is_listed_not_parsed(tmp_path):
    root = write_graph(tmp_path, GOOD)
    with open(root / "pages" / "huge.md", "wb") as fh:
        chunk = b"- " + b"word [[ref]] " * 80_000
        for _ in range(50):
            fh.write(chunk)  # ~52 MB, one line
    graph = load(root)
    assert ("BM003", "pages/huge.md") in codes(graph)
    assert graph.pages["huge"].blocks == [] and "good" in graph.pages


def test_long_single_line_under_the_limit_is_parsed(tmp_path):
    line = "- " + "text `code [[no]]` [[yes]] #tag " * 60_000  # ~2 MB, one line
    graph = load(write_graph(tmp_path, {"pages/long.md": line}))
    refs = graph.pages["long"].blocks[0].refs
    assert len(refs) == 120_000 and {r.target for r in refs} == {"yes", "tag"}


def test_unparseable_config_warns_and_uses_defaults(tmp_path):
    root = write_graph(
        tmp_path, {"pages/a.b.md": "- x"}, config="{:file/name-format :triple-lowbar"
    )
    graph = load(root)
    assert ("BM030", "logseq/config.edn") in codes(graph)
    assert graph.config.file_name_format == "legacy"
    assert "a/b" in graph.pages  # legacy file names: "." is a namespace separator


def test_real_config_with_comments_sets_and_functions(tmp_path):
    config = """;; a real config
{:meta/version 1
 :file/name-format :triple-lowbar
 :hidden ["/archive"]
 :property-pages/excludelist #{:status}
 :journal/page-title-format "yyyy-MM-dd"
 :default-queries
 {:journals [{:title "🔨 NOW"
              :query [:find (pull ?h [*]) :where [?h :block/marker ?m]]
              :result-transform (fn [result]
                                  (sort-by (fn [h] (get h :block/priority "Z")) result))}]}
 :commands []}"""
    root = write_graph(
        tmp_path, {"pages/a.b.md": "- x\n  status:: done", "archive/old.md": "- y"}, config
    )
    graph = load(root)
    assert graph.diagnostics == []
    assert list(graph.pages) == ["a.b"]
    assert graph.pages["a.b"].blocks[0].refs == []  # status is excluded from property pages


def test_org_files_are_read_as_pages(tmp_path):
    graph = load(write_graph(tmp_path, {**GOOD, "pages/notes.org": "* TODO x"}))
    assert not [d for d in graph.diagnostics if d.file == "pages/notes.org"]
    notes = graph.pages["notes"]
    assert notes.format == "org" and [(b.title, b.marker) for b in notes.blocks] == [("x", "TODO")]


def test_excluded_folders(tmp_path):
    files = {
        **GOOD,
        "logseq/bak/pages/good.md": "- old",
        "logseq/.recycle/x.md": "- gone",
        "logseq/version-files/y.md": "- v",
        "node_modules/z.md": "- n",
        ".hidden/h.md": "- h",
        "pages/.dot.md": "- d",
        "pages/readme.markdown": "- md too",
    }
    graph = load(write_graph(tmp_path, files))
    assert sorted(p.file for p in graph.pages.values() if p.file) == [
        "pages/good.md",
        "pages/readme.markdown",
    ]


def test_two_files_one_page(tmp_path):
    graph = load(write_graph(tmp_path, {"pages/Contents.md": "- a", "journals/contents.md": "- b"}))
    diag = next(d for d in graph.diagnostics if d.code == "BM011")
    assert diag.file == "pages/Contents.md"
    assert graph.collisions == [("contents", ["journals/contents.md", "pages/Contents.md"])]


def test_missing_root_is_the_only_fatal_error(tmp_path):
    with pytest.raises(bmtools.GraphRootError):
        bmtools.load_graph(tmp_path / "nope")
    result = CliRunner().invoke(main, ["stats", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no such folder" in result.output and "Traceback" not in result.output


def test_cli_reports_bad_files_and_still_answers(tmp_path):
    root = write_graph(
        tmp_path, {**GOOD, "pages/bad.md": b"- caf\xe9", "pages/bin.md": b"\x00\x01"}
    )
    result = CliRunner().invoke(main, ["stats", str(root)])
    assert result.exit_code == 0
    assert "pages/bad.md:1:6: BM002 invalid UTF-8" in result.output
    assert "pages/bin.md: BM004 binary file" in result.output
    assert "Traceback" not in result.output


def test_hostile_yaml_front_matter_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    text = f'---\ntitle: x\n!!python/object/apply:os.system ["touch {marker}"]\n  - a\n---\n- b\n'
    graph = load(write_graph(tmp_path / "g", {"pages/evil.md": text}))
    assert not marker.exists()
    diag = next(d for d in graph.diagnostics if d.code == "BM020")
    assert diag.file == "pages/evil.md" and "lost:" not in diag.message
