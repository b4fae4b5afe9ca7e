"""Milestone records: the ``#milestone`` items of a graph with typed fields.

:func:`load_milestones` turns every item of the milestone class into a :class:`Milestone` whose
dates are ``datetime.date``, money is :class:`bmtools.values.Money` and value is a number. A field
that does not parse is left ``None`` and reported as a :class:`bmtools.model.Diagnostic` with the
file and line of the property, so that reports can list the item and leave it out of sums and
schedules instead of failing.

>>> from bmtools.milestones.model import Milestone
>>> Milestone(title="Launch", name="launch", file="pages/a.md", line=3).is_open
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bmtools.items import Item, extract_items
from bmtools.metamodel import ClassSpec, Metamodel, load_metamodel
from bmtools.model import Diagnostic, Graph
from bmtools.names import page_name
from bmtools.values import Money

MILESTONE_CLASS = "milestone"
STATUSES = ("planned", "in progress", "done", "missed")
OPEN_STATUSES = ("planned", "in progress")
CLOSED_STATUSES = ("done", "missed")

# Diagnostic codes: the same codes and names as the lint rules that find the same problems
# (bmtools lint), so that a finding reads the same in both places.
BAD_DATE = ("BM402", "invalid-field-value")
BAD_MONEY = BAD_DATE
BAD_NUMBER = BAD_DATE
BAD_VALUE = BAD_DATE
NO_DUE = ("BM401", "missing-required-field")
UNKNOWN_DEPENDENCY = ("BM405", "unknown-dependency")
DEPENDS_ON_CYCLE = ("BM406", "dependency-cycle")
START_AFTER_DUE = ("BM407", "due-before-start")
LEGACY = ("BM408", "legacy-item")
DUPLICATE_TITLE = ("BM612", "duplicate-milestone-title")


@dataclass(slots=True)
class Milestone:
    """One milestone item. Fields that are missing or do not parse are ``None``."""

    title: str
    name: str  # normalised title, the key other milestones' depends-on:: use
    file: str | None = None
    line: int = 0
    col: int = 1
    page: str = ""  # display title of the page the item is on
    page_name: str = ""
    artifact: str | None = None  # the page's artifact:: (e.g. milestones/info)
    description: str = ""
    owner: str | None = None
    type: str | None = None  # milestone-type, lower case
    status: str | None = None  # lower case; None when not given
    tactic: str | None = None
    strategy: str | None = None  # the tactic page's strategy::
    due: dt.date | None = None
    start: dt.date | None = None
    duration: int | None = None  # days
    budget: Money | None = None
    actual: Money | None = None  # actual-budget::
    value: float | int | None = None
    depends_on: list[str] = field(default_factory=list)  # normalised names
    tasks_done: int = 0
    tasks_total: int = 0
    legacy: bool = False
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def state(self) -> str:
        """The status, ``planned`` when none is given."""
        return self.status or "planned"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATUSES

    @property
    def is_done(self) -> bool:
        return self.state == "done"

    @property
    def page_short(self) -> str:
        """The page title without its namespace (``milestones/examples/Space X`` → ``Space X``)."""
        return self.page.rsplit("/", 1)[-1]

    @property
    def length(self) -> int | None:
        """Planned length in days: due − start, else duration::, else None."""
        if self.start is not None and self.due is not None and self.start <= self.due:
            return (self.due - self.start).days
        return self.duration

    @property
    def planned_start(self) -> dt.date | None:
        if self.start is not None:
            return self.start
        if self.due is not None and self.duration is not None:
            return self.due - dt.timedelta(days=self.duration)
        return None

    def is_overdue(self, today: dt.date) -> bool:
        """Open (planned or in progress) and due before ``today``."""
        return self.is_open and self.due is not None and self.due < today

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.file else self.title

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "description": self.description,
            "page": self.page,
            "file": self.file,
            "line": self.line,
            "artifact": self.artifact,
            "owner": self.owner,
            "type": self.type,
            "status": self.status,
            "tactic": self.tactic,
            "strategy": self.strategy,
            "start": self.start.isoformat() if self.start else None,
            "due": self.due.isoformat() if self.due else None,
            "duration": self.duration,
            "budget": money_dict(self.budget),
            "actual_budget": money_dict(self.actual),
            "value": self.value,
            "depends_on": self.depends_on,
            "tasks": {"done": self.tasks_done, "total": self.tasks_total},
            "legacy": self.legacy,
            "problems": [str(d) for d in self.problems],
        }


def money_dict(m: Money | None) -> dict[str, str] | None:
    return None if m is None else {"amount": str(m.amount), "currency": m.currency}


@dataclass(slots=True)
class MilestoneSet:
    """All milestones of a graph, the legacy (property-less) ones apart, and what was wrong.

    ``milestones`` are the items with fields (what schedules and dependency links work on),
    ``legacy`` the items written in the legacy line form; :attr:`every` is both, in file
    order: what a listing shows (legacy items are items, only unscheduled).
    """

    milestones: list[Milestone] = field(default_factory=list)
    legacy: list[Milestone] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def every(self) -> list[Milestone]:
        """Every milestone item, legacy ones included, in file then line order."""
        return sorted(self.milestones + self.legacy, key=lambda m: (m.file or "", m.line))

    def by_name(self) -> dict[str, Milestone]:
        out: dict[str, Milestone] = {}
        for m in self.milestones:
            out.setdefault(m.name, m)
        return out


def _diag(
    code: tuple[str, str],
    message: str,
    file: str | None,
    line: int,
    col: int = 1,
    severity: str = "warning",
) -> Diagnostic:
    return Diagnostic(code[0], message, file, line, col, severity, code[1])


def _first(names: list[str]) -> str | None:
    return names[0] if names else None


def milestone_from_item(graph: Graph, spec: ClassSpec, item: Item) -> Milestone:
    """A typed milestone from an item; fields that fail to parse become problems."""
    page = item.page
    artifact = page.properties.get("artifact")
    m = Milestone(
        title=item.title,
        name=item.name,
        file=item.file,
        line=item.line,
        col=item.col,
        page=page.title,
        page_name=page.name,
        artifact=_first(artifact.names()) if artifact is not None else None,
        description=item.description,
        legacy=item.legacy,
    )
    if item.legacy:
        m.problems.append(
            _diag(
                LEGACY,
                f"'{item.title}' is a legacy milestone without properties "
                "(no due date, budget or owner); it is listed as unscheduled",
                item.file,
                item.line,
                item.col,
                "info",
            )
        )
        return m
    tasks = item.tasks
    m.tasks_total = len(tasks)
    m.tasks_done = sum(1 for t in tasks if t.marker == "DONE")
    journal_format = graph.config.journal_title_format

    def typed(key: str, code: tuple[str, str], what: str) -> Any:
        prop = item.fields.get(key)
        if prop is None or prop.raw == "":
            return None
        fs = spec.fields.get(key)
        try:
            if fs is None:
                return prop.value
            return fs.parse(prop.value, journal_format)
        except ValueError as exc:
            m.problems.append(
                _diag(
                    code,
                    f"'{item.title}': {key}:: {exc}; {what}",
                    item.file,
                    prop.line,
                    prop.col,
                    "error",
                )
            )
            return None

    m.description = str(item.raw("description") or "")
    m.due = typed("due", BAD_DATE, "left out of schedules")
    m.start = typed("start", BAD_DATE, "start ignored")
    m.budget = typed("budget", BAD_MONEY, "left out of budget sums")
    m.actual = typed("actual-budget", BAD_MONEY, "left out of plan vs actual")
    duration = typed("duration", BAD_NUMBER, "duration ignored")
    if duration is not None:
        if isinstance(duration, int | float) and duration >= 0:
            m.duration = int(round(duration))
        else:
            prop = item.fields["duration"]
            m.problems.append(
                _diag(
                    BAD_NUMBER,
                    f"'{item.title}': duration:: must be a number of days >= 0",
                    item.file,
                    prop.line,
                    prop.col,
                    "error",
                )
            )
    value = typed("value", BAD_NUMBER, "left out of value sorting")
    m.value = value if isinstance(value, int | float) else None
    status = typed("status", BAD_VALUE, "treated as planned")
    m.status = status.lower() if isinstance(status, str) else None
    mtype = typed("milestone-type", BAD_VALUE, "type unknown")
    m.type = mtype.lower() if isinstance(mtype, str) else None
    for key, attr in (("owner", "owner"), ("tactic", "tactic")):
        names = typed(key, BAD_VALUE, f"{key} unknown")
        if isinstance(names, list) and names:
            setattr(m, attr, names[0])
    deps = typed("depends-on", BAD_VALUE, "dependencies ignored")
    if isinstance(deps, list):
        m.depends_on = [graph.resolve_name(d) for d in deps if str(d).strip()]
    if m.tactic:
        tpage = graph.resolve(m.tactic)
        if tpage is not None:
            sprop = tpage.properties.get("strategy")
            if sprop is not None and sprop.names():
                m.strategy = sprop.names()[0]
    if m.due is None and "due" not in item.fields:
        m.problems.append(
            _diag(
                NO_DUE,
                f"'{item.title}' has no due:: date; it is left out of schedules",
                item.file,
                item.line,
                item.col,
            )
        )
    if m.start is not None and m.due is not None and m.start > m.due:
        prop = item.fields["start"]
        m.problems.append(
            _diag(
                START_AFTER_DUE,
                f"'{item.title}': start:: {m.start} is after due:: {m.due}; start ignored",
                item.file,
                prop.line,
                prop.col,
            )
        )
        m.start = None
    return m


def load_milestones(graph: Graph, mm: Metamodel | None = None) -> MilestoneSet:
    """Every item of the milestone class (and its subclasses' aliases) as typed records."""
    mm = mm if mm is not None else load_metamodel(graph)
    spec = mm.classes.get(MILESTONE_CLASS)
    out = MilestoneSet()
    if spec is None:  # pragma: no cover - load_metamodel always adds the built-in class
        return out
    seen: dict[str, Milestone] = {}
    for item in extract_items(graph, mm):
        if item.cls != MILESTONE_CLASS:
            continue
        m = milestone_from_item(graph, spec, item)
        out.diagnostics.extend(m.problems)
        if m.legacy:
            out.legacy.append(m)
            continue
        first = seen.get(m.name)
        if first is not None:
            d = _diag(
                DUPLICATE_TITLE,
                f"'{m.title}' is also a milestone at {first.location()}; depends-on:: "
                "links resolve to the first one",
                m.file,
                m.line,
                m.col,
            )
            m.problems.append(d)
            out.diagnostics.append(d)
        else:
            seen[m.name] = m
        out.milestones.append(m)
    return out


def unscheduled(milestones: Iterable[Milestone]) -> list[Milestone]:
    """The milestones without a due date (legacy ones, and those whose due:: is missing or
    does not parse): they cannot be placed on a time line."""
    return [m for m in milestones if m.due is None]


def left_out_note(count: int, where: str) -> str:
    """What a chart or calendar says about the milestones it cannot place, so that none is
    dropped silently.

    >>> left_out_note(3, "chart")
    '3 milestones without a due date are left out of this chart'
    """
    noun, verb = ("milestone", "is") if count == 1 else ("milestones", "are")
    return f"{count} {noun} without a due date {verb} left out of this {where}"


def matches_name(value: str | None, wanted: str) -> bool:
    """Case-insensitive page-name comparison (``Elon Musk`` matches ``[[elon musk]]``)."""
    return value is not None and page_name(value) == page_name(wanted)
