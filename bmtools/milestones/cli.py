"""``bmtools milestones``: list, report and export the milestones of a graph.

The command parses options, runs a report (:data:`bmtools.milestones.reports.REPORTS`) and
hands its data to a format (:data:`bmtools.milestones.formats.FORMATS`)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from typing import TYPE_CHECKING

import click

from bmtools.cliopts import (
    EXIT_FINDINGS,
    common_options,
    emit,
    exit_codes,
    format_option,
    graph_argument,
    load,
    output_option,
    use_color,
)
from bmtools.milestones import roadmap
from bmtools.milestones.cpm import critical_path
from bmtools.milestones.formats import COLOURED, FORMATS, Options
from bmtools.milestones.model import load_milestones
from bmtools.milestones.reports import REPORTS, Request, artifact_names, unknown_artifacts
from bmtools.milestones.review import find_review_rule
from bmtools.milestones.schedule import (
    DEFAULT_HORIZON,
    SORT_KEYS,
    Filters,
    filter_milestones,
    parse_within,
    sort_milestones,
)

if TYPE_CHECKING:
    from bmtools.lint.settings import Settings

STYLES = {
    "overdue": {"fg": "red", "bold": True},
    "done": {"fg": "green"},
    "missed": {"fg": "magenta"},
    "crit": {"fg": "red"},
    "head": {"bold": True},
}


def _settings(root: str) -> Settings:
    """The graph's lint settings (``bmtools.toml``, ``[tool.bmtools]``): the problems this
    command prints are selected and ranked as lint's are. An invalid one is a usage error."""
    from bmtools.lint.settings import ConfigError, load_settings

    try:
        return load_settings(root)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


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


MILESTONES_EXIT = exit_codes(
    "done",
    "--write-page found the roadmap region edited by hand (not overwritten)",
    "usage error (a bad date, period or RRULE; an --artifact that names nothing), PATH is "
    "no Logseq graph, or FILE not written",
)


@click.command("milestones", epilog=MILESTONES_EXIT)
@graph_argument
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
    "--report",
    type=click.Choice(list(REPORTS)),
    default="list",
    show_default=True,
    help="What to show.",
)
@format_option(list(FORMATS), "table")
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
@output_option()
@click.option(
    "--write-page",
    "page_name",
    metavar="NAME",
    help="Write a roadmap page NAME into the graph (managed region).",
)
@click.option("--force", is_flag=True, help="With --write-page: overwrite a hand-edited region.")
@click.option("--width", type=int, help="Table width (default: the terminal's; none in a pipe).")
@common_options(
    colour=True,
    quiet_help="Print only the output and errors: no problems found in the items, no 'wrote FILE'.",
)
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
    today = _today(today_text)
    graph = load(path, quiet=True)
    settings = _settings(graph.root)
    mset = load_milestones(graph, settings=settings)
    unknown = unknown_artifacts(graph, mset, list(artifact), today)
    if unknown:
        known = ", ".join(artifact_names(mset)) or "none"
        raise click.BadParameter(
            f"no artifact, page or namespace named '{unknown[0]}' in {path} "
            f"(artifacts with milestones: {known})",
            param_hint="--artifact",
        )
    rule, rule_diags = find_review_rule(graph, rrule)
    if rrule and rule.source != "--rrule":
        raise click.BadParameter(
            rule_diags[0].message if rule_diags else rrule, param_hint="--rrule"
        )
    if not quiet:
        for d in mset.diagnostics + settings.apply(rule_diags):
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
        for d in settings.apply(cpm.diagnostics):
            click.echo(str(d), err=True)

    if page_name is not None:
        result = roadmap.write_roadmap_page(
            graph, page_name, ms, today, cpm, rule, group_by=group_by, force=force
        )
        if result.conflict or not quiet:
            click.echo(result.message, err=True)
        if result.conflict:
            sys.exit(EXIT_FINDINGS)
        return

    color = use_color(color, output) and fmt in COLOURED
    found = REPORTS[report](Request(ms, mset, today, rule, horizon))
    opts = Options(_width(width), _style(color), cpm.path_names, rule, group_by)
    payload = FORMATS[fmt](found, opts)
    if isinstance(payload, str):
        payload = payload if payload.endswith("\n") else payload + "\n"
    emit(payload, output, quiet=quiet, color=color)


COMMANDS = [milestones_command]
