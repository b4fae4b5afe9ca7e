"""``bmtools site``: publish a graph as a static HTML site (and preview it)."""

from __future__ import annotations

import datetime as dt

import click
from jinja2 import TemplateError

from bmtools.cliopts import common_options, exit_codes, graph_argument, graph_path
from bmtools.gcpause import paused_gc
from bmtools.site.build import SiteError, build_site_from


def _today(ctx, param, value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)") from exc


@click.command(
    "site",
    epilog=exit_codes(
        "the site was written", "nothing to publish", "a folder or theme it cannot use"
    ),
)
@graph_argument
@click.option(
    "-o",
    "--output",
    "out",
    default="site",
    show_default=True,
    type=click.Path(file_okay=False),
    help="The folder to write the site to (new, empty, or written by bmtools site before).",
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Publish every page, whatever public:: and config.edn say.",
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False),
    help="A folder whose site/ files shadow the shipped theme, file by file "
    "(default: :bmtools/templates in config.edn).",
)
@click.option("--title", help="The site's title (default: the graph folder's name).")
@click.option(
    "--base-url", metavar="URL", help="The site's public address, for absolute sitemap URLs."
)
@click.option(
    "--today",
    "today",
    metavar="DATE",
    callback=_today,
    help="Treat DATE (YYYY-MM-DD) as today on roadmaps (default: today).",
)
@click.option(
    "--clean",
    is_flag=True,
    help="Empty the folder first (only when it holds nothing but an earlier site).",
)
@click.option("--serve", is_flag=True, help="Serve the site on 127.0.0.1 and rebuild on change.")
@click.option("--port", default=8000, show_default=True, help="Port for --serve (0: any free).")
@common_options(quiet_help="Print only errors: no summary, no reading problems.")
def site_command(
    path, out, everything, templates, title, base_url, today, clean, serve, port, quiet, color
) -> None:
    """Write a static HTML site: one page per published page, indexes, search, roadmaps.

    Pages with public:: true are published, or all of them with
    :publishing/all-pages-public? true in logseq/config.edn, or with --all.
    """
    root = graph_path(None, None, path)

    def report(diagnostics) -> None:
        for d in diagnostics:
            if d.severity != "info":
                click.echo(str(d), err=True)

    def run(quiet_run: bool) -> str:
        result = build_site_from(
            root,
            out,
            everything=everything,
            templates=templates,
            title=title,
            base_url=base_url,
            today=today,
            clean=clean and not serve_state["built"],
            report=None if quiet_run else report,
        )
        serve_state["built"] = True
        for problem in result.problems:
            click.echo(problem, err=True)
        return f"wrote {out}: {result.summary()}"

    serve_state = {"built": False}
    try:
        # The heap frozen after the one build of a plain run: the interpreter's collection at
        # exit does not walk the millions of objects it made (~0.2 s on a 10k-page graph).
        with paused_gc(freeze=not serve):
            summary = run(quiet)
        if not quiet:
            click.echo(summary, err=True)
    except SiteError as exc:
        click.echo(f"bmtools site: {exc}", err=True)
        raise SystemExit(exc.code) from None
    except (TemplateError, FileNotFoundError) as exc:  # a theme that cannot be used
        from bmtools.render.engine import describe_template_error

        what = describe_template_error(exc) if isinstance(exc, TemplateError) else str(exc)
        click.echo(f"bmtools site: theme: {what}", err=True)
        raise SystemExit(2) from None
    if serve:
        from bmtools.site.serve import serve_site

        serve_site(out, root, lambda: run(True), port=port, echo=lambda m: click.echo(m, err=True))


COMMANDS = [site_command]
