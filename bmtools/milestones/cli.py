"""``bmtools milestones``: list, report and export the milestones of a graph."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys

import click

from bmtools.milestones import roadmap
from bmtools.milestones.budget import budget_report
from bmtools.milestones.cpm import critical_path
from bmtools.milestones.formats import FORMATS
from bmtools.milestones.formats import data as fdata
from bmtools.milestones.formats import text as ftext
from bmtools.milestones.model import load_milestones
from bmtools.milestones.review import agenda, find_review_rule
from bmtools.milestones.schedule import (
    DEFAULT_HORIZON,
    SORT_KEYS,
    Filters,
    due_soon,
    filter_milestones,
    horizon_end,
    overdue,
    parse_within,
    sort_milestones,
)

REPORTS = ("list", "overdue", "due-soon", "budget", "review", "critical-path")
STYLES = {
    "overdue": {"fg": "red", "bold": True},
    "done": {"fg": "green"},
    "missed": {"fg": "magenta"},
    "crit": {"fg": "red"},
    "head": {"bold": True},
}


def _today(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)") from exc


def _within(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parse_within(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    return value


def _width(width: int | None) -> int | None:
    if width:
        return width
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    cols = os.environ.get("COLUMNS", "")
    return int(cols) if cols.isdigit() else None


def _style(color: bool):
    def style(kind: str, text: str) -> str:
        if not color or kind not in STYLES:
            return text
        return click.style(text, **STYLES[kind])

    return style


@click.command("milestones")
@click.argument("path", default=".", type=click.Path(file_okay=False))
@click.option("--owner", multiple=True, help="Only this owner (repeat for several).")
@click.option(
    "--type",
    "types",
    multiple=True,
    help="Only this milestone-type: plan review, assumptions validation, implementation.",
)
@click.option(
    "--status",
    multiple=True,
    type=click.Choice(["planned", "in progress", "done", "missed"], case_sensitive=False),
    help="Only this status (no status counts as planned).",
)
@click.option("--tactic", multiple=True, help="Only milestones of this tactic.")
@click.option(
    "--artifact",
    multiple=True,
    help="Only milestones on this page (full or short name, or a namespace) or of "
    "pages with this artifact::.",
)
@click.option(
    "--due-within",
    callback=_within,
    metavar="PERIOD",
    help="Only open milestones due from today within PERIOD (30d, 6w, 3m).",
)
@click.option(
    "--overdue", "only_overdue", is_flag=True, help="Only open milestones due before today."
)
@click.option(
    "--sort",
    "sort_key",
    type=click.Choice(SORT_KEYS),
    default="due",
    show_default=True,
    help="Order: due (earliest first), value (highest first), "
    "budget (largest first, per currency).",
)
@click.option(
    "--today",
    "today_text",
    metavar="DATE",
    help="Treat DATE (YYYY-MM-DD) as today, for reproducible reports.",
)
@click.option(
    "--report", type=click.Choice(REPORTS), default="list", show_default=True, help="What to show."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--group-by",
    type=click.Choice(["tactic", "type", "page", "owner"]),
    default="tactic",
    show_default=True,
    help="Mermaid sections.",
)
@click.option(
    "--within",
    "horizon",
    default=DEFAULT_HORIZON,
    callback=_within,
    show_default=True,
    help="Horizon of --report due-soon.",
)
@click.option("--rrule", help="Plan-review recurrence (RFC 5545 RRULE); overrides the config.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write to FILE (atomically), not stdout.",
)
@click.option(
    "--write-page",
    "page_name",
    metavar="NAME",
    help="Write a roadmap page NAME into the graph (managed region).",
)
@click.option("--force", is_flag=True, help="With --write-page: overwrite a hand-edited region.")
@click.option("--width", type=int, help="Table width (default: the terminal's; none in a pipe).")
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour tables (default: on a terminal, unless NO_COLOR is set).",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not print problems found in the items.")
def milestones_command(
    path,
    owner,
    types,
    status,
    tactic,
    artifact,
    due_within,
    only_overdue,
    sort_key,
    today_text,
    report,
    fmt,
    group_by,
    horizon,
    rrule,
    output,
    page_name,
    force,
    width,
    color,
    quiet,
):
    """List milestones, report on them (overdue, due soon, budget, plan review, critical
    path) and export them (JSON, CSV, Mermaid gantt, iCalendar, SVG timeline).

    Items whose dates or amounts do not parse are listed with a problem on stderr
    (file:line) and left out of sums and schedules.
    """
    from bmtools.cli import load

    today = _today(today_text)
    graph = load(path, quiet=True)
    mset = load_milestones(graph)
    rule, rule_diags = find_review_rule(graph, rrule)
    if rrule and rule.source != "--rrule":
        raise click.BadParameter(
            rule_diags[0].message if rule_diags else rrule, param_hint="--rrule"
        )
    if not quiet:
        for d in mset.diagnostics + rule_diags:
            if d.severity != "info":
                click.echo(str(d), err=True)
    filters = Filters(
        list(owner),
        list(types),
        list(status),
        list(tactic),
        list(artifact),
        due_within,
        only_overdue,
    )
    ms = sort_milestones(filter_milestones(mset.every, filters, today), sort_key)
    cpm = critical_path(mset.milestones)
    if not quiet:
        for d in cpm.diagnostics:
            click.echo(str(d), err=True)

    if page_name is not None:
        result = roadmap.write_roadmap_page(
            graph, page_name, ms, today, cpm, rule, group_by=group_by, force=force
        )
        click.echo(result.message, err=True)
        if result.conflict:
            sys.exit(1)
        return

    if color is None:
        color = sys.stdout.isatty() and not output and not os.environ.get("NO_COLOR")
    style = _style(color and fmt == "table")
    w = _width(width)
    payload: str | bytes
    if fmt in ("mermaid", "ics", "svg"):
        payload = _picture(fmt, ms, today, cpm, rule, group_by, report)
    elif report == "list":
        if fmt == "json":
            payload = fdata.generate_json(
                {
                    "today": today.isoformat(),
                    "milestones": [m.to_dict() for m in ms],
                }
            )
        elif fmt == "csv":
            payload = fdata.generate_csv([fdata.milestone_record(m) for m in ms], fdata.CSV_FIELDS)
        else:
            payload = ftext.list_text(ms, today, w, style)
    elif report in ("overdue", "due-soon"):
        if report == "overdue":
            chosen = overdue(ms, today)
        else:
            chosen = due_soon(ms, today, horizon)
        if fmt == "json":
            payload = fdata.generate_json(
                {
                    "today": today.isoformat(),
                    "report": report,
                    "milestones": [m.to_dict() for m in chosen],
                }
            )
        elif fmt == "csv":
            payload = fdata.generate_csv(
                [fdata.milestone_record(m) for m in chosen], fdata.CSV_FIELDS
            )
        elif report == "overdue":
            payload = ftext.overdue_text(chosen, today, w, style)
        else:
            payload = ftext.due_soon_text(chosen, today, horizon_end(today, horizon), w, style)
    elif report == "budget":
        rep = budget_report(ms)
        if fmt == "json":
            payload = fdata.generate_json(rep.to_dict())
        elif fmt == "csv":
            rows = [
                {"group": name, "key": g.key, **g.lines[c].to_dict()}
                for name, groups in [("total", [rep.total]), *rep.groups.items()]
                for g in groups
                for c in sorted(g.lines)
            ]
            payload = fdata.generate_csv(rows)
        else:
            payload = ftext.budget_text(rep, w, style)
    elif report == "review":
        ag = agenda(ms, today, rule)
        if fmt == "json":
            payload = fdata.generate_json(ag.to_dict())
        elif fmt == "csv":
            rows = [
                {"section": section, **fdata.milestone_record(m)}
                for section, lst in (
                    ("coming_due", ag.coming_due),
                    ("recently_due", ag.recently_due),
                    ("still_overdue", ag.still_overdue),
                    ("done_since_last_review", ag.done_since),
                )
                for m in lst
            ]
            payload = fdata.generate_csv(rows, ["section", *fdata.CSV_FIELDS])
        else:
            payload = ftext.review_text(ag, w, style)
    else:  # critical-path
        keep = {m.name for m in ms}
        cpm_view = critical_path([m for m in mset.milestones if m.name in keep])
        if fmt == "json":
            payload = fdata.generate_json(cpm_view.to_dict())
        elif fmt == "csv":
            payload = fdata.generate_csv([t.to_dict() for t in cpm_view.tasks])
        else:
            payload = ftext.cpm_text(cpm_view, w, style)
    _emit(payload, output, color)


def _picture(fmt, ms, today, cpm, rule, group_by, report):
    from bmtools.milestones.formats.ics import generate_ics
    from bmtools.milestones.formats.mermaid import generate_mermaid
    from bmtools.milestones.formats.svg import generate_svg

    if report in ("overdue", "due-soon"):
        ms = overdue(ms, today) if report == "overdue" else due_soon(ms, today)
    critical = cpm.path_names
    if fmt == "mermaid":
        return generate_mermaid(ms, critical, group_by, "Milestones", today)
    if fmt == "ics":
        return generate_ics(ms, today, rule)
    return generate_svg(ms, today, critical)


def _emit(payload: str | bytes, output: str | None, color: bool | None = None) -> None:
    from bmtools.writer import write_bytes

    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    if output:
        write_bytes(
            output, data if data.endswith(b"\n") or not isinstance(payload, str) else data + b"\n"
        )
        click.echo(f"wrote {output}", err=True)
        return
    if isinstance(payload, bytes):
        click.echo(payload, nl=False)  # bytes go to the binary stream
        return
    click.echo(payload.rstrip("\n"), color=color)


COMMANDS = [milestones_command]
