"""The bundled graph/ is the integration test of the whole toolkit (issue 5)."""

from __future__ import annotations

import datetime as dt
import json

import networkx as nx
import pytest
from click.testing import CliRunner

from bmtools.cli import main
from bmtools.items import extract_items
from bmtools.metamodel import load_metamodel
from tests.conftest import BUNDLED_GRAPH, load

EXAMPLES = [
    "Space X",
    "vein visualizer",
    "extinguished animals meat",
    "Exotic Pet Rental",
    "Underwater restaurant",
]
TOOLS = [
    "Business Model Canvas",
    "OKR (Objectives and Key Results)",
    "Gantt Chart",
    "Critical Path Method (CPM)",
    "Balanced Scorecard",
    "Lean Startup Methodology",
]
FIELDS = {
    "description",
    "due",
    "start",
    "budget",
    "owner",
    "milestone-type",
    "tactic",
    "status",
    "value",
}


@pytest.fixture(scope="module")
def graph():
    return load(BUNDLED_GRAPH)


def test_lint_render_and_graphml_all_pass(tmp_path):
    runner = CliRunner()
    lint = runner.invoke(main, ["lint", str(BUNDLED_GRAPH), "--no-cache", "--format", "json"])
    assert lint.exit_code == 0, lint.output
    assert "error" not in {d["severity"] for d in json.loads(lint.output)}
    render = runner.invoke(main, ["render", str(BUNDLED_GRAPH), "--check"])
    assert (render.exit_code, render.output.strip()) == (0, "5 pages up to date")
    out = tmp_path / "g.graphml"
    exported = runner.invoke(
        main, ["graph", str(BUNDLED_GRAPH), "--format", "graphml", "-o", str(out)]
    )
    assert exported.exit_code == 0
    assert nx.read_graphml(out).number_of_nodes() > 100


def test_artifact_page_and_its_neighbours(graph):
    info = graph.resolve("milestones/info")
    assert info.prop("icon") == "🧿"
    assert info.prop("item-classes") == ["milestone"]
    embeds = {r.target for b in info.blocks for r in b.refs if r.kind == "page-embed"}
    assert {f"milestones/examples/{e.lower()}" for e in EXAMPLES} <= embeds
    for tool in TOOLS:
        assert graph.resolve(tool).prop("page-type") == ["tool"], tool
    for kind in ("plan review", "assumptions validation", "implementation"):
        assert graph.resolve(kind) is not None
    assert graph.resolve("milestone").prop("page-type") == ["class"]


def test_five_examples_with_complete_milestones(graph):
    items = extract_items(graph, load_metamodel(graph))
    for example in EXAMPLES:
        page = graph.resolve(f"milestones/examples/{example}")
        mine = [i for i in items if i.page is page]
        assert 6 <= len(mine) <= 10, example
        for item in mine:
            assert FIELDS <= set(item.fields), (item.title, FIELDS - set(item.fields))
            assert item.tasks, item.title
    statuses = {i.raw("status") for i in items if not i.legacy}
    assert statuses == {"planned", "in progress", "done", "missed"}
    assert sum(1 for i in items if "depends-on" in i.fields) >= 10


def test_monthly_plan_reviews_fall_on_second_fridays(graph):
    items = extract_items(graph, load_metamodel(graph))
    reviews = [i for i in items if i.raw("milestone-type") == ["plan review"]]
    assert len(reviews) >= 6
    for item in reviews:
        day = dt.date.fromisoformat(item.raw("due"))
        assert day.weekday() == 4 and 8 <= day.day <= 14, item.title


def test_legacy_items_are_shown(graph):
    items = extract_items(graph, load_metamodel(graph))
    legacy = [i for i in items if i.legacy]
    assert len(legacy) == 4 and len({i.line for i in legacy}) == 4
