"""Every command on an innBoK-shaped graph (tests/innbok/, the layout of the published innBoK).

The published graph keeps artifact info pages in nested folders with ``innbok-type::
internal`` and no ``page-type::``, class pages with ``innbok-type:: [[class]]``, its classes
folder twice, worked examples in the legacy multi-item form and catalogue pages with one item
per one-line block. tests/innbok/ has each of these shapes in a few pages of its own.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bmtools.cli import main
from bmtools.items import extract_items
from bmtools.lint import Settings, lint_graph
from bmtools.metamodel import is_artifact_page, load_metamodel
from bmtools.milestones import load_milestones
from tests.conftest import load

INNBOK = Path(__file__).resolve().parent / "innbok"
ARTIFACTS = "inn/studio/innBoK/artifacts"
CLASSES = "inn/studio/innBoK/classes"
COPY = "inn/studio/studio/innBoK/classes"


@pytest.fixture
def graph_dir(tmp_path: Path) -> Path:
    """A fresh copy of tests/innbok/ (commands that write change only the copy)."""
    return Path(shutil.copytree(INNBOK, tmp_path / "innbok"))


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


# --- the metamodel reads both layouts ------------------------------------------------------


def test_artifact_pages_without_page_type_are_artifacts(graph_dir):
    graph = load(graph_dir)
    mm = load_metamodel(graph)
    by_page = {a.page.title: a for a in mm.artifacts}
    assert sorted(by_page) == ["goals_info", "milestones_info", "risks_info", "tactics_info"]
    ms = by_page["milestones_info"]
    assert ms.page.file == f"{ARTIFACTS}/milestones_info.md"
    assert "page-type" not in ms.page.properties
    assert (ms.metamodel_id, ms.item_classes, ms.relations, ms.weight) == (
        "milestones",
        ["milestone"],
        [],  # innBoK's placeholder relations:: [[]] names nothing
        40,
    )
    assert set(ms.sections) == {
        "definition",
        "content type",
        "keys",
        "innCoPilot",
        "description",
        "examples",
        "topics",
        "tools",
    }
    # metamodel-id:: alone is enough (most published artifact pages have no item-classes::)
    assert (
        by_page["risks_info"].item_classes == [] and by_page["risks_info"].metamodel_id == "risks"
    )
    # the seed layout (page-type:: [[artifact info]], xBoK-type:: internal) still reads
    assert by_page["tactics_info"].item_classes == ["tactic", "roadmap"]
    # a catalogue or an example page is not an artifact
    assert not is_artifact_page(graph.resolve("goal/list"))
    assert not is_artifact_page(graph.resolve("milestones/examples/Tidal Farm"))


def test_class_pages_under_every_type_key(graph_dir):
    graph = load(graph_dir)
    mm = load_metamodel(graph)
    declared = {n: c for n, c in mm.classes.items() if not c.builtin}
    assert sorted(declared) == ["goal", "milestone", "risk", "tactic"]
    assert declared["tactic"].file == f"{CLASSES}/tactic.md"  # xBoK-type:: [[class]]
    assert declared["risk"].file == f"{CLASSES}/risk.md"  # page-type:: [[class]]
    assert mm.class_for("checkpoints").name == "milestone"  # alias:: of an innBoK class page
    # the class page declares no fields: the built-in milestone fields still apply
    assert {f.name for f in mm.classes["milestone"].required_fields()} == {
        "description",
        "due",
        "budget",
        "owner",
        "milestone-type",
    }


def test_metamodel_command_lists_the_artifacts(graph_dir):
    out = run("metamodel", str(graph_dir)).output
    assert f"artifact milestones_info  ({ARTIFACTS}/milestones_info.md)" in out
    assert "metamodel-id: milestones; item-classes: milestone; relations: -; weight: 40" in out
    data = json.loads(run("metamodel", str(graph_dir), "--format", "json").output)
    assert len(data["artifacts"]) == 4
    assert {c for c, v in data["classes"].items() if not v["builtin"]} == {
        "goal",
        "milestone",
        "risk",
        "tactic",
    }


# --- the artifact rules run ----------------------------------------------------------------


def test_lint_findings_on_the_innbok_graph(graph_dir):
    graph = load(graph_dir)
    found = {(d.code, d.file, d.line) for d in lint_graph(graph, Settings())}
    assert found == {
        # artifact rules (BM305–BM308) on innBoK-shaped pages
        ("BM305", f"{ARTIFACTS}/milestones_info.md", 4),  # relations:: [[]]
        ("BM305", f"{ARTIFACTS}/risks_info.md", 4),  # no item-classes::
        ("BM306", f"{ARTIFACTS}/risks_info.md", 11),  # four sections missing, same line
        ("BM307", f"{ARTIFACTS}/tactics_info.md", 5),  # roadmap is no class
        ("BM308", f"{ARTIFACTS}/goals_info.md", 20),  # goals/examples/Night Market
        # the classes folder twice: one finding per page name taken by two files
        ("BM011", f"{COPY}/goal.md", 1),
        ("BM011", f"{COPY}/goal___list.md", 1),
        ("BM011", f"{COPY}/milestone.md", 1),
        # no BM408: the legacy multi-item blocks are of goals and milestones, whose class
        # pages declare no fields (the built-in milestone class's fields are only lent)
        # the one dated-style milestone without due::, and an embed of a missing list
        ("BM401", "pages/launch plan.md", 13),
        ("BM102", f"{CLASSES}/risk.md", 8),
    }
    by_code = {}
    for d in lint_graph(graph, Settings()):
        by_code.setdefault(d.code, []).append(d)
    assert len(by_code["BM306"]) == 4


def test_lint_cli_cached_runs_after_edits_match_cold_runs(graph_dir):
    """Artifact pages found by metamodel-id:: are metamodel pages for the lint cache too: an
    edit elsewhere keeps their findings, an edit of one of them is seen."""
    args = ("lint", str(graph_dir), "--format", "json")
    assert run(*args).exit_code == 1
    plan = graph_dir / "pages" / "launch plan.md"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace(
            "  budget:: 300 EUR\n", "  budget:: 300 EUR\n  due:: 2026-06-30\n"
        ),
        encoding="utf-8",
    )
    cached = json.loads(run(*args).stdout)
    assert cached == json.loads(run(*args, "--no-cache").stdout)
    assert {d["code"] for d in cached} >= {"BM305", "BM306", "BM307", "BM308"}
    assert "BM401" not in {d["code"] for d in cached}
    info = graph_dir / ARTIFACTS / "risks_info.md"
    info.write_text(
        info.read_text(encoding="utf-8").replace(
            "metamodel-id:: [[risks]]\n", "metamodel-id:: [[risks]]\nitem-classes:: #[[risk]]\n"
        ),
        encoding="utf-8",
    )
    cached = json.loads(run(*args).stdout)
    cold = json.loads(run(*args, "--no-cache").stdout)
    assert cached == cold
    assert not [d for d in cold if d["code"] == "BM305" and "risks_info" in d["filename"]]


# --- new and render ------------------------------------------------------------------------


def test_new_example_finds_the_innbok_artifact(graph_dir):
    r = run("new", "example", "milestones", "Lunar Tourism", "--graph", str(graph_dir))
    assert r.exit_code == 0, r.output
    assert r.output.strip() == "created pages/milestones___examples___Lunar Tourism.md"
    text = (graph_dir / "pages" / "milestones___examples___Lunar Tourism.md").read_text()
    assert "artifact:: [[milestones_info]]" in text
    graph = load(graph_dir)
    assert graph.resolve("milestones/examples/Lunar Tourism") is not None


def test_new_example_fills_a_missing_example(graph_dir):
    assert run("new", "example", "goals", "Night Market", "--graph", str(graph_dir)).exit_code == 0
    graph = load(graph_dir)
    assert not [d for d in lint_graph(graph, Settings()) if d.code == "BM308"]


def test_render_changes_no_file_of_an_innbok_graph(graph_dir):
    before = snapshot(graph_dir)
    r = run("render", str(graph_dir))
    assert r.exit_code == 0, r.output
    assert snapshot(graph_dir) == before


def test_render_check_says_the_graph_has_no_managed_region(graph_dir):
    r = run("render", "--check", str(graph_dir))
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == "no managed region in this graph (8 artifact and class pages)"
    # once a page holds a region, --check checks it again
    info = graph_dir / ARTIFACTS / "goals_info.md"
    info.write_text(
        info.read_text(encoding="utf-8").replace(
            "- ## Examples\n", "- ## Examples\n  bmtools-managed:: examples\n"
        ),
        encoding="utf-8",
    )
    r = run("render", "--check", str(graph_dir))
    assert r.exit_code == 1  # a region without its hash counts as edited by hand
    assert r.stdout.strip() == "0 of 8 pages out of date, 1 regions edited by hand"


def test_every_other_command_on_the_innbok_graph(graph_dir, tmp_path):
    g = str(graph_dir)
    stats = run("stats", g)
    assert stats.exit_code == 0 and "pages                          15" in stats.stdout
    show = run("show", g, "milestones_info")
    assert show.exit_code == 0 and f"file:  {ARTIFACTS}/milestones_info.md" in show.stdout
    dot = tmp_path / "g.dot"
    assert run("graph", g, "--format", "dot", "-o", str(dot)).exit_code == 0
    assert '"milestones_info"' in dot.read_text(encoding="utf-8")
    assert run("new", "artifact", "channels", "--class", "goal", "--graph", g).exit_code == 0
    assert run("new", "class", "persona", "--graph", g).exit_code == 0
    item = run(
        "new", "item", "milestone", "--page", "launch plan", "--title", "Oven delivered",
        "--set", "description=Second oven", "--set", "due=2026-06-01",
        "--set", "budget=9,000 EUR", "--set", "owner=Mira Holt",
        "--set", "milestone-type=implementation", "--graph", g,
    )  # fmt: skip
    assert item.stdout.strip() == "appended to pages/launch plan.md"
    # the two new pages carry regions; the innBoK pages still have none
    assert run("render", "--check", g).stdout.strip() == "10 pages up to date"
    graph = load(graph_dir)
    mm = load_metamodel(graph)
    assert "channels/info" in {a.page.title for a in mm.artifacts}
    assert "Oven delivered" in [m.title for m in load_milestones(graph).milestones]


# --- milestones ----------------------------------------------------------------------------


def test_items_of_the_innbok_graph(graph_dir):
    graph = load(graph_dir)
    items = extract_items(graph, load_metamodel(graph))
    legacy = [(i.cls, i.title, i.line) for i in items if i.legacy and "Tidal" in i.file]
    assert legacy == [
        ("milestone", "Seabed lease signed", 1),
        ("milestone", "First kelp harvest", 3),
        ("milestone", "Fertiliser buyer found", 5),
    ]
    catalogue = [i for i in items if i.file == f"{CLASSES}/goal___list.md"]
    assert [i.title for i in catalogue][:2] == [
        "founder/Choose my own projects",
        "founder/Earn a steady income",
    ]
    assert [i.line for i in catalogue] == [2, 3, 4, 5, 6]


def test_milestones_lists_legacy_items_as_unscheduled(graph_dir):
    r = run("milestones", str(graph_dir), "--today", "2026-05-01", "-q")
    out = r.output
    assert "2026-05-16  Pop-up stall at the harbour market" in out
    assert "Unscheduled: 13 without a due date" in out
    assert (
        "  Seabed lease signed [Tidal Farm, legacy item]  "
        f"({ARTIFACTS}/milestones___examples___Tidal Farm.md:1)"
    ) in out
    assert (
        "  Bakery website live [launch plan, Mira Holt, 300 EUR]  (pages/launch plan.md:13)" in out
    )
    assert "14 milestones (13 unscheduled), 0 overdue, budget 1,500 EUR" in out


def test_milestones_filters_reach_legacy_items(graph_dir):
    r = run(
        "milestones", str(graph_dir), "--today", "2026-05-01", "--artifact", "Orbital Bakery",
        "--format", "json",
    )  # fmt: skip
    data = json.loads(r.stdout)["milestones"]
    assert [m["title"] for m in data] == [
        "Kitchen licence granted",
        "First hundred loaves sold",
        "Wholesale deal with two cafés",
        "Second oven installed",
        "Break-even month",
        "Sourdough course launched",
    ]
    assert data[1]["description"] == (
        "A hundred loaves leave the counter in one week, proving people come back."
    )
    assert all(m["legacy"] and m["due"] is None for m in data)


@pytest.mark.parametrize(
    ("fmt", "note"),
    [
        ("mermaid", "%% 13 milestones without a due date are left out of this chart"),
        ("svg", "13 milestones without a due date are left out of this timeline"),
        ("ics", "X-WR-CALDESC:13 milestones without a due date are left out of this calenda"),
    ],
)
def test_pictures_say_how_many_they_leave_out(graph_dir, fmt, note):
    r = CliRunner().invoke(
        main, ["milestones", str(graph_dir), "--today", "2026-05-01", "-q", "--format", fmt]
    )
    assert r.exit_code == 0, r.output
    assert note in r.output
