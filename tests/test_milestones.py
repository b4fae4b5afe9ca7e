"""Milestones library: typed records, filters, budget, plan review, CPM (tmp graphs + bundled)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from bmtools import load_graph
from bmtools.codes import CATALOGUE
from bmtools.lint import Settings, lint_graph
from bmtools.milestones import (
    Filters,
    ReviewRule,
    agenda,
    budget_report,
    critical_path,
    filter_milestones,
    find_review_rule,
    load_milestones,
    overdue,
    sort_milestones,
    totals,
)
from bmtools.milestones.schedule import due_soon, horizon_end, parse_within
from bmtools.values import Money

BUNDLED = Path(__file__).resolve().parent.parent / "graph"
TODAY = dt.date(2026, 11, 22)


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def ms_block(title: str, **fields: str) -> str:
    lines = [f"- [[{title}]] #milestone"]
    lines += [f"  {k.replace('_', '-')}:: {v}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def bundled():
    return load_milestones(load_graph(BUNDLED))


# --- bundled graph facts -------------------------------------------------------------------


def test_bundled_counts(bundled):
    ms = bundled.milestones
    assert len(ms) == 46
    assert len(bundled.legacy) == 4
    states = {
        s: sum(1 for m in ms if m.state == s) for s in ("done", "in progress", "planned", "missed")
    }
    assert states == {"done": 23, "in progress": 8, "planned": 13, "missed": 2}
    assert all(m.due is not None and m.budget is not None for m in ms)
    assert sum(1 for m in ms if m.actual is not None) == 17
    assert {m.budget.currency for m in ms} == {"USD", "EUR", "GBP"}
    assert all(d.code == "BM408" for d in bundled.diagnostics)  # only the legacy items


def test_bundled_overdue(bundled):
    titles = [m.title for m in overdue(bundled.milestones, TODAY)]
    assert sorted(titles) == sorted(
        [
            "Climate-controlled transport van fitted",
            "Concrete hull towed and sunk in place",
            "ISO 13485 quality system certified",
            "Serum-free medium below 1 USD per litre",
        ]
    )
    assert titles[0] == "Climate-controlled transport van fitted"  # most overdue first
    assert all(m.state == "in progress" for m in overdue(bundled.milestones, TODAY))


def test_bundled_filters_and_sort(bundled):
    ms = bundled.milestones
    lucia = filter_milestones(ms, Filters(owners=["lucía ferrer"]), TODAY)
    assert len(lucia) == 7 and {m.owner for m in lucia} == {"Lucía Ferrer"}
    reviews = filter_milestones(ms, Filters(types=["plan review"]), TODAY)
    assert len(reviews) == 9 and all(m.type == "plan review" for m in reviews)
    spacex = filter_milestones(ms, Filters(artifacts=["Space X"]), TODAY)
    assert len(spacex) == 9
    assert len(filter_milestones(ms, Filters(artifacts=["milestones/info"]), TODAY)) == 46
    reuse = filter_milestones(ms, Filters(tactics=["Reusable launch vehicles"]), TODAY)
    assert [m.title for m in reuse] == ["First Falcon 9 booster landing", "Orbital booster reflown"]
    done = filter_milestones(ms, Filters(statuses=["done"], owners=["Elon Musk"]), TODAY)
    assert [m.title for m in done] == ["Falcon 1 reaches orbit", "First Falcon 9 booster landing"]
    soon = sort_milestones(filter_milestones(ms, Filters(due_within="30d"), TODAY))
    assert [m.due.isoformat() for m in soon] == ["2026-12-11"] * 3 + ["2026-12-18", "2026-12-19"]
    assert filter_milestones(ms, Filters(due_within="2w"), TODAY) == []
    by_due = sort_milestones(ms, "due")
    assert [m.due for m in by_due] == sorted(m.due for m in ms)
    by_value = sort_milestones(ms, "value")
    assert [m.value for m in by_value] == sorted((m.value for m in ms), reverse=True)
    by_budget = sort_milestones(ms, "budget")
    for cur in ("EUR", "GBP", "USD"):
        amounts = [m.budget.amount for m in by_budget if m.budget.currency == cur]
        assert amounts == sorted(amounts, reverse=True)
    assert [m.budget.currency for m in by_budget] == sorted(m.budget.currency for m in ms)


def test_due_soon_and_periods(bundled):
    assert parse_within("30d") == (30, "d") and parse_within("6w") == (6, "w")
    assert parse_within("3m") == (3, "m") and parse_within("10") == (10, "d")
    with pytest.raises(ValueError):
        parse_within("soon")
    assert horizon_end(TODAY, "1m") == dt.date(2026, 12, 22)
    assert [m.title for m in due_soon(bundled.milestones, TODAY, "20d")] == [
        "Exotic Pet Rental plan review December 2026",
        "Underwater restaurant plan review December 2026",
        "Vein visualizer plan review December 2026",
    ]


def test_bundled_budget_never_mixes_currencies(bundled):
    ms = bundled.milestones
    t = totals(ms)
    assert set(t) == {"USD", "EUR", "GBP"}
    for cur in t:
        assert t[cur] == sum(m.budget.amount for m in ms if m.budget.currency == cur)
    rep = budget_report(ms)
    assert set(rep.total.lines) == {"USD", "EUR", "GBP"}
    assert rep.total.lines["GBP"].budget == Decimal("115750")
    assert rep.total.lines["GBP"].actual == Decimal("26530")
    assert len(rep.plan_vs_actual) == 17
    # Ravi Menon owns EUR and USD milestones: two separate lines, never one sum
    ravi = next(g for g in rep.groups["owner"] if g.key == "Ravi Menon")
    assert set(ravi.lines) == {"EUR", "USD"}
    assert ravi.lines["EUR"].budget == Decimal("320000")
    assert ravi.lines["USD"].budget == Decimal("630000")
    merlin = next(p for p in rep.plan_vs_actual if p.milestone.title == "Merlin engine qualified")
    assert merlin.variance == Decimal("4500000") and round(merlin.variance_pct, 1) == 15.0
    pages = {g.key for g in rep.groups["page"]}
    assert pages == {
        "Space X",
        "Exotic Pet Rental",
        "Underwater restaurant",
        "extinguished animals meat",
        "vein visualizer",
    }


def test_bundled_review_agenda(bundled):
    rule = ReviewRule()
    assert rule.text == "FREQ=MONTHLY;BYDAY=+2FR"
    assert rule.next(TODAY) == dt.date(2026, 12, 11)
    assert rule.last(TODAY) == dt.date(2026, 11, 13)
    assert rule.between(dt.date(2026, 10, 1), dt.date(2026, 12, 31)) == [
        dt.date(2026, 10, 9),
        dt.date(2026, 11, 13),
        dt.date(2026, 12, 11),
    ]
    a = agenda(bundled.milestones, TODAY, rule)
    assert a.next_review == dt.date(2026, 12, 11)
    assert [m.title for m in a.coming_due] == [
        "Exotic Pet Rental plan review December 2026",
        "Underwater restaurant plan review December 2026",
        "Vein visualizer plan review December 2026",
    ]
    assert a.reviews == a.coming_due
    assert a.recently_due == []
    assert sorted(m.title for m in a.still_overdue) == sorted(
        m.title for m in overdue(bundled.milestones, TODAY)
    )
    assert [m.title for m in a.done_since] == [
        "Exotic Pet Rental plan review November 2026",
        "Underwater restaurant plan review November 2026",
        "Vein visualizer plan review November 2026",
    ]


def test_review_rule_sources(tmp_path):
    root = write(tmp_path / "g", {"pages/a.md": "- x\n"})
    rule, diags = find_review_rule(load_graph(root))
    assert (rule.source, diags) == ("default", [])
    (root / "bmtools.toml").write_text(
        '[tool.bmtools.milestones]\nreview-rrule = "FREQ=MONTHLY;BYDAY=-1FR"\n'
    )
    rule, _ = find_review_rule(load_graph(root))
    assert rule.source == "bmtools.toml" and rule.next(TODAY) == dt.date(2026, 11, 27)
    (root / "bmtools.toml").unlink()
    write(root, {"pages/cadence.md": "review-rrule:: FREQ=WEEKLY;BYDAY=MO\n\n- weekly\n"})
    rule, _ = find_review_rule(load_graph(root))
    assert rule.source == "pages/cadence.md" and rule.next(TODAY) == dt.date(2026, 11, 23)
    rule, _ = find_review_rule(load_graph(root), "FREQ=MONTHLY;BYMONTHDAY=1")
    assert rule.next(TODAY) == dt.date(2026, 12, 1)
    write(root, {"pages/cadence.md": "review-rrule:: FREQ=FORTNIGHTLY\n\n- bad\n"})
    rule, diags = find_review_rule(load_graph(root))
    assert rule.source == "default"
    assert diags[0].code == "BM620" and diags[0].file == "pages/cadence.md"


# --- CPM -------------------------------------------------------------------------------------


def network(tmp_path: Path) -> Path:
    """A hand-computed network (days): A 3; B 2 after A; C 4 after A; D 1 after B and C;
    E 2, independent, starts on day 1.

        ES/EF/LS/LF/float: A 0/3/0/3/0  B 3/5/5/7/2  C 3/7/3/7/0  D 7/8/7/8/0  E 1/3/6/8/5
    """
    text = (
        ms_block("A", due="2026-01-04", start="2026-01-01")
        + ms_block("B", due="2026-01-08", duration="2", depends_on="[[A]]")
        + ms_block("C", due="2026-01-08", duration="4", depends_on="[[A]]")
        + ms_block("D", due="2026-01-09", duration="1", depends_on="[[B]], [[C]]")
        + ms_block("E", due="2026-01-04", start="2026-01-02")
    )
    return write(tmp_path / "net", {"pages/plan.md": text})


def test_cpm_hand_computed(tmp_path):
    mset = load_milestones(load_graph(network(tmp_path)))
    r = critical_path(mset.milestones)
    got = {t.milestone.title: (t.es, t.ef, t.ls, t.lf, t.total_float) for t in r.tasks}
    assert got == {
        "A": (0, 3, 0, 3, 0),
        "B": (3, 5, 5, 7, 2),
        "C": (3, 7, 3, 7, 0),
        "D": (7, 8, 7, 8, 0),
        "E": (1, 3, 6, 8, 5),
    }
    assert [t.milestone.title for t in r.paths[1]] == ["A", "C", "D"]
    assert r.finish == {1: 8}
    assert r.critical_names == {"a", "c", "d"}
    d = r.task("d")
    assert d.date(d.ef) == dt.date(2026, 1, 9) and d.late_by == 0
    assert r.diagnostics == []


def test_cpm_bundled_spacex(bundled):
    r = critical_path(bundled.milestones)
    spacex = next(p for p in r.paths.values() if p[0].milestone.page_short == "Space X")
    assert [t.milestone.title for t in spacex] == [
        "Merlin engine qualified",
        "Falcon 9 maiden flight",
        "First Falcon 9 booster landing",
        "Orbital booster reflown",
    ]
    assert all(t.total_float == 0 for t in spacex)
    dragon = r.task("dragon berths with the iss")
    assert (dragon.es, dragon.ef, dragon.total_float) == (1746, 2464, 450)
    assert len(r.paths) == 5 and r.diagnostics == []


def test_cycle_diagnostic(tmp_path):
    text = (
        ms_block("P", due="2026-02-01", duration="3", depends_on="[[R]]")
        + ms_block("Q", due="2026-02-05", duration="2", depends_on="[[P]]")
        + ms_block("R", due="2026-02-09", duration="2", depends_on="[[Q]]")
        + ms_block("S", due="2026-02-12", duration="1", depends_on="[[Ghost]]")
    )
    root = write(tmp_path / "cyc", {"pages/loop.md": text})
    mset = load_milestones(load_graph(root))
    r = critical_path(mset.milestones)
    assert r.diagnostics == []  # the item rules found these, once (lint's BM405, BM406)
    codes = [(d.code, d.name, d.file, d.line) for d in mset.diagnostics if d.code != "BM401"]
    assert codes == [
        ("BM406", "dependency-cycle", "pages/loop.md", 4),
        ("BM405", "unknown-dependency", "pages/loop.md", 16),
    ]
    cyc = next(d for d in mset.diagnostics if d.code == "BM406")
    assert cyc.severity == "error" and "P → R → Q → P" in cyc.message  # P depends on R ...
    assert [t.milestone.title for t in r.tasks] == ["S"]  # cycle members left out


# --- bad input -------------------------------------------------------------------------------


def test_bad_dates_and_amounts(tmp_path):
    text = (
        ms_block("Good", due="2026-12-01", budget="1,000 EUR", owner="[[Ann]]", status="planned")
        + ms_block("Bad date", due="sometime in spring", budget="500 EUR", status="planned")
        + ms_block(
            "Bad money",
            due="2026-11-01",
            budget="lots",
            actual_budget="12 parrots",
            status="in progress",
        )
        + ms_block("No due", budget="7 USD")
        + ms_block("Upside down", due="2026-01-01", start="2026-03-01", budget="1 GBP")
        + "- #milestone [[Old style]]\n  Written before properties.\n"
    )
    root = write(tmp_path / "bad", {"pages/bad.md": text})
    mset = load_milestones(load_graph(root))
    by = {m.title: m for m in mset.milestones}
    assert set(by) == {"Good", "Bad date", "Bad money", "No due", "Upside down"}
    assert [m.title for m in mset.legacy] == ["Old style"]
    assert by["Bad date"].due is None and by["Bad date"].budget is not None
    assert by["Bad money"].budget is None and by["Bad money"].actual is None
    found = {(d.code, d.line) for d in mset.diagnostics}
    assert found == {
        ("BM402", 7),  # due:: sometime in spring
        ("BM402", 12),  # budget:: lots
        ("BM402", 13),  # actual-budget:: 12 parrots
        ("BM407", 18),  # due:: before start::
        # no description::, owner:: or milestone-type:: (and no due:: on line 15)
        *(("BM401", line) for line in (1, 6, 10, 15, 17)),
    }  # one legacy item alone in its block is a catalogue line: not reported
    msg = next(d.message for d in mset.diagnostics if d.line == 7)
    assert "Bad date" in msg and "sometime in spring" in msg
    no_due = next(d.message for d in mset.diagnostics if d.line == 15)
    assert "'No due' has no" in no_due and "due:: (date, required)" in no_due
    # the item rules of bmtools lint, with the catalogue's names and severities
    assert mset.diagnostics == lint_graph(load_graph(root), Settings(select=["BM4"]))
    assert {(d.name, d.severity) for d in mset.diagnostics} == {
        (CATALOGUE[c].name, CATALOGUE[c].severity) for c in ("BM401", "BM402", "BM407")
    }
    assert [d.line for d in by["Bad money"].problems] == [10, 12, 13]
    assert by["Upside down"].start is None  # after its due date: ignored
    assert totals(mset.milestones) == {"EUR": Decimal(1500), "USD": Decimal(7), "GBP": Decimal(1)}
    # no status:: counts as planned, so a past due date makes it overdue
    assert [m.title for m in overdue(mset.milestones, TODAY)] == ["Upside down", "Bad money"]
    r = critical_path(mset.milestones)
    assert {t.milestone.title for t in r.tasks} == {"Good", "Bad money", "Upside down"}
    assert budget_report(mset.milestones).unbudgeted == [by["Bad money"]]


def test_dependency_on_unscheduled_milestone(tmp_path):
    text = ms_block("Undated", due="next spring", duration="3") + ms_block(
        "After it", due="2026-03-01", duration="2", depends_on="[[Undated]]"
    )
    root = write(tmp_path / "undated", {"pages/p.md": text})
    r = critical_path(load_milestones(load_graph(root)).milestones)
    assert [t.milestone.title for t in r.tasks] == ["After it"]
    (d,) = r.diagnostics
    assert (d.code, d.name, d.file, d.line) == ("BM613", "dependency-unscheduled", "pages/p.md", 4)
    assert "no valid due date" in d.message and d.severity == CATALOGUE["BM613"].severity


def test_empty_graph_outputs(tmp_path):
    from bmtools.milestones.formats.ics import generate_ics
    from bmtools.milestones.formats.mermaid import generate_mermaid
    from bmtools.milestones.formats.svg import generate_svg

    assert generate_mermaid([]).startswith("gantt\n")
    assert b"BEGIN:VCALENDAR" in generate_ics([], TODAY, ReviewRule())
    assert generate_svg([], TODAY).lstrip().startswith(b"<?xml")
    assert critical_path([]).tasks == []
    assert agenda([], TODAY).coming_due == []


@pytest.mark.parametrize(
    "module",
    ["model", "schedule", "budget", "review", "cpm", "formats.table", "formats.mermaid"],
)
def test_docstring_examples(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"bmtools.milestones.{module}")
    result = doctest.testmod(mod)
    assert result.attempted > 0 and result.failed == 0


def test_every_field_of_the_builtin_class_is_a_typed_attribute(tmp_path):
    from bmtools.metamodel import BUILTIN_MILESTONE
    from bmtools.milestones.model import attribute

    text = ms_block(
        "Full",
        description="All of it.",
        due="2026-06-30",
        budget="1,000 EUR",
        owner="[[Ann]]",
        milestone_type="Implementation",
        tactic="[[Growth]]",
        status="In progress",
        value="7",
        depends_on="[[Base]]",
        start="2026-06-01",
        actual_budget="900 EUR",
        duration="29",
    ) + ms_block("Base", due="2026-05-01")
    root = write(tmp_path / "full", {"pages/full.md": text})
    m = load_milestones(load_graph(root)).by_name()["full"]
    got = {name: getattr(m, attribute(name)) for name in BUILTIN_MILESTONE.own_fields}
    assert got == {
        "description": "All of it.",
        "due": dt.date(2026, 6, 30),
        "budget": Money(Decimal(1000), "EUR"),
        "owner": "Ann",
        "milestone-type": "implementation",
        "tactic": "Growth",
        "status": "in progress",
        "value": 7,
        "depends-on": ["base"],
        "start": dt.date(2026, 6, 1),
        "actual-budget": Money(Decimal(900), "EUR"),
        "duration": 29,
    }


def test_bmtools_ignore_silences_an_item_finding_here_as_in_lint(tmp_path):
    text = ms_block("Quiet", due="2026-06-30") + "  bmtools-ignore:: BM401, BM612\n"
    text += ms_block("Loud", due="2026-06-30", duration="-2")
    text += ms_block("Quiet", due="2026-07-30") + "  bmtools-ignore:: BM4\n"  # a second Quiet
    text += ms_block("Loud", due="2026-07-30")
    root = write(tmp_path / "quiet", {"pages/q.md": text})
    mset = load_milestones(load_graph(root))
    got = [(d.code, d.name, d.severity, d.line) for d in mset.diagnostics]
    assert got == [
        ("BM401", "missing-required-field", "error", 4),
        ("BM402", "invalid-field-value", "error", 6),  # duration:: -2
        ("BM612", "duplicate-milestone-title", "warning", 7),
        ("BM401", "missing-required-field", "error", 10),
        ("BM612", "duplicate-milestone-title", "warning", 10),
    ]
    first, second = (m for m in mset.milestones if m.name == "quiet")
    assert first.problems == [] and [d.code for d in second.problems] == ["BM612"]
