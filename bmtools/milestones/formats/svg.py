"""An SVG timeline drawn with matplotlib (Agg backend, deterministic output).

One row per milestone (those with a due date), a bar from start to due, a diamond on the due
date, a dashed line for today; critical-path items are outlined and bold, overdue items are
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


def generate_svg(
    milestones: Sequence[Milestone],
    today: dt.date,
    critical: set[str] | frozenset[str] = frozenset(),
    title: str = "Milestones",
    fmt: str = "svg",
) -> bytes:
    """The timeline as SVG bytes (``fmt="png"`` gives a PNG, for looking at it)."""
    items = [m for m in milestones if m.due is not None]
    n = len(items)
    with plt.rc_context(
        {"svg.hashsalt": "bmtools-milestones", "svg.fonttype": "none", "font.size": 9}
    ):
        fig, ax = plt.subplots(figsize=(12, max(2.5, 0.32 * n + 1.4)))
        for row, m in enumerate(items):
            y = n - 1 - row
            colour = _colour(m, today)
            crit = m.name in critical
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
            artists.append(
                ax.plot(
                    mdates.date2num(m.due),
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
                ax.text(
                    mdates.date2num(m.due),
                    y,
                    "  " + label,
                    va="center",
                    ha="left",
                    fontsize=8,
                    color=COLOURS["overdue"] if m.is_overdue(today) else "#212121",
                    fontweight="bold" if crit else "normal",
                )
            )
            for a in artists:
                a.set_gid(f"{ROW_ID.format(n=row + 1)}-{type(a).__name__.lower()}")
        ax.axvline(mdates.date2num(today), color=COLOURS["today"], linestyle="--", linewidth=1)
        ax.text(
            mdates.date2num(today),
            n - 0.3 if n else 0.5,
            f" today {today.isoformat()}",
            color=COLOURS["today"],
            fontsize=8,
            va="bottom",
        )
        ax.set_yticks(range(n))
        pages = [m.page_short for m in items]
        shown = [p if k == 0 or pages[k - 1] != p else "" for k, p in enumerate(pages)]
        ax.set_yticklabels(list(reversed(shown)), fontsize=7)
        ax.set_ylim(-0.8, max(n, 1) - 0.2 + 0.6)
        ax.xaxis_date()
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
        if items:
            lo = min([m.planned_start or m.due for m in items] + [today])
            hi = max([m.due for m in items] + [today])
            span = max((hi - lo).days, 30)
            ax.set_xlim(mdates.date2num(lo) - span * 0.02, mdates.date2num(hi) + span * 0.25)
        ax.grid(axis="x", color="#e0e0e0", linewidth=0.5)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_title(title, loc="left", fontsize=11)
        left_out = len(milestones) - n
        if left_out:
            ax.text(
                1.0,
                1.01,
                left_out_note(left_out, "timeline"),
                transform=ax.transAxes,
                ha="right",
                va="bottom",
                fontsize=8,
                color="#616161",
                gid=UNSCHEDULED_ID,
            )
        legend = [
            Line2D([], [], marker="D", linestyle="none", color=COLOURS[k], label=label)
            for k, label in (
                ("done", "done"),
                ("in progress", "in progress"),
                ("planned", "planned"),
                ("overdue", "overdue"),
                ("missed", "missed"),
            )
        ] + [
            Line2D(
                [],
                [],
                marker="D",
                linestyle="none",
                color="white",
                markeredgecolor=COLOURS["critical"],
                markeredgewidth=1.5,
                label="critical path",
            ),
            Line2D([], [], color=COLOURS["today"], linestyle="--", label="today"),
        ]
        ax.legend(
            handles=legend,
            loc="upper left",
            fontsize=7,
            frameon=False,
            ncol=7,
            bbox_to_anchor=(0, -0.04 - 1.0 / max(n, 4)),
        )
        fig.tight_layout()
        buf = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buf, format=fmt, metadata=metadata, dpi=110)
        plt.close(fig)
    return buf.getvalue()
