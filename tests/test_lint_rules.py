"""Every rule: a graph that triggers it and one that does not (tests/fixtures/lint/rules.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bmtools.lint import Settings, all_rules, lint_graph
from bmtools.loader import load_graph

FIXTURES = Path(__file__).parent / "fixtures" / "lint"
DEFAULT_CONFIG = "{:file/name-format :triple-lowbar}\n"


def read_cases(path: Path) -> list[tuple[str, dict[str, str], list[str]]]:
    """markdown-it-style fixtures: title / `.` / input files / `.` / expected / `.`."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases = []
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and lines[i + 1] == "." and lines[i].strip():
            title = lines[i]
            j = i + 2
            body = []
            while lines[j] != ".":
                body.append(lines[j])
                j += 1
            k = j + 1
            expected = []
            while lines[k] != ".":
                expected.append(lines[k])
                k += 1
            files: dict[str, str] = {}
            current = None
            for line in body:
                if line.startswith("=== "):
                    current = line[4:]
                    files[current] = ""
                else:
                    files[current] += line + "\n"
            cases.append((title, files, expected))
            i = k + 1
        else:
            i += 1
    return cases


CASES = read_cases(FIXTURES / "rules.md")


def make_graph(root: Path, files: dict[str, str]) -> Path:
    files = dict(files)
    files.setdefault("logseq/config.edn", DEFAULT_CONFIG)
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("title,files,expected", CASES, ids=[c[0] for c in CASES])
def test_rule_fixture(tmp_path, title, files, expected):
    code = title.split()[0]
    make_graph(tmp_path, files)
    graph = load_graph(tmp_path)
    found = [
        f"{d.code} {d.file}:{d.line}:{d.col}" for d in lint_graph(graph, Settings(select=[code]))
    ]
    assert sorted(found) == sorted(expected)


def test_every_rule_has_a_firing_and_a_quiet_fixture():
    fires = {t.split()[0] for t, _, e in CASES if e}
    quiet = {t.split()[0] for t, _, e in CASES if not e}
    byte_level = {"BM001", "BM002", "BM003", "BM004", "BM006", "BM008", "BM009", "BM022", "BM023"}
    for code in all_rules():
        if code in byte_level:
            continue
        assert code in fires, f"{code} has no fixture that triggers it"
        assert code in quiet, f"{code} has no fixture where it stays quiet"


def test_every_rule_is_documented():
    for code, rule in all_rules().items():
        for heading in ("## What it does", "## Why is this bad?", "## Example", "Use instead"):
            assert heading in rule.doc, f"{code}: no '{heading}'"
        if rule.fix_title:
            assert "## Fix safety" in rule.doc, f"{code} has a fix but no 'Fix safety'"
        assert rule.name == rule.name.lower() and " " not in rule.name
        assert rule.severity in ("error", "warning", "info")


def _lint_page(tmp_path: Path, text: str, code: str):
    make_graph(tmp_path, {"pages/a.md": text})
    return lint_graph(load_graph(tmp_path), Settings(select=[code]))


def test_comma_fix_only_for_a_list_of_names(tmp_path):
    text = (
        "- [[Launch]] #milestone\n"
        "  depends-on:: [[Beta ready]], Pricing page live\n"
        "  description:: Opens on right-click, for the selected [[Whiteboard objects]]\n"
        "  notes:: [[Ops]], We keep the old export. It still works\n"
    )
    found = {d.line: d for d in _lint_page(tmp_path, text, "BM203")}
    assert sorted(found) == [2, 3, 4]
    edits = found[2].fix.edits
    assert [(text[e.start_offset : e.end_offset], e.replacement) for e in edits] == [
        ("Pricing page live", "[[Pricing page live]]")
    ]
    assert found[3].fix is None  # text with a reference in it: which words are a page is a guess
    assert found[4].fix is None  # a sentence is no page name
