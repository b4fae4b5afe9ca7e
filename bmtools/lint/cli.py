"""``bmtools lint``, ``bmtools rules``, ``bmtools rule CODE``, ``bmtools metamodel``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from bmtools.cliopts import (
    EXIT_FAILURE,
    EXIT_FINDINGS,
    EXIT_OK,
    common_options,
    emit,
    exit_codes,
    format_option,
    graph_argument,
    load,
    output_option,
    use_color,
)
from bmtools.lint.formats import FORMATS, Report, render
from bmtools.lint.registry import all_rules, catalogue_rules, get_rule, markdown_table
from bmtools.lint.selector import SelectorError, split_codes
from bmtools.lint.settings import ConfigError, lint_path
from bmtools.loader import GraphRootError

PROGRESS_MIN_FILES = 2000


def _codes(ctx, param, value):
    return split_codes(value) or None


def exit_code(diagnostics, strict: bool) -> int:
    for d in diagnostics:
        if d.severity == "error" or (strict and d.severity == "warning"):
            return EXIT_FINDINGS
    return EXIT_OK


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


LINT_EXIT = exit_codes(
    "no finding that fails (with --exit-zero: always)",
    "findings that fail: errors, and warnings too with --strict; with --diff, fixes to show",
    "usage error, bad configuration, selector or baseline, or a PATH in no Logseq graph",
)


@click.command("lint", epilog=LINT_EXIT)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--select",
    multiple=True,
    callback=_codes,
    metavar="CODES",
    help="Rules to enable (codes, prefixes such as BM4, names, or ALL); replaces the default set.",
)
@click.option("--ignore", multiple=True, callback=_codes, metavar="CODES", help="Rules to disable.")
@click.option(
    "--extend-select",
    multiple=True,
    callback=_codes,
    metavar="CODES",
    help="Rules to enable on top of the selected ones.",
)
@format_option(FORMATS, "text")
@output_option()
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--fix", is_flag=True, help="Apply safe fixes (atomically, in place).")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply (or show) unsafe fixes.")
@click.option("--diff", is_flag=True, help="Show the fixes as a unified diff; write nothing.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the lint cache.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    envvar="BMTOOLS_CACHE_DIR",
    help="Where lint caches live (default: the user's cache directory).",
)
@click.option("--statistics", is_flag=True, help="Count the findings per rule instead.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with findings.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="List info findings too; say on stderr how the cache answered.",
)
@click.option(
    "--show-info",
    is_flag=True,
    help="List info findings one by one (text format; by default they are counted per rule).",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Accept the findings listed in FILE; only new ones are reported and fail.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write every finding to FILE as the baseline (then nothing fails).",
)
@common_options(
    colour=True,
    quiet_help="Print the findings and errors only: no progress, 'wrote FILE' or baseline notes.",
)
def lint_command(
    paths,
    select,
    ignore,
    extend_select,
    fmt,
    output,
    strict,
    fix,
    unsafe_fixes,
    diff,
    no_cache,
    cache_dir,
    color,
    statistics,
    exit_zero,
    verbose,
    show_info,
    baseline,
    write_baseline,
    quiet,
):
    """Check graphs (or some of their files) against the rules; exit 1 on findings.

    PATHS are graph folders, folders inside a graph or page files (default: .). A folder
    that is no graph may name one in its bmtools.toml or [tool.bmtools]: graph = "notes".
    """
    from bmtools.lint import runner

    try:
        paths = [lint_path(p) for p in paths or ["."]]
    except (ConfigError, GraphRootError) as exc:
        click.echo(f"bmtools: error: {exc}", err=True)
        sys.exit(EXIT_FAILURE)
    known = None
    if baseline and not (write_baseline and _same_file(baseline, write_baseline)):
        from bmtools.lint.baseline import BaselineError, load

        try:  # before linting: a malformed baseline should not cost a run
            known = load(baseline)
        except BaselineError as exc:
            click.echo(f"bmtools: error: {exc}", err=True)
            sys.exit(EXIT_FAILURE)

    bar = None
    progress = None
    if fmt == "text" and sys.stderr.isatty() and not quiet:
        bar_state = {"bar": None}

        def progress(code, pages):  # one step per rule, on long runs only
            if pages < PROGRESS_MIN_FILES:
                return
            if bar_state["bar"] is None:
                bar_state["bar"] = click.progressbar(
                    length=len(all_rules()), label="linting", file=sys.stderr
                )
                bar_state["bar"].__enter__()
            bar_state["bar"].update(1)

        bar = bar_state
    try:
        result = runner.run(
            list(paths) or ["."],
            select=select,
            ignore=ignore,
            extend_select=extend_select,
            fix=fix,
            unsafe_fixes=unsafe_fixes,
            diff=diff,
            use_cache=not no_cache,
            cache_dir=cache_dir,
            progress=progress,
            log=(lambda line: click.echo(f"bmtools: {line}", err=True)) if verbose else None,
        )
    except (ConfigError, SelectorError, FileNotFoundError) as exc:
        click.echo(f"bmtools: error: {exc}", err=True)
        sys.exit(EXIT_FAILURE)
    finally:
        if bar is not None and bar["bar"] is not None:
            bar["bar"].__exit__(None, None, None)
    for why in result.refused:
        click.echo(f"bmtools: {why}", err=True)
    if diff:
        text = "".join(result.diffs)
        emit(text, output, quiet=quiet, detail=_plural(len(result.diffs), "diff"))
        if fmt == "text" and not output and result.fixed and not quiet:
            n = result.fixed
            click.echo(f"Would fix {n} problem{'s' if n != 1 else ''}.", err=True)
        sys.exit(EXIT_FINDINGS if result.diffs else EXIT_OK)
    found, accepted = result.diagnostics, 0
    if write_baseline or known is not None:
        try:
            found, accepted = _apply_baseline(
                found,
                known,
                baseline,
                write_baseline,
                paths,
                (select, ignore, extend_select),
                quiet,
            )
        except (ConfigError, SelectorError) as exc:
            click.echo(f"bmtools: error: {exc}", err=True)
            sys.exit(EXIT_FAILURE)
    fingerprints = None
    if fmt == "sarif":
        from bmtools.lint.baseline import sarif_fingerprints

        fingerprints = sarif_fingerprints(found)
    report = Report(
        found,
        files_checked=result.files_checked,
        fixed=result.fixed,
        color=use_color(color, output),
        unsafe_fixes=unsafe_fixes,
        show_info=show_info or verbose,
        baselined=accepted if (write_baseline or known is not None) else None,
        fingerprints=fingerprints,
    )
    text = _statistics(found) if statistics and fmt == "text" else render(fmt, report)
    emit(text, output, quiet=quiet, color=report.color, detail=_plural(len(found), "finding"))
    sys.exit(EXIT_OK if exit_zero else exit_code(found, strict))


FIXED_SHOWN = 10  # fixed baseline findings listed on stderr; the rest are counted


def _same_file(a: str, b: str) -> bool:
    return os.path.abspath(a) == os.path.abspath(b)


def _scope(paths: list[str], options: tuple):
    """Whether a baseline entry is about a file and a rule this run looked at: only those
    can be called fixed when they are not found, or be replaced when the baseline is
    written again."""
    from bmtools.lint.runner import find_root
    from bmtools.lint.settings import load_settings

    select, ignore, extend_select = options
    targets = []
    for path in paths:
        root, scope = find_root(path)
        settings = load_settings(root).with_overrides(select, ignore, extend_select)
        targets.append((root, scope, settings, settings.enabled()))

    def in_scope(entry, base: Path) -> bool:
        full = (base / entry.file).resolve() if entry.file else None
        for root, scope, settings, enabled in targets:
            if entry.code not in enabled:
                continue
            if full is None:
                return True
            if not full.is_relative_to(root):
                continue
            rel = full.relative_to(root).as_posix()
            if settings.excluded(rel):
                continue
            if scope is None or rel == scope or (scope.endswith("/") and rel.startswith(scope)):
                return True
        return False

    return in_scope


def _apply_baseline(found, known, read_from, write_to, paths, options, quiet=False):
    """(the findings to report, how many the baseline accepted); writes the baseline with
    --write-baseline and tells on stderr what it wrote or which known findings are gone."""
    from bmtools.lint import baseline as bl

    in_scope = _scope(paths, options)
    if write_to:
        base = Path(write_to).resolve().parent
        kept = [e for e in bl.existing(write_to) if not in_scope(e, base)]
        n = bl.write(write_to, found, kept)
        if not quiet:
            click.echo(f"bmtools: wrote {_plural(n, 'finding')} to {write_to}", err=True)
        return [], len(found)
    base = Path(read_from).resolve().parent
    outcome = bl.apply(known, found, base, lambda e: in_scope(e, base))
    if outcome.fixed and not quiet:
        n = outcome.fixed_count
        click.echo(
            f"bmtools: {n:,} finding{'s' if n != 1 else ''} of the baseline "
            f"{'are' if n != 1 else 'is'} gone (fixed); drop {'them' if n != 1 else 'it'} "
            f"from {read_from} with --write-baseline {read_from}",
            err=True,
        )
        for e in outcome.fixed[:FIXED_SHOWN]:
            times = f" (x{e.count})" if e.count > 1 else ""
            click.echo(f"  {e.file or '.'}: {e.code} {e.message}{times}", err=True)
        if len(outcome.fixed) > FIXED_SHOWN:
            click.echo(f"  ... and {len(outcome.fixed) - FIXED_SHOWN:,} more", err=True)
    return outcome.new, outcome.accepted


def _statistics(diagnostics) -> str:
    counts: dict[str, list] = {}
    for d in diagnostics:
        entry = counts.setdefault(d.code, [0, d.name, 0])
        entry[0] += 1
        if d.fix is not None and d.fix.applies(False):
            entry[2] += 1
    rows = sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0]))
    return "".join(
        f"{n:>6}  {code}  {'[*]' if fixable else '   '} {name}\n"
        for code, (n, name, fixable) in rows
    )


@click.command("rules", epilog=exit_codes("listed", None, "usage error"))
@format_option(["text", "json", "markdown"], "text")
@common_options()
def rules_command(fmt, quiet, color):
    """List every rule: code, name, default severity, on/off by default, summary.

    Every code bmtools reports is listed; the few that another command reports say which.
    `--format markdown` prints the table of docs/lint.md.
    """
    rules = catalogue_rules()
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in rules.values()], indent=2, ensure_ascii=False))
        return
    if fmt == "markdown":
        click.echo(markdown_table(rules.values()), nl=False)
        return
    family = None
    for r in rules.values():
        if r.family != family:
            family = r.family
            click.echo(f"{'' if r.code == 'BM001' else chr(10)}{family}:")
        state = "on" if r.default else "off"
        fix = "fix" if r.fix_title else ""
        where = "" if r.reported_by == "bmtools lint" else f" (reported by {r.reported_by})"
        click.echo(f"  {r.code}  {r.name:<28} {r.severity:<8}{state:<4}{fix:<4} {r.summary}{where}")


@click.command("rule", epilog=exit_codes("explained", None, "usage error, or no rule CODE"))
@click.argument("code")
@common_options()
def rule_command(code, quiet, color):
    """Explain one rule (CODE or name): what it does, why, a bad and a good example."""
    r = get_rule(code)
    if r is None:
        click.echo(f"bmtools: error: unknown rule '{code}' (see `bmtools rules`)", err=True)
        sys.exit(EXIT_FAILURE)
    default = "on" if r.default else "off"
    click.echo(f"# {r.name} ({r.code})\n")
    click.echo(f"Family: {r.family}. Default severity: {r.severity}. On by default: {default}.")
    if r.reported_by != "bmtools lint":
        click.echo(f"Reported by: {r.reported_by} (lint does not look for it).")
    if r.fix_title:
        click.echo(f"Fix: {r.fix_title}.")
    click.echo("")
    click.echo(r.doc)


@click.command(
    "metamodel",
    epilog=exit_codes("printed", None, "usage error, or PATH is no readable Logseq graph"),
)
@graph_argument
@format_option(["text", "json"], "text")
@common_options()
def metamodel_command(path, fmt, quiet, color):
    """Print the effective metamodel: classes with their fields, artifact pages.

    Problems in the class and artifact pages go to stderr (file:line), unless -q.
    """
    from bmtools.metamodel import load_metamodel

    mm = load_metamodel(load(path, quiet=True))
    data = mm.to_dict()
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        return
    for c in data["classes"].values():
        where = "built-in" if c["builtin"] else c["file"]
        ext = f" extends {c['extends']}" if c["extends"] else ""
        click.echo(f"class {c['title']}{ext}  ({where})")
        if c["description"]:
            click.echo(f"  {c['description']}")
        for fname, f in c["fields"].items():
            attrs = [f["type"]]
            if f["required"]:
                attrs.append("required")
            if f["many"]:
                attrs.append("many")
            if f["class"]:
                attrs.append(f"class {f['class']}")
            if f["options"]:
                attrs.append("options: " + " | ".join(f["options"]))
            click.echo(f"  - {fname}: {', '.join(attrs)}")
        click.echo("")
    for a in data["artifacts"]:
        click.echo(f"artifact {a['page']}  ({a['file']})")
        click.echo(
            f"  metamodel-id: {a['metamodel-id']}; item-classes: "
            f"{', '.join(a['item-classes']) or '-'}; relations: "
            f"{', '.join(a['relations']) or '-'}; weight: {a['weight']}"
        )
        click.echo(f"  sections: {', '.join(a['sections'])}")
    for d in [] if quiet else mm.diagnostics:
        click.echo(f"{d.file}:{d.line}:{d.col}: {d.code} {d.message}", err=True)


COMMANDS = [lint_command, rules_command, rule_command, metamodel_command]
