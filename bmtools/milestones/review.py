"""Plan reviews: the review recurrence (an RFC 5545 RRULE) and the agenda of the next review.

Where the rule comes from, first match wins (see docs/milestones.md):

1. the ``--rrule`` option (passed in as ``override``);
2. ``review-rrule`` in ``[tool.bmtools.milestones]`` of ``bmtools.toml`` or ``pyproject.toml`` at
   the graph root (``bmtools.toml`` may also say ``[milestones]``);
3. a ``review-rrule::`` page property (the first page in file order that has one; a page with
   ``page-type:: [[plan review]]`` may write it as ``rrule::``);
4. the default, the second Friday of every month: ``FREQ=MONTHLY;BYDAY=+2FR``.

A rule without ``DTSTART`` is anchored on 2000-01-01, which only matters for rules with an
``INTERVAL`` greater than one.

>>> import datetime as dt
>>> rule = ReviewRule()
>>> rule.next(dt.date(2026, 11, 22)), rule.last(dt.date(2026, 11, 22))
(datetime.date(2026, 12, 11), datetime.date(2026, 11, 13))
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from dateutil.rrule import rrule, rrulestr

from bmtools.codes import finding
from bmtools.milestones.model import Milestone
from bmtools.milestones.schedule import sort_milestones
from bmtools.model import Diagnostic, Graph
from bmtools.names import page_name
from bmtools.safeio import MAX_TOML_BYTES, read_regular

DEFAULT_RRULE = "FREQ=MONTHLY;BYDAY=+2FR"
ANCHOR = dt.datetime(2000, 1, 1)
CONFIG_FILES = ("bmtools.toml", "pyproject.toml")
PAGE_KEY = "review-rrule"
PLAN_REVIEW_TYPE = "plan review"


@dataclass(slots=True)
class ReviewRule:
    """A parsed review recurrence and where it was declared."""

    text: str = DEFAULT_RRULE
    source: str = "default"
    _rule: rrule | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._rule = parse_rrule(self.text)

    @property
    def rrule_value(self) -> str:
        """The ``RRULE`` value without a ``RRULE:`` prefix or ``DTSTART`` line (for iCalendar)."""
        for line in self.text.splitlines():
            line = line.strip()
            if line.upper().startswith("RRULE:"):
                return line[6:]
            if line and not line.upper().startswith("DTSTART"):
                return line
        return DEFAULT_RRULE

    def next(self, today: dt.date) -> dt.date | None:
        """The first review on or after ``today``."""
        hit = self._rule.after(dt.datetime.combine(today, dt.time()), inc=True)
        return hit.date() if hit else None

    def last(self, today: dt.date) -> dt.date | None:
        """The latest review strictly before ``today``."""
        hit = self._rule.before(dt.datetime.combine(today, dt.time()), inc=False)
        return hit.date() if hit else None

    def between(self, start: dt.date, end: dt.date) -> list[dt.date]:
        return [
            d.date()
            for d in self._rule.between(
                dt.datetime.combine(start, dt.time()),
                dt.datetime.combine(end, dt.time()),
                inc=True,
            )
        ]


def parse_rrule(text: str) -> rrule:
    """An RRULE (``FREQ=…`` or ``RRULE:FREQ=…``, optionally with a ``DTSTART`` line);
    ValueError with a readable message when it is not one."""
    body = (text or "").strip()
    if not body:
        raise ValueError("empty review rule")
    try:
        if "DTSTART" in body.upper():
            rule = rrulestr(body, ignoretz=True)
        else:
            rule = rrulestr(body, dtstart=ANCHOR, ignoretz=True)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"'{body}' is not an RFC 5545 RRULE ({exc})") from exc
    if not isinstance(rule, rrule):
        raise ValueError(f"'{body}' is a rule set; give a single RRULE")
    return rule


def _from_toml(path: Path) -> str | None:
    try:
        data = tomllib.loads(read_regular(path, MAX_TOML_BYTES).decode("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    section = data.get("tool", {}).get("bmtools", {}).get("milestones", {})
    if path.name == "bmtools.toml" and not section:
        section = data.get("milestones", {})
    value = section.get(PAGE_KEY) if isinstance(section, dict) else None
    return str(value) if value else None


def find_review_rule(
    graph: Graph, override: str | None = None
) -> tuple[ReviewRule, list[Diagnostic]]:
    """The review rule of a graph (see the module docstring); a bad rule falls back to the
    next source with a diagnostic."""
    diags: list[Diagnostic] = []
    candidates: list[tuple[str, str, str | None, int]] = []
    if override:
        candidates.append((override, "--rrule", None, 0))
    root = Path(graph.root)
    for name in CONFIG_FILES:
        value = _from_toml(root / name)
        if value:
            candidates.append((value, name, name, 0))
    for page in sorted(graph.pages.values(), key=lambda p: p.file or ""):
        if page.file is None:
            continue
        prop = page.properties.get(PAGE_KEY)
        types = page.properties.get("page-type")
        if (
            prop is None
            and types is not None
            and PLAN_REVIEW_TYPE in [page_name(n) for n in types.names()]
        ):
            prop = page.properties.get("rrule")
        if prop is not None and str(prop.raw).strip():
            candidates.append((str(prop.raw).strip(), page.file, page.file, prop.line))
    for text, source, file, line in candidates:
        try:
            return ReviewRule(text, source), diags
        except ValueError as exc:
            diags.append(finding("BM620", f"review rule: {exc}; ignored", file, line, 1))
    return ReviewRule(), diags


@dataclass(slots=True)
class Agenda:
    """What the next plan review should look at."""

    today: dt.date
    next_review: dt.date | None
    last_review: dt.date | None
    rule: ReviewRule
    coming_due: list[Milestone]  # open, due from today up to the next review
    recently_due: list[Milestone]  # not done, due since the last review (before today)
    still_overdue: list[Milestone]  # open, due before the last review
    done_since: list[Milestone]  # done, due on or after the last review
    reviews: list[Milestone]  # plan-review milestones due on the next review day

    def to_dict(self) -> dict:
        def titles(ms: list[Milestone]) -> list[dict]:
            return [
                {
                    "title": m.title,
                    "page": m.page,
                    "due": m.due.isoformat() if m.due else None,
                    "status": m.state,
                    "owner": m.owner,
                }
                for m in ms
            ]

        return {
            "today": self.today.isoformat(),
            "rrule": self.rule.text,
            "rrule_source": self.rule.source,
            "next_review": self.next_review.isoformat() if self.next_review else None,
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "coming_due": titles(self.coming_due),
            "recently_due": titles(self.recently_due),
            "still_overdue": titles(self.still_overdue),
            "done_since_last_review": titles(self.done_since),
            "review_milestones": titles(self.reviews),
        }


def agenda(milestones: list[Milestone], today: dt.date, rule: ReviewRule | None = None) -> Agenda:
    rule = rule or ReviewRule()
    nxt, last = rule.next(today), rule.last(today)
    since = last or dt.date.min
    until = nxt or dt.date.max
    dated = [m for m in milestones if m.due is not None]
    return Agenda(
        today=today,
        next_review=nxt,
        last_review=last,
        rule=rule,
        coming_due=sort_milestones(
            [m for m in dated if m.is_open and today <= m.due <= until], "due"
        ),
        recently_due=sort_milestones(
            [m for m in dated if not m.is_done and since <= m.due < today], "due"
        ),
        still_overdue=sort_milestones([m for m in dated if m.is_open and m.due < since], "due"),
        done_since=sort_milestones([m for m in dated if m.is_done and m.due >= since], "due"),
        reviews=[m for m in dated if m.type == PLAN_REVIEW_TYPE and m.due == nxt],
    )
