"""Seeded random graphs made of the pieces real pages are made of: nothing may crash.

Every command must answer with exit code 0 or 1 (findings), never an internal error, and every
page must still reassemble to its bytes (checked by the autouse fixture in conftest).
"""

from __future__ import annotations

import random

import pytest
from click.testing import CliRunner

from bmtools.cli import main
from tests.conftest import write_graph

PIECES = [
    "- ",
    "\t- ",
    "  - ",
    "-",
    "# ",
    "## ",
    "#+title: x",
    "#+BEGIN_QUOTE",
    "#+END_QUOTE",
    "```",
    "title:: ",
    "alias:: ",
    "tags:: ",
    "id:: 6583a1b2-1111-4222-8333-444455556666",
    "collapsed:: true",
    "due:: ",
    "budget:: ",
    "depends-on:: ",
    "status:: ",
    "milestone-type:: ",
    "owner:: ",
    "field:: ",
    "type:: ",
    "options:: ",
    "extends:: ",
    "page-type:: [[class]]",
    "page-type:: [[artifact info]]",
    "item-classes:: ",
    "[[",
    "]]",
    "[[a/b/c]]",
    "#milestone",
    "#[[milestone]]",
    "((",
    "))",
    "{{embed [[",
    "}}",
    "`",
    "$",
    "<!--",
    "-->",
    "](",
    "[x](",
    ")",
    "**",
    "_",
    "::",
    ",",
    "TODO ",
    "DONE ",
    "[#A] ",
    "SCHEDULED: <2024-01-01 Mon>",
    "---",
    "2024-02-30",
    "1,000 USD",
    "$1.2M",
    "üßø",
    "\u200b",
    "\r",
    "\t",
    " ",
    "\n",
    "\n",
    "\n",
    "x",
    "ü",
    "🧿",
    "../",
    "%2F",
    "___",
    "\\",
    '"',
    "bmtools-managed:: examples",
    "bmtools-hash:: 1",
    "bmtools-ignore:: ALL",
    ":PROPERTIES:",
    ":END:",
]
NAMES = [
    "pages/a.md",
    "pages/b___c.md",
    "pages/milestone.md",
    "pages/x.y.md",
    "pages/100%.md",
    "pages/Ünï.md",
    "pages/milestones___info.md",
    "pages/milestones___examples___e.md",
    "pages/CON.md",
    "journals/2024_01_05.md",
    "journals/2024_13_45.md",
    "deep/dir/p.md",
]
CONFIGS = [
    None,
    "{:file/name-format :triple-lowbar}",
    "{:a",
    "#{}",
    "{:property/separated-by-commas #{:options :depends-on}}",
]
COMMANDS = [
    ["stats"],
    ["graph", "--blocks", "--format", "gexf"],
    ["lint", "--no-cache", "--format", "sarif"],
    ["lint", "--diff", "--unsafe-fixes", "--no-cache"],
    ["render", "--check"],
    ["metamodel"],
    ["milestones", "--today", "2026-11-22", "--report", "critical-path"],
    ["milestones", "--today", "2026-11-22", "--format", "ics"],
    ["milestones", "--today", "2026-11-22", "--report", "budget"],
    ["lint", "--fix", "--unsafe-fixes", "--no-cache"],
    ["render", "--force"],
    ["milestones", "--today", "2026-11-22", "--write-page", "roadmap"],
]


def messy_graph(root, seed: int):
    rng = random.Random(seed)
    files: dict[str, str | bytes] = {}
    for _ in range(rng.randint(1, 6)):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 100)))
        files[rng.choice(NAMES)] = (
            text if rng.random() > 0.1 else rng.randbytes(rng.randint(0, 200))
        )
    return write_graph(root, files, rng.choice(CONFIGS))


@pytest.mark.parametrize("seed", range(12))
def test_no_command_crashes_on_messy_graphs(tmp_path, seed):
    root = messy_graph(tmp_path / "g", seed)
    runner = CliRunner()
    for command in COMMANDS:
        result = runner.invoke(main, [command[0], str(root), *command[1:]])
        assert result.exception is None or isinstance(result.exception, SystemExit), command
        assert result.exit_code in (0, 1), (command, result.output[-500:])
        assert "internal error" not in result.output and "Traceback" not in result.output
