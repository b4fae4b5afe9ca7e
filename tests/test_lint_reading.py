"""Reading rules (BM001-BM006) that need bytes, links or sizes a text fixture cannot hold:
each one fires on a bad file and stays quiet on a good one."""

from __future__ import annotations

import os

import pytest

from bmtools import loader
from bmtools.lint import Settings, lint_graph
from bmtools.loader import load_graph


def codes(root, code):
    return [(d.code, d.file) for d in lint_graph(load_graph(root), Settings(select=[code]))]


@pytest.fixture
def pages(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages/good.md").write_text("- fine\n")
    return tmp_path


def test_bm001_unreadable_file(pages):
    assert codes(pages, "BM001") == []
    os.symlink(pages / "missing-target.md", pages / "pages/dangling.md")
    assert codes(pages, "BM001") == [("BM001", "pages/dangling.md")]


def test_bm002_invalid_utf8(pages):
    assert codes(pages, "BM002") == []
    (pages / "pages/latin.md").write_bytes(b"- caf\xe9\n")
    assert codes(pages, "BM002") == [("BM002", "pages/latin.md")]


def test_bm003_file_too_large(pages, monkeypatch):
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 100)
    assert codes(pages, "BM003") == []
    (pages / "pages/big.md").write_text("- x\n" * 100)
    assert codes(pages, "BM003") == [("BM003", "pages/big.md")]


def test_bm004_binary_file(pages):
    assert codes(pages, "BM004") == []
    (pages / "pages/photo.md").write_bytes(b"\xff\xd8\x00\x00JFIF")
    assert codes(pages, "BM004") == [("BM004", "pages/photo.md")]


def test_bm006_symlink_loop(pages):
    assert codes(pages, "BM006") == []
    os.symlink(pages / "pages", pages / "pages/again")
    assert [c for c, _ in codes(pages, "BM006")] == ["BM006"]
