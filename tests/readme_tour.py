"""Run the README's console blocks: every ``$ bmtools …`` line, its output checked exactly.

``python tests/readme_tour.py --update`` refreshes the outputs in README.md after a change.
Commands run in order in a temporary folder holding a copy of ``graph/`` (so ``new`` and
``--write-page`` never touch the repository), through click's CliRunner.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
_BLOCK = re.compile(r"^````console\n(.*?)^````\n", re.S | re.M)  # 4 backticks: outputs hold ```
_EXIT = re.compile(r"^\[exit (\d+)\]$")


@dataclass
class Step:
    command: str
    expected: str
    exit_code: int
    span: tuple[int, int]  # where the expected output sits in README.md


def steps(text: str) -> list[Step]:
    out = []
    for block in _BLOCK.finditer(text):
        body, base = block.group(1), block.start(1)
        starts = [m.start() for m in re.finditer(r"^\$ ", body, re.M)]
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(body)
            chunk = body[start:end]
            command, _, expected = chunk.partition("\n")
            code = 0
            shown = expected.rstrip("\n")
            lines = shown.split("\n") if shown.strip() else []
            if lines and _EXIT.match(lines[-1]):
                code = int(_EXIT.match(lines[-1]).group(1))
                lines = lines[:-1]
            out_start = base + start + len(command) + 1
            out.append(
                Step(command[2:], "\n".join(lines), code, (out_start, out_start + len(shown)))
            )
    return out


def normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.rstrip("\n").split("\n")) if text else ""


def run(step: Step, runner: CliRunner) -> tuple[str, int]:
    from bmtools.cli import main

    args = shlex.split(step.command)
    assert args[0] == "bmtools", f"README command must start with bmtools: {step.command}"
    result = runner.invoke(main, args[1:], prog_name="bmtools", catch_exceptions=False)
    return normalise(result.output), result.exit_code


class Workspace:
    """A temporary folder with a copy of graph/, the working directory while it is open."""

    def __enter__(self) -> Path:
        self.tmp = tempfile.TemporaryDirectory()
        self.old = os.getcwd()
        shutil.copytree(REPO / "graph", Path(self.tmp.name) / "graph")
        os.chdir(self.tmp.name)
        return Path(self.tmp.name)

    def __exit__(self, *exc: object) -> None:
        os.chdir(self.old)
        self.tmp.cleanup()


def update() -> int:
    text = README.read_text(encoding="utf-8")
    runner = CliRunner()
    pieces = []
    pos = 0
    with Workspace():
        for step in steps(text):
            output, code = run(step, runner)
            if code:
                output = f"{output}\n[exit {code}]" if output else f"[exit {code}]"
            pieces.append(text[pos : step.span[0]])
            pieces.append(output + ("\n" if output and step.span[0] == step.span[1] else ""))
            pos = step.span[1]
    pieces.append(text[pos:])
    README.write_text("".join(pieces), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(update() if "--update" in sys.argv else 0)
