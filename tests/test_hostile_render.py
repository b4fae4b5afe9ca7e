"""`render` and `new` on a hostile graph: templates never come from outside their folders."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bmtools.cli import main

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "graph"
SECRET = "S3CRET-FROM-OUTSIDE-THE-GRAPH"
RENDERED = [  # the artifact and class pages `render` rewrites in the bundled graph
    "pages/milestones___info.md",
    "pages/milestone.md",
    "pages/tactic.md",
    "pages/strategy.md",
    "pages/person.md",
]


@pytest.fixture()
def graph_copy(tmp_path: Path) -> Path:
    root = tmp_path / "graph"
    shutil.copytree(BUNDLED, root)
    return root


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """A folder next to the graph holding a secret file and a template that would leak it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    (folder / "questions.md.j2").write_text(f"Leaked {SECRET}?\n", encoding="utf-8")
    (folder / "example.md.j2").write_text(f"- {SECRET}\n", encoding="utf-8")
    return folder


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def set_templates(root: Path, value: str) -> None:
    config = root / "logseq/config.edn"
    text = config.read_text(encoding="utf-8")
    assert "{:meta/version 1" in text
    config.write_text(
        text.replace(
            "{:meta/version 1", f"{{:meta/version 1 :bmtools/templates {json.dumps(value)}"
        ),
        encoding="utf-8",
    )


def snapshot(root: Path) -> dict[str, bytes]:
    """The graph's own files (links are not followed: they are what the attack plants)."""
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if not path.is_symlink() and path.is_file():
                files[str(path.relative_to(root))] = path.read_bytes()
    return dict(sorted(files.items()))


def assert_no_leak(root: Path, result) -> None:
    assert SECRET not in result.output
    for rel, data in snapshot(root).items():
        assert SECRET.encode() not in data, rel


def assert_no_crash(result) -> None:
    text = result.output
    assert "internal error" not in text and "Traceback" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), text
    assert result.exit_code in (0, 1, 2), text


# ------------------------------------------------------------------------------------------
# Item 3: templates read only from inside their folders


@pytest.mark.parametrize("how", ["included", "shadowing"])
def test_symlinked_template_file_out_of_the_folder_is_refused(graph_copy, outside, how):
    tpl = graph_copy / "tpl"
    tpl.mkdir()
    if how == "included":  # the attack: leak -> /etc/passwd, {% include "leak" %}
        (tpl / "questions.md.j2").write_text('{% include "leak" %}\n', encoding="utf-8")
        (tpl / "leak").symlink_to(outside / "secret.txt")
        shown = "tpl/leak"
    else:  # the template itself is a link to a file outside
        (tpl / "questions.md.j2").symlink_to(outside / "questions.md.j2")
        shown = "tpl/questions.md.j2"
    set_templates(graph_copy, "tpl")
    before = snapshot(graph_copy)
    result = run("render", str(graph_copy))
    assert result.exit_code == 2, result.output
    assert shown in result.stderr and "template refused" in result.stderr
    assert f"outside {graph_copy / 'tpl'}" in result.stderr
    assert_no_crash(result)
    assert_no_leak(graph_copy, result)
    assert snapshot(graph_copy) == before


def test_symlinked_template_folder_out_of_the_graph_is_ignored(graph_copy, outside):
    (graph_copy / "tpl").symlink_to(outside, target_is_directory=True)
    set_templates(graph_copy, "tpl")
    check = run("render", str(graph_copy), "--check")
    assert check.exit_code == 0, check.output  # the shipped templates: the graph is up to date
    assert 'logseq/config.edn: warning: :bmtools/templates "tpl"' in check.stderr
    assert "outside the graph: ignored, the shipped templates are used" in check.stderr
    before = snapshot(graph_copy)
    result = run("render", str(graph_copy))
    assert result.exit_code == 0, result.output
    assert_no_leak(graph_copy, result)
    assert snapshot(graph_copy) == before


@pytest.mark.parametrize("kind", ["absolute", "climbing"])
def test_templates_setting_outside_the_graph_is_ignored(graph_copy, outside, kind):
    value = str(outside) if kind == "absolute" else "../outside"
    set_templates(graph_copy, value)
    before = snapshot(graph_copy)
    result = run("render", str(graph_copy))
    assert result.exit_code == 0, result.output
    assert f"logseq/config.edn: warning: :bmtools/templates {json.dumps(value)}" in result.stderr
    assert "the shipped templates are used" in result.stderr
    assert_no_leak(graph_copy, result)
    assert snapshot(graph_copy) == before
    # `new` reads the same setting: the page comes from the shipped example template
    created = run("new", "example", "milestones", "Orbital hotel", "--graph", str(graph_copy))
    assert created.exit_code == 0, created.output
    assert "the shipped templates are used" in created.stderr
    assert_no_leak(graph_copy, created)
    assert (graph_copy / "pages/milestones___examples___Orbital hotel.md").is_file()


@pytest.mark.parametrize(
    "include", ["../../outside/secret.txt", "../../../../../../etc/passwd", "sub/secret.txt"]
)
def test_include_traversal_out_of_the_templates_folder_is_refused(graph_copy, outside, include):
    tpl = graph_copy / "tpl"
    tpl.mkdir()
    (tpl / "sub").symlink_to(outside, target_is_directory=True)  # a folder link, for sub/…
    (tpl / "questions.md.j2").write_text(
        f"Why {{{{ artifact.name }}}}?\n{{% include {include!r} %}}\n", encoding="utf-8"
    )
    set_templates(graph_copy, "tpl")
    before = snapshot(graph_copy)
    result = run("render", str(graph_copy))
    assert result.exit_code == 2, result.output
    # the including template and its line, the name and why it was refused
    assert f"{tpl / 'questions.md.j2'}:2: " in result.stderr
    assert "template refused" in result.stderr and f"outside {tpl}" in result.stderr
    assert_no_crash(result)
    assert_no_leak(graph_copy, result)
    assert "root:" not in result.output  # nothing of /etc/passwd either
    assert snapshot(graph_copy) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_fifo_as_template_is_refused_before_it_is_opened(graph_copy, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    os.mkfifo(mine / "questions.md.j2")  # opening it to read would block for ever
    before = snapshot(graph_copy)
    result = run("render", str(graph_copy), "--templates", str(mine))
    assert result.exit_code == 2, result.output
    assert f"{mine / 'questions.md.j2'}: template refused: a FIFO" in result.stderr
    assert_no_crash(result)
    assert snapshot(graph_copy) == before


def test_new_example_with_a_template_linked_out_of_the_folder_is_refused(graph_copy, outside):
    tpl = graph_copy / "tpl"
    tpl.mkdir()
    (tpl / "example.md.j2").symlink_to(outside / "example.md.j2")
    set_templates(graph_copy, "tpl")
    result = run("new", "example", "milestones", "Orbital hotel", "--graph", str(graph_copy))
    assert result.exit_code == 2, result.output
    assert "tpl/example.md.j2: template refused" in result.stderr
    assert_no_crash(result)
    assert_no_leak(graph_copy, result)
    assert not (graph_copy / "pages/milestones___examples___Orbital hotel.md").exists()
