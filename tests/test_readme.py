"""The README cannot drift: every command of its tour runs, with exactly the output shown."""

from __future__ import annotations

import re

import click
from click.testing import CliRunner

from bmtools.cli import main
from tests.readme_tour import README, Workspace, normalise, run, steps


def test_readme_tour_commands_give_the_output_shown():
    text = README.read_text(encoding="utf-8")
    tour = steps(text)
    assert len(tour) >= 15
    runner = CliRunner()
    with Workspace():
        for step in tour:
            output, code = run(step, runner)
            assert (code, output) == (step.exit_code, normalise(step.expected)), step.command


def test_every_command_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    shown = {s.command.split()[1] for s in steps(text)}
    names = set(main.list_commands(click.Context(main)))
    assert names <= shown, names - shown


def test_setup_commands_match_ci():
    text = README.read_text(encoding="utf-8")
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    test_command = re.search(r"^python -m pip install --quiet '\.\[test\]' && (.*)$", ci, re.M)
    assert test_command and "pip install '.[test]' && python -m pytest" in text
    assert "pip install . && bmtools lint graph" in text


def test_every_command_has_help():
    for name in main.list_commands(click.Context(main)):
        command = main.get_command(click.Context(main), name)
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and command.help, name


def test_readme_python_example_runs(capsys, monkeypatch):
    text = README.read_text(encoding="utf-8")
    code = re.search(r"^```python\n(.*?)^```\n", text, re.S | re.M).group(1)
    monkeypatch.chdir(README.parent)
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out.startswith("milestones/info ['milestone'] ")
