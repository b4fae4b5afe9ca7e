"""One catalogue of findings (bmtools/codes.py): every code reported anywhere is in it, with the
name and severity it is reported with; every lint rule module declares what it reads."""

from __future__ import annotations

import ast
from importlib import import_module
from pathlib import Path

import pytest

from bmtools.codes import CATALOGUE, METAMODEL, MILESTONES, READING, SEVERITIES, finding
from bmtools.lint import registry
from bmtools.lint.context import reporter
from bmtools.loader import load_graph

RULES_DIR = Path(registry.__file__).parent / "rules"
RULE_FILES = sorted(p.stem for p in RULES_DIR.glob("[a-z]*.py"))


def test_every_rule_module_is_catalogued_and_every_catalogued_rule_has_a_module():
    assert sorted(registry.CODES.values()) == RULE_FILES
    for code, row in CATALOGUE.items():
        assert row.severity in SEVERITIES, code
        assert row.family != "other", code
        if row.origin == MILESTONES:
            assert row.module is None and row.summary, code
        else:
            assert (RULES_DIR / f"{row.module}.py").is_file(), code


@pytest.mark.parametrize("module", RULE_FILES)
def test_rule_module_declares_its_code_and_what_it_reads(module):
    mod = import_module(f"bmtools.lint.rules.{module}")
    row = CATALOGUE[mod.CODE]
    assert row.module == module
    assert getattr(mod, "READS", None) in registry.READS, f"{module}: READS missing or unknown"
    for attr in ("NAME", "SEVERITY", "DEFAULT"):  # the catalogue holds these, once
        assert not hasattr(mod, attr), f"{module}.{attr}: set it in bmtools/codes.py"
    found_elsewhere = row.origin in (READING, METAMODEL)
    assert hasattr(mod, "check") != found_elsewhere, module  # reading codes are re-emitted


def test_registry_refuses_a_module_without_reads(monkeypatch):
    mod = import_module("bmtools.lint.rules.mojibake")
    monkeypatch.delattr(mod, "READS")
    registry.all_rules.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="READS"):
            registry.all_rules()
    finally:
        monkeypatch.undo()
        registry.all_rules.cache_clear()


def test_rules_take_name_severity_and_default_from_the_catalogue():
    for code, rule in registry.all_rules().items():
        row = CATALOGUE[code]
        assert (rule.name, rule.severity, rule.default) == (row.name, row.severity, row.default)


def test_finding_and_reporter_fill_name_and_severity():
    d = finding("BM612", "twice", "pages/a.md", 3, 1)
    assert (d.code, d.name, d.severity, d.file, d.line) == (
        "BM612", "duplicate-milestone-title", "warning", "pages/a.md", 3,
    )  # fmt: skip
    r = reporter("BM401")("m", "pages/a.md", 2, 3)
    assert (r.name, r.severity) == ("missing-required-field", "error")
    with pytest.raises(KeyError):
        finding("BM999", "not catalogued", None)


def test_reading_problems_carry_the_catalogue_name_and_severity(tmp_path):
    """A graph with one problem of each kind the loader, the parser, config.edn, whiteboards
    and the index report: each comes out as the catalogue says."""
    (tmp_path / "logseq").mkdir()
    (tmp_path / "logseq/config.edn").write_text("{:hidden [\n")  # BM030
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "bin.md").write_bytes(b"\x00\x01")  # BM004
    (pages / "latin.md").write_bytes(b"- caf\xe9\n")  # BM002
    (pages / "fence.md").write_text("- ```python\n  x = 1\n")  # BM005
    uuid = "6571f2d0-0000-4000-8000-000000000001"
    (pages / "a.md").write_text(f"alias:: shared\n\n- x\n  id:: {uuid}\n")  # BM012, BM010
    (pages / "b.md").write_text(f"alias:: shared\n\n- y\n  id:: {uuid}\n")
    (pages / "c.md").write_text("- c\n")
    (pages / "C.markdown").write_text("- the same page as c.md\n")  # BM011
    (pages / "fm.md").write_text("---\ntitle: x\nnot a pair\n---\n- body\n")  # BM020
    (tmp_path / "whiteboards").mkdir()
    (tmp_path / "whiteboards/board.edn").write_text("{:blocks [")  # BM023
    graph = load_graph(tmp_path)
    codes = {d.code for d in graph.diagnostics}
    assert {
        "BM002",
        "BM004",
        "BM005",
        "BM010",
        "BM011",
        "BM012",
        "BM020",
        "BM023",
        "BM030",
    } <= codes
    for d in graph.diagnostics:
        row = CATALOGUE[d.code]
        assert (d.name, d.severity) == (row.name, row.severity), d


def test_no_diagnostic_is_written_by_hand_in_the_modules_that_report():
    """Findings are made with finding()/reporter(), so their name and severity cannot drift
    from the catalogue's."""
    root = Path(registry.__file__).parents[1]
    files = [
        root / "loader.py",
        root / "config.py",
        root / "whiteboard.py",
        root / "metamodel.py",
        *sorted(RULES_DIR.glob("*.py")),
    ]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Diagnostic":
                pytest.fail(f"{path.name}:{node.lineno}: Diagnostic(...) by hand; use finding()")
