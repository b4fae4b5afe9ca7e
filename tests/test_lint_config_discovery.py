"""Configuration found the way ruff finds it (the nearest bmtools.toml or [tool.bmtools] up to the
repository root), a repository whose graph is in a sub-folder (graph = "notes"), and folders
that are no Logseq graph (exit 2, for every command that takes a graph)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bmtools.cli import main

# a milestone with no fields: BM401 errors (its required fields are missing)
BARE_MILESTONE = "- [[Launch]] #milestone\n"
MARKERS = ("pages/", "journals/", "logseq/")


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def repo(root: Path, files: dict[str, str]) -> Path:
    """A repository (a `.git` folder marks its root) holding ``files``."""
    (root / ".git").mkdir(parents=True)
    return write(root, files)


def run(*args: str, cwd: Path):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def test_config_in_a_parent_folder_applies_to_the_graph(tmp_path):
    repo(
        tmp_path,
        {
            "bmtools.toml": 'ignore = ["BM401"]\n',
            "notes/pages/plan.md": BARE_MILESTONE,
        },
    )
    result = run("lint", "notes", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "BM401" not in result.output
    # without the parent's configuration the same graph fails
    (tmp_path / "bmtools.toml").unlink()
    result = run("lint", "notes", cwd=tmp_path)
    assert result.exit_code == 1 and "BM401" in result.output


def test_pyproject_tool_table_in_a_parent_folder(tmp_path):
    repo(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\n\n[tool.bmtools]\nignore = ["BM401"]\n',
            # a pyproject.toml without [tool.bmtools] is no configuration: the search goes on
            "notes/pyproject.toml": '[project]\nname = "notes"\n',
            "notes/pages/plan.md": BARE_MILESTONE,
        },
    )
    result = run("lint", "notes", cwd=tmp_path)
    assert result.exit_code == 0 and "BM401" not in result.output, result.output


def test_the_nearest_configuration_wins(tmp_path):
    repo(
        tmp_path,
        {
            "bmtools.toml": 'ignore = ["BM401"]\n',
            "notes/bmtools.toml": '[severity]\nBM401 = "warning"\n',
            "notes/pages/plan.md": BARE_MILESTONE,
        },
    )
    result = run("lint", "notes", "--format", "json", cwd=tmp_path)
    # the graph's own file is used alone (not merged): BM401 is back, as warnings
    findings = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert {d["code"] for d in findings} == {"BM401"}
    assert {d["severity"] for d in findings} == {"warning"}


def test_the_search_stops_at_the_repository_root(tmp_path):
    write(tmp_path, {"bmtools.toml": 'ignore = ["BM401"]\n'})
    repo(tmp_path / "work", {"notes/pages/plan.md": BARE_MILESTONE})
    result = run("lint", "notes", cwd=tmp_path / "work")
    assert result.exit_code == 1 and "BM401" in result.output


def test_milestones_table_does_not_break_lint(tmp_path):
    # README documents [tool.bmtools.milestones]; lint must accept the table it does not read
    repo(
        tmp_path,
        {
            "bmtools.toml": '[tool.bmtools]\nignore = ["BM401"]\n\n'
            '[tool.bmtools.milestones]\nreview-rrule = "FREQ=MONTHLY"\n',
            "pages/plan.md": BARE_MILESTONE,
        },
    )
    result = run("lint", ".", cwd=tmp_path)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "config",
    [
        ("bmtools.toml", 'graph = "notes"\n'),
        ("pyproject.toml", '[project]\nname = "x"\n\n[tool.bmtools]\ngraph = "notes"\n'),
    ],
)
def test_lint_dot_at_a_repository_root_finds_the_graph_through_the_config(tmp_path, config):
    name, text = config
    repo(
        tmp_path,
        {
            name: text,
            # a page-looking file outside the graph: linted as a page it would give BM401s
            "CONTRIBUTING.md": "# Contributing\n\n" + BARE_MILESTONE,
            "docs/guide.md": BARE_MILESTONE,
            "notes/pages/plan.md": BARE_MILESTONE,
        },
    )
    result = run("lint", ".", cwd=tmp_path)
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "BM401" in line]
    assert lines and all(line.startswith("notes/pages/plan.md:1:") for line in lines), lines
    assert "CONTRIBUTING" not in result.output and "guide" not in result.output
    # no argument means `.`; other commands that take a graph find it the same way
    assert run("lint", cwd=tmp_path).stdout == result.stdout
    stats = run("stats", ".", "--format", "json", cwd=tmp_path)
    assert stats.exit_code == 0 and '"pages": 1,' in stats.output


def test_a_configured_graph_that_is_no_graph_is_an_error(tmp_path):
    repo(tmp_path, {"bmtools.toml": 'graph = "notse"\n', "notes/pages/plan.md": BARE_MILESTONE})
    result = run("lint", ".", cwd=tmp_path)
    assert result.exit_code == 2
    assert "bmtools.toml" in result.stderr and 'graph = "notse"' in result.stderr


def test_a_folder_outside_the_configured_graph_is_not_linted(tmp_path):
    repo(
        tmp_path,
        {
            "bmtools.toml": 'graph = "notes"\n',
            "docs/guide.md": BARE_MILESTONE,
            "notes/pages/plan.md": BARE_MILESTONE,
        },
    )
    result = run("lint", "docs", cwd=tmp_path)
    assert result.exit_code == 2 and "BM401" not in result.output
    assert "docs is not a Logseq graph" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["lint", "folder"],
        ["lint", "folder", "--format", "sarif"],
        ["lint", "folder/README.md"],
        ["stats", "folder"],
        ["graph", "folder"],
        ["show", "folder", "README"],
        ["metamodel", "folder"],
        ["milestones", "folder"],
        ["render", "folder", "--check"],
        ["new", "class", "risk", "--graph", "folder", "--dry-run"],
    ],
)
def test_a_folder_that_is_no_logseq_graph_is_an_error(tmp_path, args):
    # Markdown files but no pages/, journals/ or logseq/: a CI job pointed at the wrong folder
    write(tmp_path / "folder", {"README.md": "# Read me\n\n- a note\n", "docs/x.md": "- y\n"})
    result = run(*args, cwd=tmp_path)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert all(m in result.stderr for m in MARKERS), result.stderr
    assert "not a Logseq graph" in result.stderr or "not in a Logseq graph" in result.stderr


@pytest.mark.parametrize("marker", ["pages", "journals", "logseq"])
def test_any_one_marker_folder_makes_a_graph(tmp_path, marker):
    write(tmp_path / "g", {f"{marker}/x.md": "- a note\n"})
    result = run("lint", "g", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert run("stats", "g", cwd=tmp_path).exit_code == 0
