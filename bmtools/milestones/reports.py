"""The reports of ``bmtools milestones``: each one computes data, never text.

A report is a function of a :class:`Request` (the filtered milestones, today, the horizon,
the review rule) returning an object that can say what it holds in the three shapes every
format needs: a JSON document, CSV rows, and a table for the terminal. The formats
(:data:`bmtools.milestones.formats.FORMATS`) turn any report into output, so a new report
works in every format and a new format with every report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bmtools.milestones.budget import BudgetReport, budget_report
from bmtools.milestones.cpm import CpmResult, critical_path
from bmtools.milestones.formats import data as fdata
from bmtools.milestones.formats import text as ftext
from bmtools.milestones.formats.text import Styler
from bmtools.milestones.model import Milestone, MilestoneSet
from bmtools.milestones.review import Agenda, ReviewRule, agenda
from bmtools.milestones.schedule import (
    DEFAULT_HORIZON,
    Filters,
    due_soon,
    filter_milestones,
    horizon_end,
    overdue,
)
from bmtools.model import Graph
from bmtools.names import page_name


@dataclass(slots=True)
class Request:
    """What every report may use: the chosen milestones (filtered, sorted) and the set they
    were chosen from (the critical path is computed on its scheduled items)."""

    milestones: list[Milestone]
    mset: MilestoneSet
    today: dt.date
    rule: ReviewRule | None = None
    horizon: str = DEFAULT_HORIZON


@dataclass(slots=True)
class MilestoneList:
    """``list``, ``overdue`` and ``due-soon``: milestones, in order."""

    name: str
    today: dt.date
    milestones: list[Milestone]
    end: dt.date | None = None  # due-soon: the last day of the horizon

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"today": self.today.isoformat()}
        if self.name != "list":
            doc["report"] = self.name
        doc["milestones"] = [m.to_dict() for m in self.milestones]
        return doc

    def records(self) -> tuple[list[dict[str, Any]], list[str] | None]:
        return [fdata.milestone_record(m) for m in self.milestones], fdata.CSV_FIELDS

    def table(self, width: int | None, style: Styler) -> str:
        if self.name == "overdue":
            return ftext.overdue_text(self.milestones, self.today, width, style)
        if self.name == "due-soon":
            assert self.end is not None
            return ftext.due_soon_text(self.milestones, self.today, self.end, width, style)
        return ftext.list_text(self.milestones, self.today, width, style)


def _budget_rows(rep: BudgetReport) -> tuple[list[dict[str, Any]], list[str] | None]:
    rows = [
        {"group": name, "key": g.key, **g.lines[c].to_dict()}
        for name, groups in [("total", [rep.total]), *rep.groups.items()]
        for g in groups
        for c in sorted(g.lines)
    ]
    return rows, None


REVIEW_SECTIONS = (
    ("coming_due", "coming_due"),
    ("recently_due", "recently_due"),
    ("still_overdue", "still_overdue"),
    ("done_since_last_review", "done_since"),
)


def _review_rows(agenda: Agenda) -> tuple[list[dict[str, Any]], list[str] | None]:
    rows = [
        {"section": section, **fdata.milestone_record(m)}
        for section, attr in REVIEW_SECTIONS
        for m in getattr(agenda, attr)
    ]
    return rows, ["section", *fdata.CSV_FIELDS]


def _cpm_rows(result: CpmResult) -> tuple[list[dict[str, Any]], list[str] | None]:
    return [t.to_dict() for t in result.tasks], None


@dataclass(slots=True)
class Computed:
    """``budget``, ``review`` and ``critical-path``: one object computed from the chosen
    milestones (a :class:`BudgetReport`, an :class:`Agenda`, a :class:`CpmResult`). Its JSON
    document is the object's ``to_dict()``; ``rows`` makes its CSV rows and ``text`` its
    table."""

    name: str
    today: dt.date
    milestones: list[Milestone]
    data: Any
    rows: Callable[[Any], tuple[list[dict[str, Any]], list[str] | None]]
    text: Callable[[Any, int | None, Styler], str]

    def document(self) -> dict[str, Any]:
        return self.data.to_dict()

    def records(self) -> tuple[list[dict[str, Any]], list[str] | None]:
        return self.rows(self.data)

    def table(self, width: int | None, style: Styler) -> str:
        return self.text(self.data, width, style)


Report = MilestoneList | Computed


def list_report(r: Request) -> MilestoneList:
    return MilestoneList("list", r.today, r.milestones)


def overdue_report(r: Request) -> MilestoneList:
    return MilestoneList("overdue", r.today, overdue(r.milestones, r.today))


def due_soon_report(r: Request) -> MilestoneList:
    chosen = due_soon(r.milestones, r.today, r.horizon)
    return MilestoneList("due-soon", r.today, chosen, horizon_end(r.today, r.horizon))


def budget(r: Request) -> Computed:
    data = budget_report(r.milestones)
    return Computed("budget", r.today, r.milestones, data, _budget_rows, ftext.budget_text)


def review(r: Request) -> Computed:
    data = agenda(r.milestones, r.today, r.rule)
    return Computed("review", r.today, r.milestones, data, _review_rows, ftext.review_text)


def critical_path_report(r: Request) -> Computed:
    keep = {m.name for m in r.milestones}
    data = critical_path([m for m in r.mset.milestones if m.name in keep])
    return Computed("critical-path", r.today, r.milestones, data, _cpm_rows, ftext.cpm_text)


REPORTS: dict[str, Callable[[Request], Report]] = {
    "list": list_report,
    "overdue": overdue_report,
    "due-soon": due_soon_report,
    "budget": budget,
    "review": review,
    "critical-path": critical_path_report,
}


def unknown_artifacts(
    graph: Graph, mset: MilestoneSet, wanted: list[str], today: dt.date
) -> list[str]:
    """The ``--artifact`` values that name nothing: no milestone matches them, and the graph
    has no page, alias or namespace of that name. A page without milestones is no mistake
    (its list is empty); a typo is, and an empty list would hide it."""
    unknown = []
    for name in wanted:
        if filter_milestones(mset.every, Filters(artifacts=[name]), today):
            continue
        key = page_name(name).rstrip("/")
        if graph.resolve(name) is not None or any(p.startswith(key + "/") for p in graph.pages):
            continue
        unknown.append(name)
    return unknown


def artifact_names(mset: MilestoneSet) -> list[str]:
    """The artifacts milestones belong to (their pages' ``artifact::``, else the page's
    namespace root), for the hint after an unknown ``--artifact``."""
    names = set()
    for m in mset.every:
        name = m.artifact or m.page_name.split("/")[0]
        names.add(name.removesuffix("/info"))
    return sorted(names, key=str.lower)
