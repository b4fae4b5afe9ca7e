"""``bmtools new …`` and ``bmtools render``: parse options, call the library, report."""

from __future__ import annotations

import click

from bmtools.cliopts import (
    EXIT_FINDINGS,
    EXIT_OK,
    common_options,
    exit_codes,
    graph_path,
    graph_then,
)
from bmtools.render.new import (
    Created,
    NewError,
    new_artifact,
    new_class,
    new_example,
    new_item,
    parse_assignments,
)
from bmtools.render.pages import RenderError, render_graph
from bmtools.render.regions import RegionError, find_regions

EXIT_USAGE = 2
__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "new_command", "render_command"]


class RefusedError(click.ClickException):
    """A page bmtools will not create (exists, bad name…): ``Error: …`` and exit 2."""

    exit_code = EXIT_USAGE


class TemplateFailure(click.ClickException):
    """A template that cannot be used (refused, syntax, sandbox): ``Error: …`` and exit 2."""

    exit_code = EXIT_USAGE


templates_option = click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True),
    help="A folder whose templates shadow the shipped ones, file by file.",
)
dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Print what would be written; write nothing."
)


NEW_EXIT = exit_codes(
    "written (with --dry-run: shown)",
    None,
    "usage error, a name or page refused, a template that cannot be used, or PATH is no "
    "Logseq graph",
)
NEW_QUIET = "Print only errors (and the page with --dry-run): no notes, no 'created FILE'."


def new_subcommand(name: str, *names: tuple[str, str]):
    """A ``bmtools new`` subcommand: ``[PATH] NAME...`` (the old --graph still works),
    --templates, --dry-run, -q and --color/--no-color, the exit codes in --help."""

    def decorator(fn):
        for option in (
            common_options(quiet_help=NEW_QUIET),
            dry_run_option,
            templates_option,
            graph_then(*names, deprecated_option=True),
        ):
            fn = option(fn)
        command = new_command.command(name, epilog=NEW_EXIT)(fn)
        shared = ("templates", "dry_run", "quiet", "color")  # after the command's own options
        command.params.sort(key=lambda p: p.name in shared and shared.index(p.name) + 1)
        return command

    return decorator


def _report(created: Created, dry_run: bool, quiet: bool) -> None:
    if not quiet:
        for warning in created.warnings:
            click.echo(str(warning), err=True)
    if dry_run:
        click.echo(created.appended or created.text, nl=False)
        if not quiet:
            click.echo(f"would write {created.file}", err=True)
    elif quiet:
        return
    elif created.appended:
        click.echo(f"appended to {created.file}")
    else:
        click.echo(f"created {created.file}")


def _run(fn, *args, **kwargs) -> Created:
    try:
        return fn(*args, **kwargs)
    except (NewError, RegionError, ValueError) as exc:
        raise RefusedError(str(exc)) from exc


@click.group("new", epilog=NEW_EXIT)
def new_command() -> None:
    """Create an artifact, class, example or item page from the templates.

    Pages are named per the graph's :file/name-format and never overwritten. The graph is
    the first argument, PATH, as in every command; it may be left out (default: the
    current folder): `bmtools new example graph milestones "Lunar greenhouse"` or, inside
    the graph, `bmtools new example milestones "Lunar greenhouse"`. The older `--graph PATH`
    option still works (deprecated).
    """


@new_subcommand("artifact", ("NAME", "name"))
@click.option("--definition", default="", help="The artifact's definition (one sentence).")
@click.option(
    "--class", "classes", multiple=True, help="An item class of the artifact (repeatable)."
)
@click.option("--icon", default=None, help="The page icon (default 🧿).")
@click.option("--weight", default="", help="The artifact's weight (e.g. 40).")
@click.option(
    "--relation", "relations", multiple=True, help="A related artifact page (repeatable)."
)
def new_artifact_command(
    path, name, definition, classes, icon, weight, relations, templates, dry_run, quiet, color
) -> None:
    """Create the artifact info page NAME/info."""
    created = _run(
        new_artifact,
        graph_path(None, None, path),
        name,
        definition=definition,
        classes=list(classes),
        icon=icon,
        weight=weight,
        relations=list(relations),
        templates=templates,
        dry_run=dry_run,
    )
    _report(created, dry_run, quiet)


@new_subcommand("class", ("NAME", "name"))
@click.option("--description", default="", help="What the class is, in one sentence.")
@click.option("--extends", default=None, help="A class whose fields this one inherits.")
@click.option("--icon", default=None, help="The page icon.")
def new_class_command(
    path, name, description, extends, icon, templates, dry_run, quiet, color
) -> None:
    """Create a class page with its field declarations."""
    created = _run(
        new_class,
        graph_path(None, None, path),
        name,
        description=description,
        extends=extends,
        icon=icon,
        templates=templates,
        dry_run=dry_run,
    )
    _report(created, dry_run, quiet)


@new_subcommand("example", ("ARTIFACT", "artifact"), ("NAME", "name"))
def new_example_command(path, artifact, name, templates, dry_run, quiet, color) -> None:
    """Create the example page ARTIFACT/examples/NAME."""
    root = graph_path(None, None, path)
    created = _run(new_example, root, artifact, name, templates=templates, dry_run=dry_run)
    _report(created, dry_run, quiet)


@new_subcommand("item", ("CLASS", "cls"))
@click.option("--page", required=True, help="The page to append the item to (created if new).")
@click.option("--title", default=None, help="The item's title (or --set title=…).")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE", help="A field value.")
@click.option("--task", "tasks", multiple=True, help="A deliverable task (a TODO child block).")
def new_item_command(
    path, cls, page, title, assignments, tasks, templates, dry_run, quiet, color
) -> None:
    """Append an item of CLASS, with its fields and tasks, to a page."""
    try:
        values = parse_assignments(assignments)
    except NewError as exc:
        raise RefusedError(str(exc)) from exc
    created = _run(
        new_item,
        graph_path(None, None, path),
        cls,
        page,
        values,
        title=title,
        tasks=list(tasks),
        templates=templates,
        dry_run=dry_run,
    )
    _report(created, dry_run, quiet)


RENDER_EXIT = exit_codes(
    "every page written (with --check: up to date)",
    "a region edited by hand was left alone, a page could not be rendered, or (--check) a "
    "page is out of date",
    "usage error, a template that cannot be used, or PATH is no Logseq graph",
)


@click.command("render", epilog=RENDER_EXIT)
@click.argument(
    "path", default=".", type=click.Path(file_okay=False, exists=True), callback=graph_path
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any page is out of date.")
@click.option("--diff", "show_diff", is_flag=True, help="Print unified diffs of the changes.")
@dry_run_option
@click.option("--force", is_flag=True, help="Also overwrite managed regions edited by hand.")
@templates_option
@common_options(
    quiet_help="Print only what fails (errors, regions edited by hand, with --check the pages "
    "out of date) and --diff: no notes, no per-page lines, no summary.",
)
def render_command(path, check, show_diff, dry_run, force, templates, quiet, color) -> None:
    """Re-render the managed regions of every artifact and class page.

    Text outside regions is never changed. A region edited by hand is left alone and
    reported (exit 1) unless --force.
    """
    try:
        plan = render_graph(path, templates=templates, force=force, dry_run=dry_run or check)
    except RenderError as exc:
        raise TemplateFailure(str(exc)) from exc
    for problem in plan.problems:
        if not quiet or problem.severity == "error":
            click.echo(str(problem), err=True)
    for page in plan.pages:
        for conflict in page.conflicts:
            click.echo(
                f"{page.file}:{conflict.line}: region '{conflict.region_id}' {conflict.reason}"
                "; not overwritten (--force replaces it)",
                err=True,
            )
        if page.missing_ids and not quiet:
            click.echo(
                f"{page.file}: no region {', '.join(page.missing_ids)} (add a block with "
                "bmtools-managed:: <id> to have it rendered)",
                err=True,
            )
        writing = not (check or dry_run)
        if page.changed and (not writing or page.file in plan.written):
            ids = ", ".join(page.changed_ids)
            if check:
                verb = "out of date"
            elif dry_run:
                verb = "would update"
            else:
                verb = "updated"
            if check or not quiet:
                click.echo(
                    f"{page.file}: {verb} ({ids})" if check else f"{verb} {page.file} ({ids})"
                )
            if show_diff:
                click.echo(page.diff(), nl=False)
    changed, conflicts = len(plan.changed), len(plan.conflicts)
    if not (check or dry_run):
        changed = len(plan.written)  # a page an author kept editing was not written
    failed = len(plan.errors)
    total = len(plan.pages) + failed
    not_rendered = f", {failed} not rendered" if failed else ""
    if quiet:
        pass
    elif check:
        if plan.up_to_date and not any(find_regions(p.old) for p in plan.pages):
            click.echo(f"no managed region in this graph ({total} artifact and class pages)")
        elif plan.up_to_date:
            click.echo(f"{total} {'page' if total == 1 else 'pages'} up to date")
        else:
            click.echo(
                f"{changed} of {total} pages out of date, {conflicts} regions edited by hand"
                + not_rendered
            )
    else:
        done = "would update" if dry_run else "updated"
        click.echo(
            f"{changed} {'page' if changed == 1 else 'pages'} {done}, "
            f"{len(plan.pages) - changed} unchanged, {conflicts} regions edited by hand"
            + not_rendered
        )
    if conflicts or failed or (check and changed):
        raise SystemExit(EXIT_FINDINGS)


COMMANDS = [new_command, render_command]
