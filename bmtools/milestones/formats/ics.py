"""iCalendar (RFC 5545) export with the ``icalendar`` library.

An all-day ``VEVENT`` on each milestone's due date, with a stable ``UID`` derived from its file
and title (re-importing updates the event instead of duplicating it), and one recurring
``VEVENT`` for the plan review (``RRULE`` from the review rule). ``DTSTAMP`` is ``today`` at
midnight UTC so that the output only changes when the plan does. Milestones without a due
date have no day to go on: the calendar's ``X-WR-CALDESC`` says how many are left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from icalendar import Calendar, Event, vRecur

from bmtools.milestones.model import Milestone, left_out_note, unscheduled
from bmtools.milestones.review import ReviewRule

PRODID = "-//bmtools//milestones//EN"
UID_DOMAIN = "bmtools.milestones"


def stable_uid(file: str | None, title: str) -> str:
    digest = hashlib.sha1(f"{file or ''}\n{title}".encode()).hexdigest()[:20]
    return f"{digest}@{UID_DOMAIN}"


def _description(m: Milestone) -> str:
    parts = [m.description] if m.description else []
    for label, value in (
        ("Owner", m.owner),
        ("Type", m.type),
        ("Status", m.state),
        ("Tactic", m.tactic),
        ("Budget", str(m.budget) if m.budget else None),
        ("Actual", str(m.actual) if m.actual else None),
        ("Page", m.page),
    ):
        if value:
            parts.append(f"{label}: {value}")
    return "\n".join(parts)


def generate_ics(
    milestones: Sequence[Milestone],
    today: dt.date,
    rule: ReviewRule | None = None,
    name: str = "Milestones",
) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    left_out = len(unscheduled(milestones))
    if left_out:
        cal.add("x-wr-caldesc", left_out_note(left_out, "calendar"))
    stamp = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    for m in milestones:
        if m.due is None:
            continue
        ev = Event()
        ev.add("uid", stable_uid(m.file, m.title))
        ev.add("dtstamp", stamp)
        ev.add("summary", m.title)
        ev.add("dtstart", m.due)
        ev.add("dtend", m.due + dt.timedelta(days=1))
        ev.add("transp", "TRANSPARENT")
        ev.add("description", _description(m))
        if m.type:
            ev.add("categories", [m.type])
        ev.add("status", "CANCELLED" if m.state == "missed" else "CONFIRMED")
        if m.file:
            ev.add("location", m.page)
        cal.add_component(ev)
    if rule is not None:
        first = rule.last(today) or rule.next(today)
        if first is not None:
            ev = Event()
            ev.add("uid", stable_uid("plan-review", rule.rrule_value))
            ev.add("dtstamp", stamp)
            ev.add("summary", "Plan review")
            ev.add("description", f"Plan review of the milestones ({rule.text}).")
            ev.add("dtstart", first)
            ev.add("dtend", first + dt.timedelta(days=1))
            ev.add("rrule", vRecur.from_ical(rule.rrule_value))
            ev.add("categories", ["plan review"])
            cal.add_component(ev)
    return cal.to_ical()
