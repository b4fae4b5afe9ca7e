"""docs/render.md cannot drift: every console command of the tour is run and its output compared."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from click.testing import CliRunner

from bmtools.cli import main

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "render.md"


def console_blocks(text: str) -> list[list[tuple[str, list[str]]]]:
    """Each ```console block as (command, expected output lines) pairs."""
    blocks = []
    for body in re.findall(r"```console\n(.*?)```", text, re.S):
        steps: list[tuple[str, list[str]]] = []
        lines = body.rstrip("\n").split("\n")
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.startswith("$ "):
                cmd = line[2:]
                while cmd.endswith("\\"):
                    i += 1
                    cmd = cmd[:-1] + " " + lines[i].strip()
                steps.append((cmd, []))
            elif steps and line:
                steps[-1][1].append(line)
            i += 1
        blocks.append(steps)
    return blocks


def test_tour_output_matches(tmp_path, monkeypatch):
    blocks = console_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 2
    monkeypatch.chdir(REPO)
    last_exit = None
    ran = 0
    for steps in blocks:
        for cmd, expected in steps:
            if cmd.startswith("cp -r graph"):
                copy = tmp_path / "tour"
                shutil.copytree(REPO / "graph", copy)
                monkeypatch.chdir(copy)
                continue
            if cmd == "echo $?":
                assert [str(last_exit)] == expected
                continue
            args = shlex.split(cmd)
            assert args[0] == "bmtools", cmd
            result = CliRunner().invoke(main, args[1:])
            last_exit = result.exit_code
            assert result.output.rstrip("\n").split("\n") == expected, cmd
            ran += 1
    assert ran >= 8
