"""docs/milestones.md stays true: its tour re-runs to the same output; every option is there."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from click.testing import CliRunner

from bmtools.cli import main
from bmtools.milestones.cli import milestones_command

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "milestones.md"


def tour() -> list[tuple[str, str]]:
    """(command, expected output) of every ``$ bmtools milestones`` line in console blocks."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        chunks = re.split(r"^\$ ", block, flags=re.M)
        for chunk in chunks[1:]:
            command, _, output = chunk.partition("\n")
            out.append((command, output.strip("\n")))
    return out


def test_tour_output_is_current(tmp_path, monkeypatch):
    shutil.copytree(REPO / "graph", tmp_path / "graph")
    monkeypatch.chdir(tmp_path)
    steps = tour()
    assert len(steps) >= 8
    for command, expected in steps:
        args = shlex.split(command)
        assert args[:2] == ["bmtools", "milestones"]
        result = CliRunner().invoke(main, args[1:])
        assert result.exit_code == 0, (command, result.output)
        assert result.output.strip("\n") == expected, command


def test_every_option_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for param in milestones_command.params:
        if param.name == "path":
            continue
        names = [o for o in param.opts + param.secondary_opts if o.startswith("--")]
        assert any(n in text for n in names), f"{names} not in docs/milestones.md"
    assert milestones_command.help


def test_help_reference_is_current():
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"## Reference\n\n```text\n(.*?)```", text, re.S).group(1)
    result = CliRunner().invoke(main, ["milestones", "--help"], prog_name="bmtools")
    assert result.exit_code == 0
    assert " ".join(block.split()) == " ".join(result.output.split())
