"""The conventions every bmtools command keeps (issue 11, item 6), checked by walking the
commands, so that a command added later is held to them too: the graph as first argument,
-q and --color/--no-color accepted, NO_COLOR honoured, one 'wrote FILE' on stderr for every
-o FILE (written with the umask's mode), exit codes as each --help states them, and a
closed pipe (`| head`) ending quietly with 141."""

from __future__ import annotations

import ast
import io
import json
import os
import pty
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bmtools import cli, writer
from bmtools.cli import main

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "graph"
TODAY = "2026-11-22"
RUN = [sys.executable, "-c", "from bmtools.cli import main; main()"]


def leaf_commands() -> dict[str, click.Command]:
    """Every command a user can run, by its words: 'lint', 'new class'..."""
    ctx = click.Context(main)
    out = {}
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        if isinstance(command, click.Group):
            for sub in command.list_commands(ctx):
                out[f"{name} {sub}"] = command.get_command(ctx, sub)
        else:
            out[name] = command
    return out


COMMANDS = sorted(leaf_commands())
ITEM = [
    "--page", "Lunar greenhouse plan", "--title", "First harvest under regolith",
    "--set", "description=Lettuce grown in the module reaches the crew's plates.",
    "--set", "due=2027-03-01", "--set", "budget=1,200,000 USD",
    "--set", "owner=Amara Okafor", "--set", "milestone-type=assumptions validation",
]  # fmt: skip

# How each command runs to each exit code its --help states. G: a copy of the bundled graph,
# BAD: the same with a milestone missing its required fields (a lint error), EMPTY: a folder
# that is no Logseq graph. A step that is a function edits the graph between runs.
RECIPES: dict[str, dict[int, list]] = {
    "graph": {0: [["graph", "G"]], 2: [["graph", "EMPTY"]]},
    "stats": {0: [["stats", "G"]], 2: [["stats", "EMPTY"]]},
    "show": {
        0: [["show", "G", "milestones/info"]],
        1: [["show", "G", "no such page"]],
        2: [["show", "EMPTY", "milestones/info"]],
    },
    "lint": {
        0: [["lint", "G", "--no-cache"]],
        1: [["lint", "BAD", "--no-cache"]],
        2: [["lint", "G", "--no-cache", "--select", "BM999"]],
    },
    "rules": {0: [["rules"]], 2: [["rules", "--format", "xml"]]},
    "rule": {0: [["rule", "BM401"]], 2: [["rule", "BM999"]]},
    "metamodel": {0: [["metamodel", "G"]], 2: [["metamodel", "EMPTY"]]},
    "milestones": {
        0: [["milestones", "G", "--today", TODAY]],
        1: [
            ["milestones", "G", "--write-page", "plan/roadmap"],
            lambda g: _edit(g / "pages/plan___roadmap.md", "Edit the milestones", "I edited"),
            ["milestones", "G", "--write-page", "plan/roadmap"],
        ],
        2: [["milestones", "G", "--today", TODAY, "--artifact", "nope"]],
    },
    "new artifact": {
        0: [["new", "artifact", "G", "risks", "--class", "risk"]],
        2: [["new", "artifact", "G", "milestones"]],
    },
    "new class": {0: [["new", "class", "G", "risk"]], 2: [["new", "class", "G", "milestone"]]},
    "new example": {
        0: [["new", "example", "G", "milestones", "Lunar greenhouse"]],
        2: [["new", "example", "G", "milestones", "../../x"]],
    },
    "new item": {
        0: [["new", "item", "G", "milestone", *ITEM]],
        2: [["new", "item", "G", "milestone", *ITEM, "--set", "colour=blue"]],
    },
    "render": {
        0: [["render", "G"]],
        1: [["new", "example", "G", "milestones", "Lunar greenhouse"], ["render", "G", "--check"]],
        2: [["render", "EMPTY"]],
    },
    "site": {
        0: [["site", "SMALL", "--today", TODAY, "-o", "OUT"]],
        1: [["site", "G", "--today", TODAY, "-o", "OUT"]],  # no page says public:: true
        2: [["site", "EMPTY", "-o", "OUT"]],
    },
}


HARBOUR = """public:: true

- [[Quay extension opened]] #milestone
  description:: The new quay takes its first ferry.
  due:: 2027-01-01
  budget:: 90,000 EUR
  owner:: [[Ines Haldor]]
  milestone-type:: implementation
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def places(tmp_path: Path) -> dict[str, Path]:
    g = tmp_path / "graph"
    shutil.copytree(BUNDLED, g)
    bad = tmp_path / "bad"
    shutil.copytree(BUNDLED, bad)
    (bad / "pages/Lunar greenhouse plan.md").write_text(
        "- Beta launch #milestone\n  owner:: [[Amara Okafor]]\n", encoding="utf-8"
    )
    small = tmp_path / "small"
    (small / "pages").mkdir(parents=True)
    (small / "pages/Harbour plan.md").write_text(HARBOUR, encoding="utf-8")
    (small / "pages/Ines Haldor.md").write_text("- Harbour master since 2019.\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty/notes.md").write_text("- not a graph\n", encoding="utf-8")
    return {
        "G": g,
        "BAD": bad,
        "SMALL": small,
        "EMPTY": tmp_path / "empty",
        "OUT": tmp_path / "out",
    }


def _args(step: list[str], places: dict[str, Path]) -> list[str]:
    return [str(places[a]) if a in places else a for a in step]


def _invoke(args: list[str], **kwargs):
    return CliRunner().invoke(main, args, prog_name="bmtools", **kwargs)


def _run_steps(steps: list, places: dict[str, Path], extra: list[str] = (), **kwargs):
    """Run the steps; each but the last must succeed. The last one's result."""
    result = None
    for i, step in enumerate(steps):
        if callable(step):
            step(places["G"])
            continue
        last = i == len(steps) - 1
        result = _invoke(_args(step, places) + (list(extra) if last else []), **kwargs)
        if not last:
            assert result.exit_code == 0, (step, result.output)
    return result


def test_every_command_has_recipes():
    """A new command must say here how it runs to each of its exit codes."""
    assert set(RECIPES) == set(COMMANDS)


# --- -q, --color/--no-color, NO_COLOR --------------------------------------------------


@pytest.mark.parametrize("name", COMMANDS)
def test_quiet_and_colour_options_are_accepted(name, tmp_path, monkeypatch):
    """-q/--quiet and --color/--no-color work on every command, with NO_COLOR set: the
    run succeeds, -q leaves stderr empty, --no-color leaves no ANSI code."""
    monkeypatch.setenv("NO_COLOR", "1")
    for i, flags in enumerate((["-q", "--no-color"], ["--quiet", "--color"])):
        root = tmp_path / str(i)
        root.mkdir()
        shutil.copytree(BUNDLED, root / "graph")
        (root / "small/pages").mkdir(parents=True)
        (root / "small/pages/Harbour plan.md").write_text(HARBOUR, encoding="utf-8")
        places = {"G": root / "graph", "SMALL": root / "small", "OUT": root / "out"}
        result = _run_steps(RECIPES[name][0], places, flags)
        assert result.exit_code == 0, (flags, result.output)
        assert result.stderr == "", (flags, result.stderr)
        if "--no-color" in flags:
            assert "\x1b[" not in result.output


def test_quiet_keeps_what_fails(places):
    """-q drops notes, not the reason for exit 1."""
    result = _invoke(["lint", str(places["BAD"]), "--no-cache", "-q"])
    assert result.exit_code == 1 and "BM401" in result.stdout
    steps = RECIPES["render"][1]
    result = _run_steps(steps, places, ["-q"])
    assert result.exit_code == 1
    assert result.output == "pages/milestones___info.md: out of date (examples)\n"


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """stdout of bmtools run with a pseudo-terminal as its stdout."""
    master, slave = pty.openpty()
    full = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | env
    proc = subprocess.Popen(
        RUN + args, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.DEVNULL, env=full
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait()
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_no_color_is_honoured_on_a_terminal(tmp_path):
    """On a terminal lint and milestones colour their output, never with NO_COLOR set (and
    not empty, as no-color.org says); --color still wins over NO_COLOR."""
    g = tmp_path / "graph"
    shutil.copytree(BUNDLED, g)
    lint = ["lint", str(g), "--no-cache"]
    milestones = ["milestones", str(g), "--today", TODAY, "--report", "overdue"]
    cases = [  # (args, environment, coloured?)
        (lint, {}, True),
        (lint, {"NO_COLOR": "1"}, False),
        (lint, {"NO_COLOR": ""}, True),
        ([*lint, "--color"], {"NO_COLOR": "1"}, True),
        (milestones, {}, True),
        (milestones, {"NO_COLOR": "1"}, False),
    ]
    with ThreadPoolExecutor(len(cases)) as pool:  # each one starts Python: all at once
        outputs = list(pool.map(lambda c: _on_a_terminal(c[0], c[1]), cases))
    for (args, env, coloured), out in zip(cases, outputs, strict=True):
        assert ("\x1b[" in out) == coloured, (args[0], env)
        assert "All checks passed!" in out or "Overdue as of" in out


# --- -o FILE -----------------------------------------------------------------------------


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    writer.umask.cache_clear()
    yield
    os.umask(old)
    writer.umask.cache_clear()


OUTPUT_COMMANDS = [n for n in COMMANDS if any("-o" in p.opts for p in leaf_commands()[n].params)]


@pytest.mark.parametrize("name", OUTPUT_COMMANDS)
def test_every_output_file_says_wrote_it(name, places, umask_022):
    """Every -o FILE goes through the safe writer (mode 0644 under umask 022, not mkstemp's
    0600) and says 'wrote FILE' on stderr; -q says nothing."""
    assert {"graph", "lint", "milestones"} <= set(OUTPUT_COMMANDS)
    base = [a for a in RECIPES[name][0][0] if a not in ("-o", "OUT")]
    for quiet in (False, True):
        out = places["OUT"].with_name(f"out-{quiet}.txt")
        result = _invoke(_args(base, places) + ["-o", str(out)] + (["-q"] if quiet else []))
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
        if quiet:
            assert result.stderr == ""
        else:
            assert result.stderr.splitlines()[-1].startswith(f"wrote {out}")
        assert out.exists() and out.stat().st_size > 0
        if out.is_file():
            assert out.stat().st_mode & 0o777 == 0o644


def test_an_unwritable_output_is_an_error_not_a_traceback(places):
    blocker = places["OUT"]
    blocker.write_text("a file, not a folder\n")
    result = _invoke(["graph", str(places["G"]), "-o", str(blocker / "graph.json")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"bmtools: error: cannot write {blocker / 'graph.json'}")
    assert "internal error" not in result.stderr


# --- exit codes --------------------------------------------------------------------------


def documented_codes(command: click.Command) -> set[int]:
    text = " ".join((command.epilog or "").split())
    found = re.search(r"Exit status: (.*)\.$", text)
    assert found, f"no 'Exit status:' in the help of {command.name}"
    return {int(code) for code in re.findall(r"(?:^|; )(\d+) ", found.group(1))}


@pytest.mark.parametrize("name", COMMANDS)
def test_help_states_the_exit_codes_as_they_are(name, places):
    """Each code --help names is reached, and each recipe ends with its code; 141 is
    checked by test_a_closed_pipe_ends_quietly_with_141."""
    command = leaf_commands()[name]
    help_text = _invoke([*name.split(), "--help"]).output
    assert "Exit status: 0 " in " ".join(help_text.split())
    codes = documented_codes(command)
    assert codes == set(RECIPES[name]) | {141}
    for code, steps in RECIPES[name].items():
        result = _run_steps(steps, places)
        assert result.exit_code == code, (name, code, result.output)
        assert "internal error" not in result.output and "Traceback" not in result.output


def test_main_help_states_the_conventions():
    text = " ".join(_invoke(["--help"]).output.split())
    assert "Exit status: 0 ok; 1 findings or problems" in text
    assert "141 the reader of the output closed it early" in text
    assert "NO_COLOR" in text and "-q/--quiet" in text and "wrote FILE" in text


# --- a closed pipe -----------------------------------------------------------------------


class ClosedPipe(io.RawIOBase):
    """A stdout whose reader is gone: every write fails as a pipe's would (EPIPE)."""

    def __init__(self) -> None:
        self.armed = True

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if self.armed:
            raise BrokenPipeError(32, "Broken pipe")
        return len(data)


@pytest.mark.parametrize("name", COMMANDS)
def test_a_closed_pipe_ends_quietly_with_141(name, places, monkeypatch):
    """Each command, its output going to a pipe nobody reads: exit 141, nothing said about
    it (no 'internal error', no traceback). A command whose output is all on stderr (site)
    is run with that pipe as stderr."""
    args = _args(RECIPES[name][0][0], places)
    shown = _invoke(args)
    assert shown.exit_code == 0 and shown.output, shown.output
    shutil.rmtree(places["G"])  # again on a fresh copy: new and site wrote into it
    shutil.copytree(BUNDLED, places["G"])
    shutil.rmtree(places["OUT"], ignore_errors=True)
    raw = ClosedPipe()
    closed = io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8")
    other = io.StringIO()
    on_stdout = bool(shown.stdout)
    monkeypatch.setattr(sys, "stdout", closed if on_stdout else other)
    monkeypatch.setattr(sys, "stderr", other if on_stdout else closed)
    try:
        with pytest.raises(SystemExit) as stop:
            main(args, prog_name="bmtools")
    finally:
        raw.armed = False
    assert stop.value.code == 141
    said = other.getvalue() if on_stdout else ""
    assert "internal error" not in said and "Traceback" not in said and "Broken pipe" not in said


PIPED = [
    (["lint", "G", "--no-cache", "--show-info"], "head -1"),
    (["milestones", "G"], "head -1"),
    (["graph", "G"], "head -c 10"),
    (["rules"], "head -1"),
]


def test_head_cuts_the_output_quietly(places):
    """The issue's own commands under a real `| head`: no message on stderr, and the exit
    status is 141 or, when head read everything before closing, 0. A pipe closed before
    the first write gives 141 every time."""
    work = places["OUT"].parent
    procs = []
    for i, (args, head) in enumerate(PIPED):  # all at once: each one starts Python
        command = " ".join(f"'{a}'" for a in RUN + _args(args, places))
        script = f"{command} 2>head-{i}.err | {head} >/dev/null; echo ${{PIPESTATUS[0]}}"
        shell = subprocess.Popen(["bash", "-c", script], cwd=work, stdout=subprocess.PIPE)
        procs.append((work / f"head-{i}.err", shell, (0, 141)))
        read, write = os.pipe()
        os.close(read)
        with open(work / f"closed-{i}.err", "wb") as err:
            closed = subprocess.Popen(RUN + _args(args, places), stdout=write, stderr=err)
        os.close(write)
        procs.append((work / f"closed-{i}.err", closed, (141,)))
    for err, proc, allowed in procs:
        out, _ = proc.communicate(timeout=300)
        code = int(out) if out is not None else proc.returncode
        assert code in allowed, (err.name, code)
        assert err.read_bytes() == b"", err.name


# --- the graph named one way -------------------------------------------------------------


@pytest.mark.parametrize("name", COMMANDS)
def test_the_graph_is_the_first_argument(name):
    """PATH (default .) first in every command that reads a graph; rules and rule read none."""
    if name in ("rules", "rule"):
        return
    command = leaf_commands()[name]
    first = next(p for p in command.params if isinstance(p, click.Argument))
    assert first.make_metavar(click.Context(command)).startswith("[PATH")


def test_new_takes_the_graph_first_or_inside_it(places, monkeypatch):
    g = places["G"]
    assert _invoke(["new", "class", str(g), "risk"]).exit_code == 0
    assert (g / "pages/risk.md").exists()
    monkeypatch.chdir(g)
    assert _invoke(["new", "class", "hazard"]).exit_code == 0
    assert (g / "pages/hazard.md").exists()
    monkeypatch.chdir(places["EMPTY"])
    old = _invoke(["new", "class", "threat", "--graph", str(g)])  # deprecated, still works
    assert old.exit_code == 0 and (g / "pages/threat.md").exists()
    twice = _invoke(["new", "class", str(g), "peril", "--graph", str(g)])
    assert twice.exit_code == 2 and "the graph is named twice" in twice.stderr
    missing = _invoke(["new", "example", "milestones"])
    assert missing.exit_code == 2 and "Missing argument 'NAME'" in missing.stderr
    nowhere = _invoke(["new", "class", "risk"])  # the current folder is no graph
    assert nowhere.exit_code == 2 and not (places["EMPTY"] / "pages").exists()


def test_feature_clis_do_not_import_the_top_level_cli():
    for module in cli.FEATURES:
        tree = ast.parse(Path(import_module(module).__file__).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "bmtools.cli", module
            elif isinstance(node, ast.Import):
                assert all(a.name != "bmtools.cli" for a in node.names), module


# --- milestones: reports x formats --------------------------------------------------------


def test_artifact_that_names_nothing_is_said(places):
    g = str(places["G"])
    result = _invoke(["milestones", g, "--today", TODAY, "--artifact", "nope"])
    assert result.exit_code == 2
    assert "no artifact, page or namespace named 'nope'" in result.stderr
    assert "artifacts with milestones: " in result.stderr and "milestones" in result.stderr
    person = _invoke(["milestones", g, "--today", TODAY, "--artifact", "Elon Musk", "-q"])
    assert person.exit_code == 0 and "0 milestones" in person.stdout  # a page, none on it
    space = _invoke(["milestones", g, "--today", TODAY, "--artifact", "space x", "-q"])
    assert space.exit_code == 0 and "Falcon 1 first launch" in space.stdout


def test_every_report_in_every_format():
    """The registry: each report's data comes out well-formed in each format."""
    import datetime as dt
    import xml.etree.ElementTree as ET

    from bmtools.loader import load_graph
    from bmtools.milestones.cpm import critical_path
    from bmtools.milestones.formats import FORMATS, Options
    from bmtools.milestones.model import load_milestones
    from bmtools.milestones.reports import REPORTS, Request
    from bmtools.milestones.schedule import Filters, filter_milestones

    mset = load_milestones(load_graph(str(BUNDLED)))
    today = dt.date.fromisoformat(TODAY)
    chosen = filter_milestones(mset.every, Filters(artifacts=["Space X"]), today)
    assert len(chosen) >= 5 and any(m.depends_on for m in chosen)
    opts = Options(critical=critical_path(mset.milestones).path_names)
    assert set(REPORTS) == {"list", "overdue", "due-soon", "budget", "review", "critical-path"}
    for name, report in REPORTS.items():
        found = report(Request(chosen, mset, today))
        for fmt, generate in FORMATS.items():
            out = generate(found, opts)
            assert out, (name, fmt)
            if fmt == "json":
                doc = json.loads(out)
                assert doc.get("report", name) == name
            elif fmt == "csv":
                header = out.splitlines()[0].split(",")
                assert header[0] in ("title", "group", "section", "name", "milestone"), header
            elif fmt == "svg":
                assert ET.fromstring(out).tag.endswith("svg")
            elif fmt == "ics":
                assert out.startswith(b"BEGIN:VCALENDAR")
            elif fmt == "mermaid":
                assert out.startswith("gantt") or "gantt" in out.splitlines()[0:3]


def test_due_soon_pictures_use_the_horizon(tmp_path):
    """--within sets what the due-soon report draws, in the pictures as in the table."""
    g = tmp_path / "g"
    (g / "pages").mkdir(parents=True)
    (g / "logseq").mkdir()
    (g / "pages/Harbour plan.md").write_text(HARBOUR, encoding="utf-8")
    args = ["milestones", str(g), "--today", TODAY, "--report", "due-soon", "-q"]
    near = _invoke([*args, "--within", "30d", "--format", "mermaid"])
    far = _invoke([*args, "--within", "60d", "--format", "mermaid"])
    assert near.exit_code == far.exit_code == 0
    assert "Quay extension opened" not in near.stdout
    assert "Quay extension opened" in far.stdout
