"""A Mermaid ``gantt`` chart of milestones.

One ``section`` per tactic (or type, or page); a task per milestone from its start to its due
date, a zero-length ``milestone`` marker when it has no length; ``done`` for done items,
``active`` for items in progress, ``crit`` for items on the critical path.

A milestone with a length whose dependencies are in the chart starts ``after`` them (the
dependency view: Mermaid cannot combine ``after`` with a later start, so a planned start that
differs from the dependencies' due date is kept in a ``%%`` comment); ``use_after=False``
draws every bar from its planned start instead. Zero-length milestones stay on their due date
(their dependencies go into a comment).

>>> import datetime as dt
>>> from bmtools.milestones.model import Milestone, left_out_note
>>> m = Milestone("Go: live", "go: live", due=dt.date(2026, 1, 9), tactic="T", status="done")
>>> print(generate_mermaid([m], title="Plan"), end="")
gantt
    title Plan
    dateFormat YYYY-MM-DD
    axisFormat %Y-%m
    section T
    Go - live :done, milestone, go_live, 2026-01-09, 0d
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from bmtools.milestones.budget import group_key
from bmtools.milestones.model import Milestone, left_out_note

GROUPS = ("tactic", "type", "page", "owner")
_UNSAFE_TEXT = re.compile(r"[:;#`\n\r\x00-\x1f\x7f\u2028\u2029\u0085]+")
_ENTITIES = {"&": "#amp;", "<": "#lt;", ">": "#gt;", '"': "#quot;"}


def safe_text(text: str) -> str:
    """Task and section text: no ``:`` ``;`` ``#`` ``%%`` (Mermaid syntax), no line breaks or
    backticks, and ``& < > "`` as Mermaid entity codes (``#lt;``…), which Mermaid turns into
    HTML entities: a title never becomes markup in the rendered chart.

    >>> safe_text("Phase 2: 100%% done; #1")
    'Phase 2 - 100% done 1'
    >>> safe_text('<img src=x onerror="alert(1)">')
    '#lt;img src=x onerror=#quot;alert(1)#quot;#gt;'
    """
    text = text.replace(": ", " - ").replace(":", "-")
    while "%%" in text:  # a Mermaid comment
        text = text.replace("%%", "%")
    text = " ".join(_UNSAFE_TEXT.sub(" ", text).split()) or "untitled"
    return "".join(_ENTITIES.get(ch, ch) for ch in text)


def safe_id(text: str, used: set[str]) -> str:
    """A unique task id of ASCII letters, digits and ``_`` that starts with a letter."""
    base = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40].strip("_") or "m"
    if not base[0].isalpha():
        base = "m_" + base
    if base in ("after", "milestone", "done", "active", "crit", "section", "title"):
        base = "m_" + base
    cand, n = base, 2
    while cand in used:
        cand, n = f"{base}_{n}", n + 1
    used.add(cand)
    return cand


def generate_mermaid(
    milestones: Sequence[Milestone],
    critical: set[str] | frozenset[str] = frozenset(),
    group_by: str = "tactic",
    title: str = "Milestones",
    today: dt.date | None = None,
    use_after: bool = True,
) -> str:
    """Mermaid gantt text; items without a due date are left out (they cannot be placed),
    and a ``%%`` comment says how many."""
    items = [m for m in milestones if m.due is not None]
    ids: dict[str, str] = {}
    used: set[str] = set()
    for m in items:
        if m.name not in ids:
            ids[m.name] = safe_id(m.title, used)
    lines = [
        "gantt",
        f"    title {safe_text(title)}",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %Y-%m",
    ]
    if today is not None:
        lines.append(f"    %% today {today.isoformat()}")
    left_out = len(milestones) - len(items)
    if left_out:
        lines.append(f"    %% {left_out_note(left_out, 'chart')}")
    sections: dict[str, list[Milestone]] = {}
    for m in items:
        sections.setdefault(group_key(m, group_by), []).append(m)
    by_name = {m.name: m for m in items}
    for section, ms in sections.items():
        lines.append(f"    section {safe_text(section)}")
        for m in ms:
            tags = []
            if m.is_done:
                tags.append("done")
            elif m.state == "in progress":
                tags.append("active")
            if m.name in critical:
                tags.append("crit")
            length = m.length or 0
            if length == 0:
                tags.append("milestone")
            deps = [ids[d] for d in m.depends_on if d in by_name and d in ids]
            dep_due = max((by_name[d].due for d in m.depends_on if d in by_name), default=None)
            start = m.planned_start
            note = ""
            if length == 0:
                when = f"{m.due.isoformat()}, 0d"
                if deps:
                    note = f"    %% {ids[m.name]} depends on {' '.join(deps)}"
            elif deps and use_after:
                when = f"after {' '.join(deps)}, {m.due.isoformat()}"
                if start is not None and dep_due is not None and start != dep_due:
                    note = f"    %% {ids[m.name]} planned start {start.isoformat()}"
            else:
                when = f"{(start or m.due).isoformat()}, {m.due.isoformat()}"
            label = safe_text(m.title) + (" (missed)" if m.state == "missed" else "")
            meta = ", ".join(tags + [ids[m.name], when])
            lines.append(f"    {label} :{meta}")
            if note:
                lines.append(note)
    return "\n".join(lines) + "\n"
