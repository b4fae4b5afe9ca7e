"""Terminal text for the listing and each report (tables from :mod:`.table`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from bmtools.milestones.budget import BudgetReport, fmt_money, fmt_pct, fmt_signed, totals
from bmtools.milestones.cpm import CpmResult
from bmtools.milestones.formats.table import render_table
from bmtools.milestones.model import Milestone, unscheduled
from bmtools.milestones.review import Agenda
from bmtools.values import format_amount

Styler = Callable[[str, str], str]  # (kind, text) -> text; kind in overdue|done|missed|crit|head


def _plain(kind: str, text: str) -> str:
    return text


def money(m) -> str:
    return "-" if m is None else f"{format_amount(m.amount)} {m.currency}"


def value(v) -> str:
    if v is None:
        return "-"
    return f"{v:g}" if isinstance(v, float) else str(v)


def status(m: Milestone, today: dt.date) -> str:
    if m.is_overdue(today):
        return f"{m.state} ({(today - m.due).days}d late)"
    return m.state


def _row_kind(m: Milestone, today: dt.date) -> str:
    if m.is_overdue(today):
        return "overdue"
    return {"done": "done", "missed": "missed"}.get(m.state, "")


LIST_HEADERS = ["Due", "Milestone", "Page", "Owner", "Type", "Status", "Budget", "Value"]


def milestone_rows(ms: Sequence[Milestone], today: dt.date) -> list[list[str]]:
    return [
        [
            m.due.isoformat() if m.due else "?",
            m.title,
            m.page_short,
            m.owner or "-",
            m.type or "-",
            status(m, today),
            money(m.budget),
            value(m.value),
        ]
        for m in ms
    ]


def list_text(
    ms: Sequence[Milestone],
    today: dt.date,
    width: int | None = None,
    style: Styler = _plain,
    legacy: Sequence[Milestone] = (),
    title: str | None = None,
) -> str:
    """The table of the dated milestones, the unscheduled ones (no due date, legacy items
    among them) listed under it, and a one-line summary of them all.

    ``legacy`` adds legacy milestones that are not already in ``ms``."""
    out = []
    if title:
        out += [style("head", title), ""]
    every = list(ms) + [m for m in legacy if not any(m is n for n in ms)]
    dated = [m for m in every if m.due is not None]
    undated = unscheduled(every)
    if dated:
        kinds = [_row_kind(m, today) for m in dated]

        def styler(row: int, col: int, text: str) -> str:
            if row < 0:
                return style("head", text)
            return style(kinds[row], text) if kinds[row] and col in (0, 5) else text

        out.append(
            render_table(
                LIST_HEADERS,
                milestone_rows(dated, today),
                "llllllrr",
                width,
                flexible=[1, 2, 3, 4],
                styler=styler,
                optional=[4, 2, 7],
            )
        )
    elif not undated:
        out.append("(no milestones)")
    if undated:
        if dated:
            out.append("")
        out.append(
            style(
                "head",
                f"Unscheduled: {len(undated)} without a due date (not in schedules, "
                "charts or calendars):",
            )
        )
        out += [f"  {_unscheduled_line(m)}" for m in undated]
    late = sum(1 for m in every if m.is_overdue(today))
    noun = "milestone" if len(every) == 1 else "milestones"
    counts = f"{len(every)} {noun}"
    if undated:
        counts += f" ({len(undated)} unscheduled)"
    out.append("")
    out.append(f"{counts}, {late} overdue, budget {totals(every)} (as of {today})")
    return "\n".join(out)


def _unscheduled_line(m: Milestone) -> str:
    """Title, what is known of it, and where it is written."""
    known = [m.page_short] if m.page_short else []
    if m.owner:
        known.append(m.owner)
    if m.budget is not None:
        known.append(money(m.budget))
    if m.legacy:
        known.append("legacy item")
    about = f" [{', '.join(known)}]" if known else ""
    return f"{m.title}{about}  ({m.location()})"


def overdue_text(
    ms: Sequence[Milestone], today: dt.date, width: int | None = None, style: Styler = _plain
) -> str:
    if not ms:
        return f"No overdue milestones as of {today}."
    head = style("head", f"Overdue as of {today} ({len(ms)})")
    rows = [[str((today - m.due).days), m.due.isoformat()] for m in ms]
    return f"{head}\n\n{_dated_table(ms, ['Late', 'Due'], 'rllllllr', rows, width)}"


def due_soon_text(
    ms: Sequence[Milestone],
    today: dt.date,
    end: dt.date,
    width: int | None = None,
    style: Styler = _plain,
) -> str:
    head = style("head", f"Due from {today} to {end} ({len(ms)})")
    if not ms:
        return f"{head}\n\nNothing due."
    rows = [[m.due.isoformat(), str((m.due - today).days)] for m in ms]
    return f"{head}\n\n{_dated_table(ms, ['Due', 'In days'], 'lrllllrr', rows, width)}"


def _dated_table(
    ms: Sequence[Milestone],
    headers: list[str],
    align: str,
    dates: list[list[str]],
    width: int | None,
) -> str:
    """The overdue and due-soon tables: two date columns (``headers``, one row of ``dates``
    per milestone), then what each milestone is, where, whose and how far; ``align``: every
    column's."""
    rows = [
        [
            *first,
            m.title,
            m.page_short,
            m.owner or "-",
            m.state,
            f"{m.tasks_done}/{m.tasks_total}",
            money(m.budget),
        ]
        for first, m in zip(dates, ms, strict=True)
    ]
    return render_table(
        [*headers, "Milestone", "Page", "Owner", "Status", "Tasks", "Budget"],
        rows,
        align,
        width,
        flexible=[2, 3, 4],
        optional=[6, 3],
    )


def budget_text(report: BudgetReport, width: int | None = None, style: Styler = _plain) -> str:
    out = [
        style("head", "Budget by currency (amounts in different currencies are never added)"),
        "",
    ]
    headers = [
        "",
        "Currency",
        "Items",
        "Budget",
        "With actual",
        "Budget of those",
        "Actual",
        "Variance",
        "%",
    ]

    def rows_for(key: str, group) -> list[list[str]]:
        rows = []
        for k, cur in enumerate(sorted(group.lines)):
            ln = group.lines[cur]
            rows.append(
                [
                    key if k == 0 else "",
                    cur,
                    str(ln.items),
                    fmt_money(ln.budget, cur),
                    str(ln.tracked),
                    fmt_money(ln.tracked_budget, cur) if ln.tracked else "-",
                    fmt_money(ln.actual, cur) if ln.tracked else "-",
                    fmt_signed(ln.variance, cur),
                    fmt_pct(ln.variance_pct),
                ]
            )
        return rows

    out.append(
        render_table(["Total"] + headers[1:], rows_for("all", report.total), "llrrrrrrr", width)
    )
    for name, groups in report.groups.items():
        rows = [r for g in groups for r in rows_for(g.key, g)]
        out += ["", style("head", f"By {name}"), ""]
        out.append(
            render_table([name.capitalize()] + headers[1:], rows, "llrrrrrrr", width, flexible=[0])
        )
    if report.plan_vs_actual:
        out += ["", style("head", "Plan vs actual (items with actual-budget::)"), ""]
        rows = [
            [
                p.milestone.title,
                p.milestone.page_short,
                p.milestone.state,
                money(p.budget),
                money(p.actual),
                fmt_signed(p.variance, p.actual.currency) if p.comparable else "currencies differ",
                fmt_pct(p.variance_pct),
            ]
            for p in report.plan_vs_actual
        ]
        out.append(
            render_table(
                ["Milestone", "Page", "Status", "Budget", "Actual", "Variance", "%"],
                rows,
                "lllrrrr",
                width,
                flexible=[0, 1],
            )
        )
        out.append(
            "Variance = actual − budget of the same items (+ = over budget); items not "
            "done are still spending."
        )
    if report.unbudgeted:
        out += ["", f"Left out (no valid budget): {', '.join(m.title for m in report.unbudgeted)}"]
    return "\n".join(out)


def review_text(a: Agenda, width: int | None = None, style: Styler = _plain) -> str:
    out = [
        style(
            "head",
            f"Next plan review: {a.next_review or 'none'}"
            + (f" (last: {a.last_review})" if a.last_review else ""),
        ),
        f"Rule: {a.rule.text} (from {a.rule.source}); today {a.today}",
    ]
    sections = [
        (f"Coming due by the review ({a.today} to {a.next_review})", a.coming_due),
        (f"Due since the last review and not done ({a.last_review} to {a.today})", a.recently_due),
        (f"Still overdue from before the last review ({a.last_review})", a.still_overdue),
        (f"Done since the last review ({a.last_review})", a.done_since),
    ]
    for head, ms in sections:
        out += ["", style("head", f"{head}: {len(ms)}")]
        if ms:
            rows = [[m.due.isoformat(), m.title, m.page_short, m.owner or "-", m.state] for m in ms]
            out.append(
                render_table(
                    ["Due", "Milestone", "Page", "Owner", "Status"],
                    rows,
                    None,
                    width,
                    flexible=[1, 2, 3],
                )
            )
    return "\n".join(out)


def cpm_text(
    r: CpmResult, width: int | None = None, style: Styler = _plain, only_critical: bool = False
) -> str:
    out = []
    by_project: dict[int, list] = {}
    for t in r.tasks:
        by_project.setdefault(t.project, []).append(t)
    for pid, tasks in by_project.items():
        path = r.paths.get(pid, [])
        page = tasks[0].milestone.page_short
        origin = tasks[0].origin
        finish = tasks[0].date(r.finish[pid])
        planned = max(t.milestone.due for t in tasks)
        out += [
            style(
                "head",
                f"{page}: critical path {r.finish[pid]} days, {origin} to {finish} "
                f"(planned finish {planned})",
            ),
            "  " + " → ".join(t.milestone.title for t in path),
            "",
        ]
        rows = [
            [
                "*" if t.critical else "",
                t.milestone.title,
                str(t.duration),
                str(t.es),
                str(t.ef),
                str(t.ls),
                str(t.lf),
                str(t.total_float),
                t.date(t.ef).isoformat(),
                t.milestone.due.isoformat() if t.milestone.due else "?",
            ]
            for t in tasks
            if t.critical or not only_critical
        ]
        kinds = ["crit" if row[0] else "" for row in rows]

        def styler(row: int, col: int, text: str, kinds=kinds) -> str:
            if row < 0:
                return style("head", text)
            return style("crit", text) if kinds[row] and col == 1 else text

        out.append(
            render_table(
                ["", "Milestone", "Days", "ES", "EF", "LS", "LF", "Float", "Early finish", "Due"],
                rows,
                "llrrrrrrll",
                width,
                flexible=[1],
                styler=styler,
            )
        )
        out.append("")
    if not out:
        return "No scheduled milestones."
    out.append(
        "ES/EF/LS/LF: earliest/latest start/finish in days from the project start; "
        "* = critical (float 0)."
    )
    return "\n".join(out)
