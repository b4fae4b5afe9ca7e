"""The lint commands through click's CliRunner: formats, exit codes, selection, configuration,
suppression, --fix/--diff, SARIF schema validation; plus the seed page and the bundled graph."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from bmtools.cli import main
from bmtools.lint import Settings, lint_graph
from bmtools.loader import load_graph

FIXTURES = Path(__file__).parent / "fixtures" / "lint"
REPO = Path(__file__).parent.parent
CONFIG = "{:file/name-format :triple-lowbar}\n"

MILESTONE_OK = """- [[Launch]] #milestone
  description:: First beta.
  due:: 2025-06-01
  budget:: 40,000 EUR
  owner:: [[Ana Ruiz]]
  milestone-type:: implementation
"""
MILESTONE_NO_DUE = """- [[Beta]] #milestone
  description:: Second beta.
  budget:: 40,000 EUR
  owner:: [[Ana Ruiz]]
  milestone-type:: implementation
"""


def graph(root: Path, files: dict[str, str | bytes]) -> Path:
    files = {"logseq/config.edn": CONFIG, **files}
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            p.write_bytes(data)
        else:
            p.write_text(data, encoding="utf-8")
    return root


def run(*args, cwd: Path | None = None):
    runner = CliRunner()
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


# --- exit codes and text output ------------------------------------------------------------


def test_clean_graph_exits_0(tmp_path):
    graph(tmp_path, {"pages/a.md": MILESTONE_OK})
    r = run("lint", str(tmp_path), "--no-cache")
    assert r.exit_code == 0, r.output
    assert "All checks passed!" in r.output


def test_error_exits_1_with_ruff_like_lines(tmp_path):
    graph(tmp_path, {"pages/a.md": MILESTONE_NO_DUE})
    r = run("lint", ".", cwd=tmp_path)
    assert r.exit_code == 1
    assert "pages/a.md:1:12: BM401 milestone 'Beta' has no due:: (date, required)" in r.output
    assert "Found 1 problem (1 error)." in r.output
    assert "\x1b[" not in r.output  # no colour when not on a terminal


def test_warning_passes_unless_strict(tmp_path):
    graph(tmp_path, {"pages/a.md": "- x\n  m:: [[m1]], m2\n"})
    assert run("lint", str(tmp_path)).exit_code == 0
    r = run("lint", str(tmp_path), "--strict")
    assert r.exit_code == 1
    assert "BM203" in r.output


def test_missing_path_and_bad_selector_exit_2(tmp_path):
    r = run("lint", str(tmp_path / "nope"))
    assert r.exit_code == 2
    graph(tmp_path, {"pages/a.md": "- a\n"})
    r = run("lint", str(tmp_path), "--select", "BM999")
    assert r.exit_code == 2
    assert "unknown rule selector 'BM999'" in r.output


def test_lint_one_file_of_a_graph(tmp_path):
    graph(
        tmp_path,
        {"pages/a.md": MILESTONE_NO_DUE, "pages/b.md": MILESTONE_NO_DUE.replace("Beta", "Gamma")},
    )
    r = run("lint", "pages/b.md", cwd=tmp_path)
    assert r.exit_code == 1
    assert "pages/b.md:1:13: BM401" in r.output
    assert "pages/a.md" not in r.output


# --- selection -----------------------------------------------------------------------------


def test_select_ignore_extend_select(tmp_path):
    graph(tmp_path, {"pages/a.md": MILESTONE_NO_DUE + "- see [[Nowhere]]\n"})
    r = run("lint", str(tmp_path), "--format", "json")
    codes = {d["code"] for d in json.loads(r.output)}
    assert codes == {"BM401"}  # BM101 is off by default
    r = run("lint", str(tmp_path), "--format", "json", "--extend-select", "BM101")
    assert {d["code"] for d in json.loads(r.output)} == {"BM401", "BM101"}
    r = run("lint", str(tmp_path), "--format", "json", "--select", "BM1")
    assert {d["code"] for d in json.loads(r.output)} == {"BM101"}
    r = run("lint", str(tmp_path), "--ignore", "BM401")
    assert r.exit_code == 0
    r = run("lint", str(tmp_path), "--ignore", "items")  # a family name works too
    assert r.exit_code == 0


# --- configuration -------------------------------------------------------------------------


def test_pyproject_config(tmp_path):
    graph(
        tmp_path,
        {
            "pages/a.md": MILESTONE_NO_DUE,
            "pages/drafts/b.md": MILESTONE_NO_DUE.replace("Beta", "Draft"),
            "pyproject.toml": '[tool.bmtools]\nextend-select = ["BM101"]\n'
            'exclude = ["pages/drafts/*"]\n'
            '[tool.bmtools.severity]\nBM401 = "warning"\n',
        },
    )
    out = json.loads(run("lint", str(tmp_path), "--format", "json").output)
    assert {(d["code"], d["severity"]) for d in out} == {("BM401", "warning"), ("BM101", "warning")}
    assert all("drafts" not in d["filename"] for d in out)
    assert run("lint", str(tmp_path)).exit_code == 0  # the error became a warning


def test_bmtools_toml_and_invalid_config(tmp_path):
    graph(tmp_path, {"pages/a.md": MILESTONE_NO_DUE, "bmtools.toml": 'ignore = ["BM4"]\n'})
    assert run("lint", str(tmp_path)).exit_code == 0
    (tmp_path / "bmtools.toml").write_text('[tool.bmtools]\nselekt = ["BM4"]\n')
    r = run("lint", str(tmp_path))
    assert r.exit_code == 2 and "unknown key(s) selekt" in r.output
    (tmp_path / "bmtools.toml").write_text('[tool.bmtools.severity]\nBM401 = "fatal"\n')
    assert run("lint", str(tmp_path)).exit_code == 2


# --- suppression ---------------------------------------------------------------------------


def test_block_and_page_suppression(tmp_path):
    block = MILESTONE_NO_DUE.replace("  description::", "  bmtools-ignore:: BM401\n  description::")
    graph(tmp_path, {"pages/a.md": block, "pages/b.md": MILESTONE_NO_DUE.replace("Beta", "C")})
    out = json.loads(run("lint", str(tmp_path), "--format", "json").output)
    assert [d["filename"] for d in out] == [str(Path("pages/b.md"))] or [
        d["filename"].endswith("pages/b.md") for d in out
    ] == [True]
    page = "bmtools-ignore:: BM4\n\n" + MILESTONE_NO_DUE.replace("Beta", "C")
    (tmp_path / "pages/b.md").write_text(page)
    assert run("lint", str(tmp_path)).exit_code == 0
    (tmp_path / "pages/b.md").write_text("bmtools-ignore:: BM2\n\n" + MILESTONE_NO_DUE)
    assert run("lint", str(tmp_path)).exit_code == 1  # another family is not silenced


# --- formats -------------------------------------------------------------------------------


def test_json_format_fields(tmp_path):
    graph(tmp_path, {"pages/a.md": "- (#urgent)\n"})
    d = json.loads(run("lint", str(tmp_path), "--format", "json").output)[0]
    assert d["code"] == "BM204" and d["name"] == "tag-swallows-bracket"
    assert d["location"] == {"row": 1, "column": 4}
    assert d["fix"]["applicability"] == "unsafe"
    assert d["fix"]["edits"][0]["content"] == " "  # "(#urgent )": a space ends the tag


def test_github_format(tmp_path):
    graph(tmp_path, {"pages/a.md": MILESTONE_NO_DUE})
    r = run("lint", ".", "--format", "github", cwd=tmp_path)
    assert r.output.startswith(
        "::error file=pages/a.md,line=1,col=12,title=BM401 missing-required-field::BM401 "
    )


def test_junit_format(tmp_path):
    graph(tmp_path, {"pages/a.md": MILESTONE_NO_DUE})
    r = run("lint", ".", "--format", "junit", cwd=tmp_path)
    root = ET.fromstring(r.output.split("\n", 1)[1])
    case = root.find("testsuite/testcase")
    assert case.get("name") == "BM401 missing-required-field"
    assert case.find("failure").get("type") == "error"
    assert root.get("failures") == "1"


def sarif_schema() -> dict:
    text = resources.files("bmtools.lint").joinpath("sarif-schema-2.1.0.json").read_text()
    return json.loads(text)


def test_sarif_validates_against_the_official_schema(tmp_path):
    graph(tmp_path, {"pages/a.md": MILESTONE_NO_DUE + "- (#urgent)\n- üßø\n"})
    out = tmp_path / "out.sarif"
    r = run("lint", ".", "--format", "sarif", "--output", str(out), "--strict", cwd=tmp_path)
    assert r.exit_code == 1
    log = json.loads(out.read_text())
    schema = sarif_schema()
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"BM401", "BM204"}
    loc = results[0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "pages/a.md"
    # A broken log is rejected: the validation is real.
    results[0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)


# --- fixes ---------------------------------------------------------------------------------

MOJIBAKE_PAGE = (
    "icon:: \uf8ffüßø\r\n\r\n- ## \uf8ffüîç Definition\r\n- caf\u00c3\u00a9 (#urgent)\r\n"
)


def test_fix_repairs_mojibake_byte_for_byte(tmp_path):
    graph(tmp_path, {})
    page = tmp_path / "pages/a.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_bytes(b"\xef\xbb\xbf" + MOJIBAKE_PAGE.encode())
    r = run("lint", str(tmp_path), "--fix")
    assert r.exit_code == 0, r.output
    expected = "icon:: 🧿\r\n\r\n- ## 🔍 Definition\r\n- café (#urgent)\r\n"
    # BOM, CRLF and the unsafe-only tag problem are kept as they were.
    assert page.read_bytes() == b"\xef\xbb\xbf" + expected.encode()
    assert "BM204" in r.output and "BM205" not in r.output
    r = run("lint", str(tmp_path), "--fix", "--unsafe-fixes")
    assert (
        page.read_bytes() == b"\xef\xbb\xbf" + expected.replace("(#urgent)", "(#urgent )").encode()
    )


def test_diff_shows_without_writing(tmp_path):
    graph(tmp_path, {"pages/a.md": MOJIBAKE_PAGE})
    before = (tmp_path / "pages/a.md").read_bytes()
    r = run("lint", ".", "--diff", cwd=tmp_path)
    assert r.exit_code == 1
    assert "--- a/pages/a.md" in r.output and "+icon:: 🧿" in r.output
    assert "-- caf\u00c3\u00a9" in r.output
    assert (tmp_path / "pages/a.md").read_bytes() == before
    r = run("lint", ".", "--diff", "--select", "BM401", cwd=tmp_path)
    assert r.exit_code == 0 and r.output == ""


def test_fix_refuses_invalid_utf8(tmp_path):
    graph(tmp_path, {})
    page = tmp_path / "pages/a.md"
    page.parent.mkdir(parents=True)
    data = "- \uf8ffüßø ".encode() + b"\xff\n"
    page.write_bytes(data)
    r = run("lint", str(tmp_path), "--fix")
    assert page.read_bytes() == data
    assert "not fixing" in r.output


# --- rules, rule, metamodel ----------------------------------------------------------------


def test_rules_and_rule_commands():
    r = run("rules")
    assert r.exit_code == 0
    assert "BM401  missing-required-field" in r.output
    data = json.loads(run("rules", "--format", "json").output)
    assert {d["code"] for d in data} >= {"BM001", "BM205", "BM308", "BM408"}
    r = run("rule", "BM205")
    assert r.exit_code == 0
    assert "## Why is this bad?" in r.output and "Use instead" in r.output
    assert run("rule", "mojibake").output == r.output
    assert run("rule", "BM999").exit_code == 2


def test_metamodel_command():
    r = run("metamodel", str(REPO / "graph"))
    assert r.exit_code == 0
    assert "class milestone" in r.output and "due: date, required" in r.output
    data = json.loads(run("metamodel", str(REPO / "graph"), "--format", "json").output)
    assert data["classes"]["milestone"]["fields"]["budget"]["type"] == "money"


# --- the seed page and the bundled graph ---------------------------------------------------


def test_seed_page_reports_mojibake_and_missing_examples(tmp_path):
    seed = (FIXTURES / "milestones_info.md").read_text(encoding="utf-8")
    graph(
        tmp_path,
        {
            "pages/milestones___info.md": seed,
            "pages/milestones___examples___Space X.md": "- SpaceX\n",
            "pages/milestones___examples___Exotic Pet Rental.md": "- pets\n",
        },
    )
    diags = lint_graph(load_graph(tmp_path), Settings())
    moji = [d for d in diags if d.code == "BM205"]
    assert len(moji) == 9  # the icon and eight section headings
    assert moji[0].line == 1 and "'🧿'" in moji[0].message
    assert all(d.fix is not None and d.fix.applicability == "safe" for d in moji)
    missing = sorted(d.message for d in diags if d.code == "BM308")
    assert missing == [
        "example 'milestones/examples/Underwater restaurant' has no page",
        "example 'milestones/examples/extinguished animals meat' has no page",
        "example 'milestones/examples/vein visualizer' has no page",
    ]
    assert any(d.code == "BM305" and "relations" in d.message for d in diags)


def test_bundled_graph_has_no_errors():
    r = run("lint", str(REPO / "graph"), "--no-cache", "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert not [d for d in out if d["severity"] == "error"]
    assert not [d for d in out if d["severity"] == "warning"], out


def test_colour_only_when_asked_or_on_a_terminal(tmp_path):
    graph(tmp_path, {"pages/a.md": MILESTONE_NO_DUE})
    r = run("lint", ".", "--color", cwd=tmp_path)
    assert "\x1b[" in r.output and "BM401" in r.output
    out = tmp_path / "report.txt"
    run("lint", ".", "--output", str(out), cwd=tmp_path)
    assert "\x1b[" not in out.read_text() and "BM401" in out.read_text()


def test_fix_summary_counts_fixed_and_remaining(tmp_path):
    graph(tmp_path, {"pages/a.md": "- cafÃ©\n- naÃ¯ve (#x)\n"})
    r = run("lint", ".", "--fix", "--strict", cwd=tmp_path)
    assert (tmp_path / "pages/a.md").read_text() == "- café\n- naïve (#x)\n"
    assert "Found 1 problem (1 warning); 2 fixed." in r.output
    assert r.exit_code == 1
    r = run("lint", ".", "--fix", "--unsafe-fixes", "--strict", cwd=tmp_path)
    assert r.exit_code == 0 and "Found 1 problem (1 fixed, 0 remaining)." in r.output


def test_unsafe_fixes_for_keys_comma_values_and_select_typos(tmp_path):
    page = (
        "- [[Launch]] #milestone\r\n"
        "  budget(EUR):: 250,000\r\n"
        "  depends-on:: [[Beta]], Pricing page live\r\n"
        "  status:: in progres\r\n"
    )
    graph(tmp_path, {"pages/a.md": page})
    r = run("lint", ".", "--diff", cwd=tmp_path)
    assert r.exit_code == 0 and r.output == ""  # nothing safe to do
    r = run("lint", ".", "--fix", "--unsafe-fixes", "--select", "BM201,BM203,BM403", cwd=tmp_path)
    assert (tmp_path / "pages/a.md").read_bytes() == (
        b"- [[Launch]] #milestone\r\n"
        b"  budget-EUR:: 250,000\r\n"
        b"  depends-on:: [[Beta]], [[Pricing page live]]\r\n"
        b"  status:: in progress\r\n"
    )
    assert "Found 3 problems (3 fixed, 0 remaining)." in r.output


def test_docs_list_every_rule():
    from bmtools.lint import all_rules

    docs = (REPO / "docs" / "lint.md").read_text(encoding="utf-8")
    for code, rule in all_rules().items():
        assert f"| {code} | {rule.name} |" in docs, f"{code} missing from docs/lint.md"


def test_statistics_and_exit_zero(tmp_path):
    graph(tmp_path, {"pages/a.md": MILESTONE_NO_DUE + "- \uf8ffüßø and \uf8ffüîç\n"})
    r = run("lint", ".", "--statistics", "--exit-zero", "--strict", cwd=tmp_path)
    assert r.exit_code == 0
    assert r.output.splitlines() == [
        "     2  BM205  [*] mojibake",
        "     1  BM401      missing-required-field",
    ]
