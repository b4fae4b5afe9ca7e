"""An SVG timeline drawn with matplotlib (Agg backend, deterministic output).

One row per milestone (those with a due date), grouped in one panel per page (example), a bar
from start to due, a diamond on the due date, a dashed line for today; critical-path items are
outlined and bold, overdue items are
drawn in a warning colour, done items green, missed grey. Each row is an SVG group with the id
``milestone-<n>`` so that the file can be checked and styled. Milestones without a due date
cannot be placed: a note above the plot (id ``unscheduled-note``) says how many are left out.
The file carries no date and a fixed ``svg.hashsalt``, so the same plan gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from bmtools.milestones.model import Milestone, left_out_note  # noqa: E402

COLOURS = {
    "done": "#2e7d32",
    "in progress": "#1565c0",
    "planned": "#78909c",
    "missed": "#9e9e9e",
    "overdue": "#e65100",
    "critical": "#b71c1c",
    "today": "#d32f2f",
}
ROW_ID = "milestone-{n}"
UNSCHEDULED_ID = "unscheduled-note"


def _colour(m: Milestone, today: dt.date) -> str:
    if m.is_overdue(today):
        return COLOURS["overdue"]
    return COLOURS.get(m.state, COLOURS["planned"])


GROUP_ID = "group-{n}"
EMPTY_ID = "no-dated-milestones"
SHARED_SPAN_DAYS = 3 * 366  # groups all within this span share one time axis
ROW_INCHES = 0.25


def _groups(items: list[Milestone]) -> list[tuple[str, list[Milestone]]]:
    """Rows under one header per page (example), in the order pages first appear."""
    out: dict[str, list[Milestone]] = {}
    for m in items:
        out.setdefault(m.page_short or m.page or "(no page)", []).append(m)
    return list(out.items())


def _span(items: list[Milestone], today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    days = [m.planned_start or m.due for m in items] + [m.due for m in items]
    days += [today] if today is not None else []
    return min(days), max(days)  # type: ignore[type-var]


def _limits(ax, lo: dt.date, hi: dt.date) -> None:
    span = max((hi - lo).days, 45)
    ax.set_xlim(mdates.date2num(lo) - span * 0.03, mdates.date2num(hi) + span * 0.35)


def generate_svg(
    milestones: Sequence[Milestone],
    today: dt.date,
    critical: set[str] | frozenset[str] = frozenset(),
    title: str = "Milestones",
    fmt: str = "svg",
) -> bytes:
    """The timeline as SVG bytes (``fmt="png"`` gives a PNG, for looking at it).

    One panel per page (example), headed by its name; the panels share a time axis when they
    all fall within a few years, else each has its own (an example from 2005 does not squeeze
    one from 2026 into a sliver). Ticks are chosen by span; labels stand clear of markers."""
    items = [m for m in milestones if m.due is not None]
    left_out = len(milestones) - len(items)
    with plt.rc_context(
        {"svg.hashsalt": "bmtools-milestones", "svg.fonttype": "none", "font.size": 9}
    ):
        if not items:
            fig = _empty_figure(title, left_out)
        else:
            fig = _timeline(items, today, critical, title, left_out)
        buf = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buf, format=fmt, metadata=metadata, dpi=110)
        plt.close(fig)
    return buf.getvalue()


def _empty_figure(title: str, left_out: int):
    """No axis, no legend: a sentence saying there is nothing to place."""
    fig = plt.figure(figsize=(8, 1.4))
    fig.text(0.02, 0.78, title, fontsize=11, ha="left", va="center")
    fig.text(0.02, 0.45, "no dated milestones", fontsize=9, ha="left", va="center", gid=EMPTY_ID)
    if left_out:
        fig.text(0.02, 0.2, left_out_note(left_out, "timeline"), fontsize=8, color="#616161",
                 ha="left", va="center", gid=UNSCHEDULED_ID)  # fmt: skip
    return fig


def _timeline(items, today, critical, title, left_out):
    groups = _groups(items)
    lo, hi = _span(items, today)
    shared = (hi - lo).days <= SHARED_SPAN_DAYS
    heights = [len(rows) + (1.0 if shared else 2.0) for _, rows in groups]
    fig, axes = plt.subplots(
        len(groups),
        1,
        figsize=(12, ROW_INCHES * sum(heights) + 1.0),
        gridspec_kw={"height_ratios": heights},
        sharex=shared,
        squeeze=False,
        layout="constrained",
    )
    row_no = 0
    states: set[str] = set()
    for g, ((name, rows), ax) in enumerate(zip(groups, axes[:, 0], strict=True)):
        n = len(rows)
        for i, m in enumerate(rows):
            row_no += 1
            _row(ax, m, n - 1 - i, today, m.name in critical, row_no)
            states.add("overdue" if m.is_overdue(today) else m.state)
        ax.set_ylim(-0.7, n - 0.3)
        ax.set_yticks([])
        header = ax.set_title(name, loc="left", fontsize=9, fontweight="bold", pad=3)
        header.set_gid(GROUP_ID.format(n=g + 1))
        ax.xaxis_date()
        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        glo, ghi = (lo, hi) if shared else _span(rows)
        _limits(ax, glo, ghi)
        if glo <= today <= ghi or shared:
            ax.axvline(mdates.date2num(today), color=COLOURS["today"], linestyle="--", linewidth=1)
        ax.grid(axis="x", color="#e0e0e0", linewidth=0.5)
        ax.set_axisbelow(True)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="x", labelsize=7, labelbottom=not shared or g == len(groups) - 1)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    if left_out:
        fig.text(0.99, 0.995, left_out_note(left_out, "timeline"), ha="right", va="top",
                 fontsize=8, color="#616161", gid=UNSCHEDULED_ID)  # fmt: skip
    _legend(fig, states, bool(critical & {m.name for m in items}), today)
    return fig


def _row(ax, m: Milestone, y: int, today: dt.date, crit: bool, number: int) -> None:
    colour = _colour(m, today)
    start = m.planned_start
    artists = []
    if start is not None and start < m.due:
        artists.append(
            ax.barh(
                y,
                (m.due - start).days,
                left=mdates.date2num(start),
                height=0.5,
                color=colour,
                alpha=0.45,
                edgecolor=COLOURS["critical"] if crit else colour,
                linewidth=1.8 if crit else 0.6,
            )[0]
        )
    due = mdates.date2num(m.due)
    artists.append(
        ax.plot(
            due,
            y,
            marker="D",
            markersize=7 if crit else 6,
            color=colour,
            markeredgecolor=COLOURS["critical"] if crit else colour,
            markeredgewidth=1.5 if crit else 0.5,
            linestyle="none",
        )[0]
    )
    label = m.title if len(m.title) <= 48 else m.title[:47] + "…"
    if m.is_overdue(today):
        label += f"  ({(today - m.due).days}d late)"
    artists.append(
        ax.annotate(
            label,
            (due, y),
            xytext=(8, 0),  # points right of the diamond: the marker never covers a letter
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=8,
            color=COLOURS["overdue"] if m.is_overdue(today) else "#212121",
            fontweight="bold" if crit else "normal",
            annotation_clip=False,
        )
    )
    for a in artists:
        a.set_gid(f"{ROW_ID.format(n=number)}-{type(a).__name__.lower()}")


LEGEND = (
    ("done", "done"),
    ("in progress", "in progress"),
    ("planned", "planned"),
    ("overdue", "overdue"),
    ("missed", "missed"),
)


def _legend(fig, states: set[str], has_critical: bool, today: dt.date) -> None:
    """Only the states the plot shows (and the critical path when it is drawn)."""
    handles = [
        Line2D([], [], marker="D", linestyle="none", color=COLOURS[k], label=label)
        for k, label in LEGEND
        if k in states
    ]
    if has_critical:
        handles.append(
            Line2D(
                [],
                [],
                marker="D",
                linestyle="none",
                color="white",
                markeredgecolor=COLOURS["critical"],
                markeredgewidth=1.5,
                label="critical path",
            )  # fmt: skip
        )
    handles.append(
        Line2D([], [], color=COLOURS["today"], linestyle="--", label=f"today {today.isoformat()}")
    )
    fig.legend(handles=handles, loc="outside lower left", fontsize=7, frameon=False,
               ncol=len(handles))  # fmt: skip
