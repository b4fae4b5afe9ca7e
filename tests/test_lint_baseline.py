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
    """Three pages of legacy multi-item blocks (BM408, info) and one with a BM105 warning."""
    return write(
        tmp_path / "g",
        {
            "pages/a.md": LEGACY,
            "pages/b.md": LEGACY,
            "journals/2024_01_02.md": LEGACY,
            "pages/team___notes.md": NOTES,
        },
    )


# A page Logseq named in the triple-lowbar format, in a graph of the legacy format (BM105)
NOTES = "title:: team/notes\n\n- a note\n"

LEGACY = (
    "- #milestone [[Prototype ready]]\n  Build the first working prototype.\n"
    "  #milestone [[First customers]]\n  Reach ten paying customers.\n"
)


def test_info_findings_are_counted_not_listed_by_default(tmp_path):
    info_graph(tmp_path)
    result = run("lint", "g", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert result.exit_code == 0
    assert not any("BM408" in line and "(info)" in line for line in lines)
    assert any(line.startswith("g/pages/team___notes.md:1:") and "BM105" in line for line in lines)
    assert "+ 3 info findings hidden (BM408: 3); use --show-info or -v to list them" in lines
    assert lines[-1] == "Found 1 problem (1 warning)."


def test_show_info_and_verbose_list_them(tmp_path):
    info_graph(tmp_path)
    for flag in ("--show-info", "-v"):
        result = run("lint", "g", flag, cwd=tmp_path)
        listed = [line for line in result.stdout.splitlines() if "BM408" in line]
        assert len(listed) == 3 and all(line.endswith("(info)") for line in listed), flag
        assert "hidden" not in result.stdout
        assert result.stdout.splitlines()[-1] == "Found 4 problems (1 warning, 3 info)."


def test_only_infos_hidden_still_passes(tmp_path):
    write(tmp_path / "g", {"pages/a.md": LEGACY})
    result = run("lint", "g", cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "+ 1 info finding hidden (BM408: 1); use --show-info or -v to list them",
        "All checks passed!",
    ]


def test_machine_formats_carry_every_info(tmp_path):
    info_graph(tmp_path)
    args = ("lint", "g", "--format")
    data = json.loads(run(*args, "json", cwd=tmp_path).stdout)
    assert sorted(d["code"] for d in data) == ["BM105"] + ["BM408"] * 3
    sarif = json.loads(run(*args, "sarif", cwd=tmp_path).stdout)
    levels = sorted(r["level"] for r in sarif["runs"][0]["results"])
    assert levels == ["note", "note", "note", "warning"]
    github = run(*args, "github", cwd=tmp_path).stdout
    assert github.count("::notice ") == 3
    junit = run(*args, "junit", cwd=tmp_path).stdout
    assert junit.count("<testcase ") == 4


def test_hidden_line_groups_by_code_with_thousands():
    diags = [Diagnostic("BM408", "legacy", "p.md", i + 1, 1, "info") for i in range(1834)]
    diags += [Diagnostic("BM023", "board", f"{i}.edn", 0, 0, "info") for i in range(2)]
    diags.append(Diagnostic("BM401", "missing", "p.md", 1, 1, "error"))
    assert hidden_infos(Report(diags).diagnostics) == (
        "+ 1,836 info findings hidden (BM408: 1,834, BM023: 2); use --show-info or -v to list them"
    )


# -- baselines -----------------------------------------------------------------------------

PLAN = """- [[Launch]] #milestone
- meet (#urgent) today
- call (#urgent) today
- call (#urgent) today
"""


def history(tmp_path: Path) -> Path:
    """A graph with years of findings: a BM401 error, three BM204 warnings (two alike), a BM105."""
    return write(tmp_path / "g", {"pages/plan.md": PLAN, "pages/team___notes.md": NOTES})


def codes(output: str) -> list[str]:
    return sorted(
        line.split(": ", 2)[1].split()[0] for line in output.splitlines() if ": BM" in line
    )


def test_write_baseline_then_nothing_known_fails(tmp_path):
    history(tmp_path)
    before = run("lint", "g", "--strict", cwd=tmp_path)
    assert before.exit_code == 1 and "BM401" in before.stdout
    result = run("lint", "g", "--strict", "--write-baseline", "baseline.json", cwd=tmp_path)
    n = len(codes(before.stdout))
    assert result.exit_code == 0
    assert f"wrote {n} findings to baseline.json" in result.stderr
    assert f"+ {n} known findings accepted by the baseline" in result.stdout
    text = (tmp_path / "baseline.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["bmtools-baseline"] == 1
    rows = data["findings"]
    # one finding per line, sorted, paths relative to the baseline's folder, no line numbers
    assert text.count("\n") == len(rows) + 5
    assert rows == sorted(rows, key=lambda r: (r["file"], r["code"], r["fingerprint"]))
    assert {r["file"] for r in rows} == {"g/pages/plan.md", "g/pages/team___notes.md"}
    assert all(set(r) == {"code", "count", "file", "fingerprint", "message"} for r in rows)
    assert sum(r["count"] for r in rows) == n
    assert [r["count"] for r in rows if r["code"] == "BM204"] == [2, 1]  # two alike, counted
    again = run("lint", "g", "--strict", "--baseline", "baseline.json", cwd=tmp_path)
    assert again.exit_code == 0, again.output
    assert codes(again.stdout) == [] and again.stderr == ""


def test_lines_inserted_above_keep_known_findings_accepted(tmp_path):
    history(tmp_path)
    run("lint", "g", "--write-baseline", "baseline.json", cwd=tmp_path)
    page = tmp_path / "g/pages/plan.md"
    # lines above, a re-indented finding (whitespace is collapsed), blocks in between
    moved = PLAN.replace("- meet (#urgent) today", "- context\n\t- meet   (#urgent) today")
    page.write_text("- intro\n- more intro\n\n- yet more\n" + moved, encoding="utf-8")
    shown = run("lint", "g", "--strict", "--show-info", cwd=tmp_path)
    assert "g/pages/plan.md:5:" in shown.stdout  # the findings did move down
    result = run("lint", "g", "--strict", "--baseline", "baseline.json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert codes(result.stdout) == [] and "gone" not in result.stderr


def test_a_new_finding_fails_and_is_the_only_one_shown(tmp_path):
    history(tmp_path)
    run("lint", "g", "--write-baseline", "baseline.json", cwd=tmp_path)
    page = tmp_path / "g/pages/plan.md"
    page.write_text(PLAN + "- [[Beta]] #milestone\n", encoding="utf-8")
    result = run("lint", "g", "--baseline", "baseline.json", cwd=tmp_path)
    assert result.exit_code == 1
    listed = [line for line in result.stdout.splitlines() if ": BM" in line]
    assert listed and all("'Beta'" in line for line in listed), listed
    assert all(line.startswith("g/pages/plan.md:5:") for line in listed)
    assert "known findings accepted by the baseline" in result.stdout


def test_one_more_identical_finding_is_new(tmp_path):
    history(tmp_path)
    run("lint", "g", "--write-baseline", "baseline.json", cwd=tmp_path)
    page = tmp_path / "g/pages/plan.md"
    page.write_text(PLAN + "- call (#urgent) today\n", encoding="utf-8")  # a third alike
    result = run("lint", "g", "--strict", "--baseline", "baseline.json", cwd=tmp_path)
    assert result.exit_code == 1
    assert codes(result.stdout) == ["BM204"]


def test_a_fixed_finding_is_reported_with_a_hint_and_does_not_fail(tmp_path):
    history(tmp_path)
    run("lint", "g", "--write-baseline", "baseline.json", cwd=tmp_path)
    notes = tmp_path / "g/pages/team___notes.md"
    notes.rename(notes.with_name("team.notes.md"))  # BM105 fixed: the legacy format's name
    result = run("lint", "g", "--strict", "--baseline", "baseline.json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "bmtools: 1 finding of the baseline is gone (fixed); drop it from baseline.json "
        "with --write-baseline baseline.json"
    )
    assert lines[1].startswith(
        "  g/pages/team___notes.md: BM105 file name reads as page 'team___notes'"
    )
    assert len(lines) == 2
    # refreshing drops it
    run("lint", "g", "--write-baseline", "baseline.json", cwd=tmp_path)
    assert "BM105" not in (tmp_path / "baseline.json").read_text(encoding="utf-8")
    assert run("lint", "g", "--baseline", "baseline.json", cwd=tmp_path).stderr == ""


def test_rules_and_files_not_linted_are_not_called_fixed(tmp_path):
    history(tmp_path)
    run("lint", "g", "--write-baseline", "baseline.json", cwd=tmp_path)
    for args in (["g", "--select", "BM4"], ["g/pages/plan.md"], ["g", "--ignore", "BM105"]):
        result = run("lint", *args, "--strict", "--baseline", "baseline.json", cwd=tmp_path)
        assert result.exit_code == 0 and result.stderr == "", (args, result.output)
    # writing from a partial run keeps what that run did not look at
    run("lint", "g/pages/plan.md", "--write-baseline", "baseline.json", cwd=tmp_path)
    result = run("lint", "g", "--strict", "--baseline", "baseline.json", cwd=tmp_path)
    assert result.exit_code == 0 and result.stderr == "", result.output


def test_baseline_paths_do_not_depend_on_the_working_folder(tmp_path):
    history(tmp_path)
    run("lint", "g", "--write-baseline", "g/baseline.json", cwd=tmp_path)
    rows = json.loads((tmp_path / "g/baseline.json").read_text(encoding="utf-8"))["findings"]
    assert {r["file"] for r in rows} == {"pages/plan.md", "pages/team___notes.md"}
    result = run("lint", ".", "--strict", "--baseline", "baseline.json", cwd=tmp_path / "g")
    assert result.exit_code == 0 and result.stderr == "", result.output
    pages = tmp_path / "g/pages"
    result = run("lint", "..", "--strict", "--baseline", "../baseline.json", cwd=pages)
    assert result.exit_code == 0 and result.stderr == "", result.output


def test_sarif_with_a_baseline_marks_new_results_and_fingerprints(tmp_path):
    from importlib import resources

    import jsonschema

    history(tmp_path)
    run("lint", "g", "--write-baseline", "baseline.json", cwd=tmp_path)
    page = tmp_path / "g/pages/plan.md"
    page.write_text("- intro\n" + PLAN + "- [[Beta]] #milestone\n", encoding="utf-8")
    args = ("lint", "g", "--format", "sarif")
    log = json.loads(run(*args, "--baseline", "baseline.json", cwd=tmp_path).stdout)
    schema = json.loads(
        resources.files("bmtools.lint").joinpath("sarif-schema-2.1.0.json").read_text()
    )
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    results = log["runs"][0]["results"]
    assert results and all(r["baselineState"] == "new" for r in results)
    assert all("Beta" in r["message"]["text"] for r in results)
    # without a baseline: every finding, fingerprints that ignore the line number
    full = json.loads(run(*args, cwd=tmp_path).stdout)["runs"][0]["results"]
    assert all("baselineState" not in r for r in full)
    fps = [r["partialFingerprints"]["bmtoolsFingerprint/v1"] for r in full]
    assert len(set(fps)) == len(fps)  # the two alike BM204 differ by their occurrence
    page.write_text("- more\n- intro\n" + PLAN + "- [[Beta]] #milestone\n", encoding="utf-8")
    moved = json.loads(run(*args, cwd=tmp_path).stdout)["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in moved] == [r["partialFingerprints"] for r in full]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in moved]
    assert lines != [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in full]


def test_json_format_leaves_accepted_findings_out(tmp_path):
    history(tmp_path)
    run("lint", "g", "--write-baseline", "baseline.json", cwd=tmp_path)
    args = ("lint", "g", "--format", "json", "--baseline", "baseline.json")
    assert json.loads(run(*args, cwd=tmp_path).stdout) == []


def test_malformed_baselines_are_usage_errors(tmp_path):
    history(tmp_path)
    cases = {
        '{"bmtools-baseline": 1, "findings": [}': "baseline.json:1:38: not a bmtools baseline "
        "(invalid JSON",
        "[]": 'not a bmtools baseline (no "bmtools-baseline" key)',
        '{"bmtools-baseline": 7, "findings": []}': "baseline version 7; this bmtools reads "
        "version 1",
        '{"bmtools-baseline": 1}': '"findings" must be a list',
        '{"bmtools-baseline": 1, "findings": [{"code": "BM401"}]}': "finding 1 is malformed",
        '{"bmtools-baseline": 1, "findings": [{"code": "BM1", "file": "a", "fingerprint": "f",'
        ' "count": 0}]}': "finding 1 is malformed",
    }
    for text, message in cases.items():
        (tmp_path / "baseline.json").write_text(text, encoding="utf-8")
        result = run("lint", "g", "--baseline", "baseline.json", cwd=tmp_path)
        assert result.exit_code == 2, text
        assert result.stdout == "" and message in result.stderr, (text, result.stderr)
        assert result.stderr.startswith("bmtools: error: baseline.json")
    result = run("lint", "g", "--baseline", "missing.json", cwd=tmp_path)
    assert result.exit_code == 2
    assert "missing.json: no such baseline file (write one with --write-baseline" in result.stderr


def test_same_file_to_read_and_write_needs_no_file_yet(tmp_path):
    history(tmp_path)
    args = ("lint", "g", "--baseline", "b.json", "--write-baseline", "b.json")
    result = run(*args, cwd=tmp_path)
    assert result.exit_code == 0 and (tmp_path / "b.json").is_file(), result.output


def test_message_changed_on_the_same_line_is_the_same_finding(tmp_path):
    from bmtools.lint.baseline import apply, entries_for

    page = write(tmp_path, {"pages/p.md": "- [[Launch]] #milestone\n- other\n"}) / "pages/p.md"
    old = Diagnostic("BM401", "'Launch' has no due::, owner::", str(page), 1, 3, "error")
    known = [e for _, e in entries_for([old], tmp_path)]
    updated = Diagnostic("BM401", "'Launch' has no owner::", str(page), 1, 3, "error")
    elsewhere = Diagnostic("BM401", "'Launch' has no owner::", str(page), 2, 3, "error")
    outcome = apply(known, [updated, elsewhere], tmp_path)
    assert outcome.accepted == 1 and outcome.new == [elsewhere] and outcome.fixed == []
    outcome = apply(known, [], tmp_path)
    assert outcome.fixed_count == 1 and outcome.fixed[0].file == "pages/p.md"


def test_line_numbers_quoted_in_messages_do_not_count():
    from bmtools.lint.baseline import normalise_message

    assert normalise_message("4 items (lines 4-11) share one block") == (
        "4 items (lines N) share one block"
    )
    assert normalise_message("also in pages/a.md:12:3 and line 7") == (
        "also in pages/a.md:N and line N"
    )


# -- the GitHub Action ---------------------------------------------------------------------

ACTION = Path(__file__).resolve().parent.parent / "action.yml"


def action() -> dict:
    import yaml

    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def test_action_is_composite_and_never_splices_inputs_into_scripts():
    data = action()
    assert data["runs"]["using"] == "composite"
    steps = data["runs"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    text = ACTION.read_text(encoding="utf-8")
    for step in steps:
        assert "${{" not in step.get("run", ""), step["name"]  # inputs come through env
        if "run" in step:
            assert step["shell"] == "bash"
    for name in data["inputs"]:
        assert f"inputs.{name}" in text, f"input {name} is never used"


def run_lint_step(tmp_path: Path, **inputs: str) -> dict[str, str]:
    """Run the action's lint step as the runner would: bash, inputs in env, GITHUB_OUTPUT."""
    import subprocess
    import sys

    step = next(s for s in action()["runs"]["steps"] if s.get("id") == "lint")
    shim = tmp_path / "bin" / "bmtools"
    shim.parent.mkdir(exist_ok=True)
    shim.write_text(
        f'#!/bin/sh\nexec "{sys.executable}" -c '
        "'import sys; from bmtools.cli import main; sys.exit(main())' \"$@\"\n",
        encoding="utf-8",
    )
    shim.chmod(0o755)
    out = tmp_path / "github_output"
    out.write_text("", encoding="utf-8")
    defaults = {k: str(v.get("default", "")) for k, v in action()["inputs"].items()}
    values = {**defaults, **inputs}
    env = dict(os.environ)
    for key, expr in step["env"].items():
        env[key] = values[expr.split("inputs.")[1].rstrip(" }")]
    env["GITHUB_OUTPUT"] = str(out)
    env["PATH"] = f"{shim.parent}{os.pathsep}{env['PATH']}"
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr  # the step itself never fails; a later one does
    pairs = (line.split("=", 1) for line in out.read_text(encoding="utf-8").splitlines())
    return {**dict(pairs), "log": done.stdout + done.stderr}


def test_action_lint_step_with_a_baseline(tmp_path):
    history(tmp_path)
    run("lint", "g", "--write-baseline", "baseline.json", cwd=tmp_path)
    clean = run_lint_step(tmp_path, path="g", baseline="baseline.json", args="--strict")
    assert clean["exit-code"] == "0", clean["log"]
    assert json.loads((tmp_path / "bmtools.sarif").read_text())["runs"][0]["results"] == []
    (tmp_path / "g/pages/plan.md").write_text(PLAN + "- [[Beta]] #milestone\n", "utf-8")
    found = run_lint_step(tmp_path, path="g", baseline="baseline.json")
    assert found["exit-code"] == "1" and found["sarif-file"] == "bmtools.sarif"
    assert "'Beta'" in found["log"]
    results = json.loads((tmp_path / "bmtools.sarif").read_text())["runs"][0]["results"]
    assert results and all("Beta" in r["message"]["text"] for r in results)


def test_action_lint_step_on_a_folder_that_is_no_graph(tmp_path):
    write(tmp_path / "docs", {"README.md": "# docs\n"})
    result = run_lint_step(tmp_path, path="docs")
    assert result["exit-code"] == "2" and result["sarif-file"] == ""
    assert "docs is not a Logseq graph" in result["log"]
    assert not (tmp_path / "bmtools.sarif").exists()
