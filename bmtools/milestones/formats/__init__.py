"""Output formats of ``bmtools milestones``: one module per format, pure ``generate_*``
functions that return text (or bytes), no I/O; and :data:`FORMATS`, the registry the command
looks a format up in (as :data:`bmtools.readwrite.FORMATS` is for ``bmtools graph``).

Each entry turns any report of :mod:`bmtools.milestones.reports` into output. The table,
JSON and CSV say what the report found; the pictures (Mermaid gantt, iCalendar, SVG
timeline) draw the milestones the report is about. Modules load when their format is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol


def _plain(kind: str, text: str) -> str:
    return text


class Report(Protocol):
    """What a format needs from a report (see :mod:`bmtools.milestones.reports`)."""

    name: str
    today: dt.date
    milestones: list[Any]

    def document(self) -> dict[str, Any]: ...

    def records(self) -> tuple[list[dict[str, Any]], list[str] | None]: ...

    def table(self, width: int | None, style: Callable[[str, str], str]) -> str: ...


@dataclass(slots=True)
class Options:
    """How to present: table width and colours; for pictures the critical path, the plan
    review rule and the Mermaid sections."""

    width: int | None = None
    style: Callable[[str, str], str] = _plain
    critical: set[str] | frozenset[str] = field(default_factory=frozenset)
    rule: Any = None  # a ReviewRule: review dates in the calendar
    group_by: str = "tactic"
    title: str = "Milestones"


def table(report: Report, opts: Options) -> str:
    return report.table(opts.width, opts.style)


def json(report: Report, opts: Options) -> str:
    from bmtools.milestones.formats.data import generate_json

    return generate_json(report.document())


def csv(report: Report, opts: Options) -> str:
    from bmtools.milestones.formats.data import generate_csv

    return generate_csv(*report.records())


def mermaid(report: Report, opts: Options) -> str:
    from bmtools.milestones.formats.mermaid import generate_mermaid

    return generate_mermaid(
        report.milestones, opts.critical, opts.group_by, opts.title, report.today
    )


def ics(report: Report, opts: Options) -> bytes:
    from bmtools.milestones.formats.ics import generate_ics

    return generate_ics(report.milestones, report.today, opts.rule)


def svg(report: Report, opts: Options) -> bytes:
    from bmtools.milestones.formats.svg import generate_svg

    return generate_svg(report.milestones, report.today, opts.critical)


FORMATS: dict[str, Callable[[Report, Options], str | bytes]] = {
    "table": table,
    "json": json,
    "csv": csv,
    "mermaid": mermaid,
    "ics": ics,
    "svg": svg,
}
COLOURED = {"table"}  # the formats --color applies to
