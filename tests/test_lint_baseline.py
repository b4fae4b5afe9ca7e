"""Adopting lint on a graph with years of findings: info findings counted instead of listed
(text format), and a baseline of known findings that only lets new ones fail."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from bmtools.cli import main
from bmtools.lint.formats import Report
from bmtools.lint.formats.text_format import hidden_infos
from bmtools.model import Diagnostic

BARE_MILESTONE = "- [[Launch]] #milestone\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def run(*args: str, cwd: Path):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


# -- info findings -------------------------------------------------------------------------


def info_graph(tmp_path: Path) -> Path:
    """Three Org pages (BM007, info when selected) and one page with a BM105 warning."""
    return write(
        tmp_path / "g",
        {
            "pages/a.org": "* one\n",
            "pages/b.org": "* two\n",
            "journals/2024_01_02.org": "* three\n",
            "pages/notes.md": "title:: Something else\n\n- a note\n",
        },
    )


def test_info_findings_are_counted_not_listed_by_default(tmp_path):
    info_graph(tmp_path)
    result = run("lint", "g", "--extend-select", "BM007", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert result.exit_code == 0
    assert not any("BM007" in line and "(info)" in line for line in lines)
    assert any(line.startswith("g/pages/notes.md:1:") and "BM105" in line for line in lines)
    assert "+ 3 info findings hidden (BM007: 3); use --show-info or -v to list them" in lines
    assert lines[-1] == "Found 1 problem (1 warning)."


def test_show_info_and_verbose_list_them(tmp_path):
    info_graph(tmp_path)
    for flag in ("--show-info", "-v"):
        result = run("lint", "g", "--extend-select", "BM007", flag, cwd=tmp_path)
        listed = [line for line in result.stdout.splitlines() if "BM007" in line]
        assert len(listed) == 3 and all(line.endswith("(info)") for line in listed), flag
        assert "hidden" not in result.stdout
        assert result.stdout.splitlines()[-1] == "Found 4 problems (1 warning, 3 info)."


def test_only_infos_hidden_still_passes(tmp_path):
    write(tmp_path / "g", {"pages/a.org": "* one\n"})
    result = run("lint", "g", "--extend-select", "BM007", cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "+ 1 info finding hidden (BM007: 1); use --show-info or -v to list them",
        "All checks passed!",
    ]


def test_machine_formats_carry_every_info(tmp_path):
    info_graph(tmp_path)
    args = ("lint", "g", "--extend-select", "BM007", "--format")
    data = json.loads(run(*args, "json", cwd=tmp_path).stdout)
    assert sorted(d["code"] for d in data) == ["BM007"] * 3 + ["BM105"]
    sarif = json.loads(run(*args, "sarif", cwd=tmp_path).stdout)
    levels = sorted(r["level"] for r in sarif["runs"][0]["results"])
    assert levels == ["note", "note", "note", "warning"]
    github = run(*args, "github", cwd=tmp_path).stdout
    assert github.count("::notice ") == 3
    junit = run(*args, "junit", cwd=tmp_path).stdout
    assert junit.count("<testcase ") == 4


def test_hidden_line_groups_by_code_with_thousands():
    diags = [Diagnostic("BM408", "legacy", "p.md", i + 1, 1, "info") for i in range(1834)]
    diags += [Diagnostic("BM007", "org", f"{i}.org", 0, 0, "info") for i in range(2)]
    diags.append(Diagnostic("BM401", "missing", "p.md", 1, 1, "error"))
    assert hidden_infos(Report(diags).diagnostics) == (
        "+ 1,836 info findings hidden (BM408: 1,834, BM007: 2); use --show-info or -v to list them"
    )
