"""Milestone records: the ``#milestone`` items of a graph with typed fields.

:func:`load_milestones` turns every item of the milestone class into a :class:`Milestone` whose
dates are ``datetime.date``, money is :class:`bmtools.values.Money` and value is a number. A field
that does not parse is left ``None``, so that reports can list the item and leave it out of sums
and schedules instead of failing; what is wrong with the items is what ``bmtools lint``'s item
rules find (the same codes, names, severities and messages), with the file and line of the
property.

>>> from bmtools.milestones.model import Milestone
>>> Milestone(title="Launch", name="launch", file="pages/a.md", line=3).is_open
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, make_dataclass
from typing import TYPE_CHECKING, Any

from bmtools.codes import finding
from bmtools.items import Item, extract_items
from bmtools.metamodel import BUILTIN_MILESTONE, ClassSpec, FieldSpec, Metamodel, load_metamodel
from bmtools.model import Diagnostic, Graph
from bmtools.names import page_name
from bmtools.values import Money

if TYPE_CHECKING:
    from bmtools.lint.settings import Settings

MILESTONE_CLASS = BUILTIN_MILESTONE.name
STATUSES = tuple(BUILTIN_MILESTONE.own_fields["status"].options or ())
OPEN_STATUSES = ("planned", "in progress")
CLOSED_STATUSES = ("done", "missed")
DUPLICATE_TITLE = "BM612"  # bmtools.codes; the item rules' codes are lint's (item_findings)

# Each field of the built-in milestone class is an attribute of Milestone, typed by its kind:
# ``milestone-type`` is ``type`` and ``actual-budget`` is ``actual``, the others are the field
# name with ``_`` for ``-``.
SHORT_NAMES = {"milestone-type": "type", "actual-budget": "actual"}
_KIND_TYPES: dict[str, Any] = {
    "date": dt.date | None,
    "money": Money | None,
    "number": float | int | None,
    "boolean": bool | None,
    "text": str,
    "url": str | None,
    "select": str | None,  # lower case
    "page": str | None,  # the first name (a list of names for a ``many`` field)
    "person": str | None,
}


def attribute(field_name: str) -> str:
    """The Milestone attribute holding a field of the milestone class."""
    return SHORT_NAMES.get(field_name, field_name.replace("-", "_"))


def _field_attributes() -> list[tuple[str, Any, Any]]:
    out: list[tuple[str, Any, Any]] = []
    for fs in BUILTIN_MILESTONE.own_fields.values():
        if fs.is_many:
            out.append((attribute(fs.name), list[str], field(default_factory=list)))
        elif fs.kind == "text":
            out.append((attribute(fs.name), str, field(default="")))
        else:
            out.append((attribute(fs.name), _KIND_TYPES[fs.kind], field(default=None)))
    return out


class _MilestoneMethods:
    """What a Milestone computes from its fields (the fields: see :data:`Milestone`)."""

    __slots__ = ()

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


Milestone = make_dataclass(
    "Milestone",
    [
        ("title", str),
        ("name", str),  # normalised title, the key other milestones' depends-on:: use
        ("file", str | None, field(default=None)),
        ("line", int, field(default=0)),
        ("col", int, field(default=1)),
        ("page", str, field(default="")),  # display title of the page the item is on
        ("page_name", str, field(default="")),
        ("artifact", str | None, field(default=None)),  # the page's artifact:: (milestones/info)
        *_field_attributes(),  # description, due, budget, owner, type, ... (the built-in class)
        ("strategy", str | None, field(default=None)),  # the tactic page's strategy::
        ("tasks_done", int, field(default=0)),
        ("tasks_total", int, field(default=0)),
        ("legacy", bool, field(default=False)),
        ("problems", list[Diagnostic], field(default_factory=list)),
    ],
    bases=(_MilestoneMethods,),
    namespace={
        "__module__": __name__,
        "__doc__": "One milestone item: the fields of the built-in milestone class "
        "(bmtools.metamodel.BUILTIN_MILESTONE), typed, and where the item is. Fields that are "
        "missing or do not parse are ``None`` (the item rules report them: ``problems``).",
    },
    slots=True,
)


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


def _typed(graph: Graph, fs: FieldSpec, value: Any) -> Any:
    """A parsed value as the attribute of its kind holds it (see :data:`_KIND_TYPES`)."""
    kind = fs.kind
    if fs.is_many and kind in ("page", "person"):
        names = value if isinstance(value, list) else []
        return [graph.resolve_name(d) for d in names if str(d).strip()]
    if kind in ("page", "person"):
        return value[0] if isinstance(value, list) and value else None
    if kind == "select":
        return value.lower() if isinstance(value, str) else None
    if kind == "number":
        return value if isinstance(value, int | float) else None
    return value


def milestone_from_item(graph: Graph, spec: ClassSpec, item: Item) -> Milestone:
    """A typed milestone from an item. A field that is missing or does not parse is left
    ``None``: the item rules report it (:func:`load_milestones`), so it is not checked here."""
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
        return m
    tasks = item.tasks
    m.tasks_total = len(tasks)
    m.tasks_done = sum(1 for t in tasks if t.marker == "DONE")
    journal_format = graph.config.journal_title_format
    for name, builtin in BUILTIN_MILESTONE.own_fields.items():
        prop = item.fields.get(name)
        if prop is None or prop.raw == "":
            continue
        fs = spec.fields.get(name, builtin)
        try:
            value = fs.parse(prop.value, journal_format)
        except ValueError:
            continue  # BM402/BM403 (the item rules)
        setattr(m, attribute(name), _typed(graph, builtin, value))
    if m.duration is not None:
        from bmtools.lint.itemfields import item_label

        if m.duration >= 0:
            m.duration = int(round(m.duration))
        else:
            prop = item.fields["duration"]
            m.problems.append(
                finding(
                    "BM402",
                    f"{item_label(item)}: duration:: {m.duration} is not a number of days >= 0",
                    item.file,
                    prop.line,
                    prop.col,
                )
            )
            m.duration = None
    if m.tactic:
        tpage = graph.resolve(m.tactic)
        if tpage is not None:
            sprop = tpage.properties.get("strategy")
            if sprop is not None and sprop.names():
                m.strategy = sprop.names()[0]
    if m.start is not None and m.due is not None and m.start > m.due:
        m.start = None  # BM407 (the item rules)
    return m


def _first(names: list[str]) -> str | None:
    return names[0] if names else None


def load_milestones(
    graph: Graph, mm: Metamodel | None = None, settings: Settings | None = None
) -> MilestoneSet:
    """Every item of the milestone class as typed records, with what the item rules (lint's
    BM4xx, :func:`bmtools.lint.itemfields.item_findings`) find on them and this module's own
    findings (BM612, a negative duration), each also in the ``problems`` of the milestone it
    is about; ``bmtools-ignore::`` silences them as it does in lint, and ``settings`` (the
    graph's lint settings) select them and set their severity as they do in lint."""
    from bmtools.lint.itemfields import item_findings  # the lint package: only when loading

    mm = mm if mm is not None else load_metamodel(graph)
    spec = mm.classes.get(MILESTONE_CLASS)
    out = MilestoneSet()
    if spec is None:  # pragma: no cover - load_metamodel always adds the built-in class
        return out
    # where findings about an item can be: its line and its fields' lines; the first line of
    # a block of legacy items, for all of them (BM408 is about the block)
    at: dict[tuple[str | None, int], list[Milestone]] = {}
    blocks: dict[int, tuple[str | None, int]] = {}  # legacy block -> its first item's place
    found: list[Diagnostic] = []
    items = extract_items(graph, mm)
    for item in items:
        if item.cls != MILESTONE_CLASS:
            continue
        m = milestone_from_item(graph, spec, item)
        found.extend(m.problems)  # attached again below, unless bmtools-ignore:: silences them
        m.problems.clear()
        at.setdefault((m.file, m.line), []).append(m)
        for prop in item.fields.values():
            at.setdefault((m.file, prop.line), [m])
        if m.legacy:
            head = blocks.setdefault(id(item.block), (m.file, m.line))
            if head != (m.file, m.line):
                at[head].append(m)
            out.legacy.append(m)
            continue
        out.milestones.append(m)
    found.extend(duplicate_titles(out.milestones))
    out.diagnostics = item_findings(graph, (MILESTONE_CLASS,), mm, items, found)
    if settings is not None:
        out.diagnostics = settings.apply(out.diagnostics)
    for d in out.diagnostics:
        for m in at.get((d.file, d.line), ()):
            m.problems.append(d)
    return out


def milestone_records(graph: Graph, mm: Metamodel, items: Iterable[Item]) -> list[Milestone]:
    """The milestones (not the legacy ones) of ``items``, in order, without the findings
    :func:`load_milestones` adds: what lint's milestone rules (BM612, BM613) look at."""
    spec = mm.classes.get(MILESTONE_CLASS)
    if spec is None:  # pragma: no cover - load_metamodel always adds the built-in class
        return []
    return [
        milestone_from_item(graph, spec, i)
        for i in items
        if i.cls == MILESTONE_CLASS and not i.legacy
    ]


def duplicate_titles(milestones: Iterable[Milestone]) -> list[Diagnostic]:
    """BM612 on each milestone whose title an earlier one has: depends-on:: links name the
    title, and resolve to the first."""
    seen: dict[str, Milestone] = {}
    out: list[Diagnostic] = []
    for m in milestones:
        first = seen.setdefault(m.name, m)
        if first is not m:
            out.append(
                finding(
                    DUPLICATE_TITLE,
                    f"'{m.title}' is also a milestone at {first.location()}; depends-on:: "
                    "links resolve to the first one",
                    m.file,
                    m.line,
                    m.col,
                )
            )
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
