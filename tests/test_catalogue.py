"""One catalogue of findings (bmtools/codes.py): every code reported anywhere is in it, with the
name and severity it is reported with; every lint rule module declares what it reads."""

from __future__ import annotations

import ast
import json
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
        if row.origin == MILESTONES:  # no lint rule: documented in the catalogue
            assert row.module is None and row.doc.startswith("## What it does"), code
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
    makers = {  # the only modules that build a Diagnostic themselves, and why
        "model.py",  # defines it
        "codes.py",  # finding()
        "lint/context.py",  # reporter()
        "lint/cachefile.py",  # decodes cached findings
        "lint/runner.py",  # a file-only probe for its scope test, never reported
    }
    files = sorted(p for p in root.rglob("*.py") if p.relative_to(root).as_posix() not in makers)
    assert root / "syntax/blocks/markdown.py" in files and root / "loader.py" in files
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Diagnostic":
                pytest.fail(f"{path.name}:{node.lineno}: Diagnostic(...) by hand; use finding()")


# --- the lint cache takes what a rule reads from its declaration ----------------------------

FIXME_DOC = """## What it does
Reports a FIXME left in a page.

## Why is this bad?
It is a note to self.

## Example
```markdown
- FIXME
```

Use instead:
```markdown
- done
```
"""


@pytest.fixture
def fixme_rule(monkeypatch):
    """A rule added the way a new rule is added (a catalogue row and a module), and nothing
    else: no line of bmtools/lint/cache.py knows it."""
    import sys
    import types

    from bmtools import codes

    mod = types.ModuleType("bmtools.lint.rules.fixme_left")
    mod.__doc__ = FIXME_DOC
    mod.CODE = "BM299"
    mod.READS = "file"
    report = None

    def check(ctx):
        for page in ctx.file_pages:
            for n, line in enumerate(page.source.split("\n"), 1):
                if "FIXME" in line:
                    yield report("FIXME left here", page.file, n, line.index("FIXME") + 1)

    mod.check = check
    monkeypatch.setitem(sys.modules, mod.__name__, mod)
    monkeypatch.setitem(codes.CATALOGUE, "BM299", codes.Code("BM299", "fixme-left", "info"))
    monkeypatch.setitem(registry.CODES, "BM299", "fixme_left")
    report = reporter("BM299")
    registry.all_rules.cache_clear()
    yield mod
    monkeypatch.undo()
    registry.all_rules.cache_clear()


def _graph(root: Path) -> Path:
    (root / "pages").mkdir(parents=True)
    (root / "pages/a.md").write_text("- see [[b]]\n- plain words\n")
    (root / "pages/b.md").write_text("- b, with ((6571f2d0-0000-4000-8000-000000000009))\n")
    return root


def test_a_new_file_rule_is_linted_on_the_changed_page_alone(tmp_path, fixme_rule):
    from bmtools.lint import Settings, cache, lint_graph

    root = _graph(tmp_path / "g")
    settings = Settings(select=["ALL"])
    folder = tmp_path / "cache"
    cache.cached_lint(root, settings, cache_dir=folder)
    (root / "pages/a.md").write_text("- see [[b]]\n- plain words\n- FIXME later\n")
    said = []
    graph, warm = cache.cached_lint(root, settings, log=said.append, cache_dir=folder)
    assert graph is None and "nothing other pages see changed" in said[0]
    assert [(d.code, d.file, d.line) for d in warm if d.code == "BM299"] == [
        ("BM299", "pages/a.md", 3)
    ]
    assert warm == lint_graph(load_graph(root), settings)


def test_other_declarations_than_the_cache_was_written_with_mean_a_full_run(
    tmp_path, fixme_rule, monkeypatch
):
    from bmtools.lint import Settings, cache, lint_graph

    root = _graph(tmp_path / "g")
    settings = Settings(select=["ALL"])
    folder = tmp_path / "cache"
    cache.cached_lint(root, settings, cache_dir=folder)
    said = []
    cache.cached_lint(root, settings, log=said.append, cache_dir=folder)
    assert "no file changed" in said[-1]
    monkeypatch.setattr(fixme_rule, "READS", "graph")
    registry.all_rules.cache_clear()
    cache.cached_lint(root, settings, log=said.append, cache_dir=folder)
    assert "no file changed" in said[-1]  # what a full run finds does not depend on READS
    (root / "pages/a.md").write_text("- see [[b]]\n- plain words\n- FIXME later\n")
    graph, warm = cache.cached_lint(root, settings, log=said.append, cache_dir=folder)
    assert graph is not None and "declare other reads" in said[-1]
    assert warm == lint_graph(load_graph(root), settings)


# --- every code is listed, documented and selectable ----------------------------------------

DUPLICATES = (
    "- [[Pilot launched]] #milestone\n  due:: 2026-03-31\n"
    "- [[Pilot launched]] #milestone\n  due:: 2026-09-30\n"
)
BAD_RRULE = '[tool.bmtools.milestones]\nreview-rrule = "FREQ=MONTHLY;BYDAY=2FRI"\n'


def _cli(*args: str):
    from click.testing import CliRunner

    from bmtools.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_rules_lists_every_code_of_the_catalogue_and_says_which_command_reports_it():
    text = _cli("rules").output
    listed = [line.split()[0] for line in text.splitlines() if line.startswith("  BM")]
    assert listed == sorted(CATALOGUE)
    (bm620,) = [line for line in text.splitlines() if line.startswith("  BM620")]
    assert bm620.endswith("(reported by bmtools milestones)")
    rows = json.loads(_cli("rules", "--format", "json").output)
    assert [r["code"] for r in rows] == sorted(CATALOGUE)
    assert all(r["summary"] and r["doc"] for r in rows)
    assert {r["code"]: r["reported_by"] for r in rows}["BM620"] == "bmtools milestones"
    explained = _cli("rule", "bad-review-rrule")
    assert explained.exit_code == 0
    assert "Reported by: bmtools milestones (lint does not look for it)." in explained.output
    assert "## What it does" in explained.output


def test_docs_table_is_what_rules_prints():
    docs = (Path(registry.__file__).parents[2] / "docs" / "lint.md").read_text(encoding="utf-8")
    table = _cli("rules", "--format", "markdown").output
    assert table.count("\n") == len(CATALOGUE) + 2
    assert table in docs, "docs/lint.md: paste `bmtools rules --format markdown` into ## Rules"


def test_select_and_ignore_take_the_milestone_codes_in_lint(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages/plan.md").write_text(DUPLICATES, encoding="utf-8")
    found = _cli("lint", str(tmp_path), "--select", "BM6", "--format", "json").output
    assert [d["code"] for d in json.loads(found)] == ["BM612"]
    for args in (
        ["--select", "BM6", "--ignore", "BM612"],
        ["--select", "BM620"],
        ["--select", "milestones", "--ignore", "BM61"],
    ):
        result = _cli("lint", str(tmp_path), *args, "--format", "json")
        assert result.exit_code == 0 and json.loads(result.output) == [], args
    (tmp_path / "bmtools.toml").write_text('ignore = ["BM6"]\n', encoding="utf-8")
    assert "BM612" not in _cli("lint", str(tmp_path)).output


def test_milestones_applies_the_graph_settings_to_the_problems_it_prints(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages/plan.md").write_text(DUPLICATES, encoding="utf-8")
    toml = tmp_path / "bmtools.toml"
    toml.write_text(BAD_RRULE, encoding="utf-8")
    args = ("milestones", str(tmp_path), "--today", "2026-01-05")
    err = _cli(*args).stderr
    assert ": BM612 " in err and ": BM620 review rule:" in err and ": BM401 " in err
    toml.write_text('[tool.bmtools]\nignore = ["BM612", "BM620"]\n\n' + BAD_RRULE, encoding="utf-8")
    err = _cli(*args).stderr
    assert "BM612" not in err and "BM620" not in err and ": BM401 " in err
    toml.write_text('[tool.bmtools.severity]\nBM612 = "info"\n', encoding="utf-8")
    assert "BM612" not in _cli(*args).stderr  # info problems are not printed
    toml.write_text('ignore = ["BM9"]\n', encoding="utf-8")
    bad = _cli(*args)
    assert bad.exit_code == 2 and "unknown rule selector 'BM9'" in bad.output
