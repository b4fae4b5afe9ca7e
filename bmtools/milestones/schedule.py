"""Filtering and ordering milestones; overdue and due-soon lists.

All functions take ``today`` explicitly so that results are reproducible.

>>> import datetime as dt
>>> horizon_end(dt.date(2026, 11, 22), "2w")
datetime.date(2026, 12, 6)
>>> horizon_end(dt.date(2026, 1, 31), "1m")
datetime.date(2026, 2, 28)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from bmtools.milestones.model import Milestone, matches_name
from bmtools.names import page_name

SORT_KEYS = ("due", "value", "budget", "title", "page")
_WITHIN = re.compile(r"\s*(\d+)\s*(d|w|m|day|days|week|weeks|month|months)?\s*", re.IGNORECASE)
DEFAULT_HORIZON = "30d"


def parse_within(text: str) -> tuple[int, str]:
    """``30d`` / ``2w`` / ``3m`` (days by default) → (count, unit); ValueError otherwise."""
    m = _WITHIN.fullmatch(text or "")
    if not m:
        raise ValueError(f"'{text}' is not a period (write e.g. 30d, 2w or 3m)")
    unit = (m.group(2) or "d").lower()[0]
    return int(m.group(1)), unit


def horizon_end(today: dt.date, within: str) -> dt.date:
    """The last day of the period ``within`` starting ``today`` (months are calendar months)."""
    n, unit = parse_within(within)
    if unit == "w":
        return today + dt.timedelta(weeks=n)
    if unit == "m":
        return today + relativedelta(months=n)
    return today + dt.timedelta(days=n)


@dataclass(slots=True)
class Filters:
    """What to keep; every list is OR-ed within itself and AND-ed with the others."""

    owners: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    tactics: list[str] = field(default_factory=list)
    artifacts: list[str] = field(default_factory=list)
    due_within: str | None = None
    overdue: bool = False

    def active(self) -> bool:
        return bool(
            self.owners
            or self.types
            or self.statuses
            or self.tactics
            or self.artifacts
            or self.due_within
            or self.overdue
        )


def _artifact_match(m: Milestone, wanted: str) -> bool:
    """An artifact filter names the page's ``artifact::`` or the page itself (full or short)."""
    key = page_name(wanted)
    return key in (
        page_name(m.artifact or ""),
        m.page_name,
        page_name(m.page_short),
    ) or m.page_name.startswith(key.rstrip("/") + "/")


def keep(m: Milestone, f: Filters, today: dt.date) -> bool:
    if f.owners and not any(matches_name(m.owner, o) for o in f.owners):
        return False
    if f.types and not any(matches_name(m.type, t) for t in f.types):
        return False
    if f.statuses and m.state not in {s.strip().lower() for s in f.statuses}:
        return False
    if f.tactics and not any(matches_name(m.tactic, t) for t in f.tactics):
        return False
    if f.artifacts and not any(_artifact_match(m, a) for a in f.artifacts):
        return False
    if f.overdue and not m.is_overdue(today):
        return False
    if f.due_within:
        if m.due is None or not m.is_open:
            return False
        if not today <= m.due <= horizon_end(today, f.due_within):
            return False
    return True


def filter_milestones(
    milestones: Iterable[Milestone], filters: Filters, today: dt.date
) -> list[Milestone]:
    return [m for m in milestones if keep(m, filters, today)]


def sort_milestones(milestones: Iterable[Milestone], key: str = "due") -> list[Milestone]:
    """Order by ``due`` (earliest first), ``value`` (highest first), ``budget`` (largest first,
    grouped by currency: amounts in different currencies are not compared), ``title`` or
    ``page``. Items without the key go last; ties keep file order."""
    items = list(milestones)
    far = dt.date.max
    if key == "due":
        return sorted(items, key=lambda m: (m.due is None, m.due or far))
    if key == "value":
        return sorted(items, key=lambda m: (m.value is None, -(m.value or 0)))
    if key == "budget":
        return sorted(
            items,
            key=lambda m: (
                m.budget is None,
                m.budget.currency if m.budget else "",
                -(m.budget.amount if m.budget else Decimal(0)),
            ),
        )
    if key == "title":
        return sorted(items, key=lambda m: m.name)
    if key == "page":
        return sorted(items, key=lambda m: (m.page_name, m.line))
    raise ValueError(f"unknown sort key '{key}' (one of: {', '.join(SORT_KEYS)})")


def overdue(milestones: Iterable[Milestone], today: dt.date) -> list[Milestone]:
    """Open milestones due before today, most overdue first."""
    return sort_milestones([m for m in milestones if m.is_overdue(today)], "due")


def due_soon(
    milestones: Iterable[Milestone], today: dt.date, within: str = DEFAULT_HORIZON
) -> list[Milestone]:
    """Open milestones due from today to the end of the horizon, earliest first."""
    end = horizon_end(today, within)
    return sort_milestones(
        [m for m in milestones if m.is_open and m.due is not None and today <= m.due <= end],
        "due",
    )


def days_late(m: Milestone, today: dt.date) -> int:
    return (today - m.due).days if m.due is not None else 0
