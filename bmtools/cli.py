"""The ``bmtools`` command line: parses arguments and calls the library, nothing more."""

from __future__ import annotations

import json
import os
import sys

import click

from bmtools import __version__
from bmtools.loader import GraphRootError, load_graph
from bmtools.model import Graph

EXIT_OK, EXIT_FINDINGS, EXIT_FAILURE = 0, 1, 2


class BmtoolsGroup(click.Group):
    """Turns any unexpected exception into a one-line message and exit code 2, never a traceback."""

    # Lazy feature commands, click's documented pattern: a feature's module is imported when
    # one of its commands runs (get_command) or when the full list is wanted (list_commands,
    # for help and completion), so `bmtools lint` does not import the renderer and planner.
    def get_command(self, ctx: click.Context, cmd_name: str):
        for module, names in FEATURES.items():
            if cmd_name in names:
                _register(module)
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for module in FEATURES:
            _register(module)
        return sorted(self.commands)

    def invoke(self, ctx: click.Context):
        _escape_unencodable_output()
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except GraphRootError as exc:
            click.echo(f"bmtools: error: {exc}", err=True)
            ctx.exit(EXIT_FAILURE)
        except Exception as exc:  # the last line of defence for users' files
            if os.environ.get("BMTOOLS_DEBUG"):
                raise
            click.echo(
                f"bmtools: internal error: {type(exc).__name__}: {exc} "
                "(set BMTOOLS_DEBUG=1 for a traceback)",
                err=True,
            )
            ctx.exit(EXIT_FAILURE)


def _escape_unencodable_output() -> None:
    """A file name that is not UTF-8 holds surrogates: print them as ``\\udcXX``, so that
    every output stays valid text, instead of failing or writing raw bytes."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        lax = getattr(stream, "errors", "") in ("strict", "surrogateescape")
        if reconfigure is not None and lax:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def graph_path(ctx: click.Context | None, param: click.Parameter | None, value: str) -> str:
    """The graph root a command's PATH names (itself, or the graph its bmtools.toml names);
    a folder that is no Logseq graph is an error (exit 2). Also a click callback."""
    from bmtools.lint.settings import graph_folder

    return graph_folder(value)


def load(path: str, quiet: bool = False) -> Graph:
    graph = load_graph(graph_path(None, None, path))
    if not quiet:
        for d in graph.diagnostics:
            if d.severity != "info":
                click.echo(str(d), err=True)
    return graph


path_argument = click.argument("path", default=".", type=click.Path(file_okay=False))


@click.group(cls=BmtoolsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bmtools")
def main() -> None:
    """Read, lint, render and run Logseq graphs of business-model artifacts."""


@main.command("graph")
@path_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "graphml", "gexf", "dot"]),
    default="json",
    show_default=True,
    help="Output format.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE, not stdout.")
@click.option("--blocks", is_flag=True, help="Add a node per block (large graphs get big).")
@click.option("-q", "--quiet", is_flag=True, help="Do not print reading problems.")
def graph_command(path: str, fmt: str, output: str | None, blocks: bool, quiet: bool) -> None:
    """Export the page graph (Gephi: gexf/graphml, Graphviz: dot)."""
    from bmtools.graph import to_networkx
    from bmtools.readwrite import FORMATS
    from bmtools.writer import write_bytes

    G = to_networkx(load(path, quiet), blocks=blocks)
    if output:
        import io

        buf = io.BytesIO()
        FORMATS[fmt](G, buf)
        write_bytes(output, buf.getvalue())
        click.echo(
            f"wrote {output}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges", err=True
        )
    else:
        FORMATS[fmt](G, sys.stdout.buffer)
        sys.stdout.flush()


@main.command("stats")
@path_argument
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--top", default=10, show_default=True, help="How many most-linked pages.")
@click.option("-q", "--quiet", is_flag=True, help="Do not print reading problems.")
def stats_command(path: str, fmt: str, top: int, quiet: bool) -> None:
    """Count pages, journals, blocks, refs, orphans and missing pages."""
    from bmtools.graph import to_networkx
    from bmtools.inspect import format_stats, graph_stats

    graph = load(path, quiet)
    stats = graph_stats(graph, to_networkx(graph), top)
    click.echo(
        json.dumps(stats, indent=2, ensure_ascii=False) if fmt == "json" else format_stats(stats)
    )


@main.command("show")
@click.argument("path", type=click.Path(file_okay=False))
@click.argument("page", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("-q", "--quiet", is_flag=True, help="Do not print reading problems.")
def show_command(path: str, page: str | None, fmt: str, quiet: bool) -> None:
    """Show one page: title, file, properties, outline and backlinks.

    With one argument, PATH is the current directory and the argument is the page.
    """
    from bmtools.graph import to_networkx
    from bmtools.inspect import format_page_view, page_view

    if page is None:
        path, page = ".", path
    graph = load(path, quiet)
    found = graph.resolve(page)
    if found is None:
        raise click.ClickException(f"no page named '{page}' in {path}")
    view = page_view(graph, to_networkx(graph), found)
    click.echo(
        json.dumps(view, indent=2, ensure_ascii=False, default=str)
        if fmt == "json"
        else format_page_view(view)
    )


# Feature commands live beside their library code, each module exporting COMMANDS.
FEATURES = {
    "bmtools.lint.cli": ("lint", "rules", "rule", "metamodel"),
    "bmtools.render.cli": ("new", "render"),
    "bmtools.milestones.cli": ("milestones",),
    "bmtools.site.cli": ("site",),
}


def _register(module: str) -> None:
    from importlib import import_module

    for command in import_module(module).COMMANDS:
        if command.name not in main.commands:
            main.add_command(command)
