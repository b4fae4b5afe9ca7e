"""The ``bmtools`` command line: parses arguments and calls the library, nothing more."""

from __future__ import annotations

import io
import json
import os
import sys
from typing import Any, NoReturn

import click

from bmtools import __version__
from bmtools.cliopts import (
    EXIT_FAILURE,
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_PIPE_CLOSED,
    common_options,
    emit,
    exit_codes,
    format_option,
    graph_argument,
    graph_path,
    graph_then,
    load,
    output_option,
)
from bmtools.loader import GraphRootError

__all__ = ["EXIT_FAILURE", "EXIT_FINDINGS", "EXIT_OK", "graph_path", "load", "main"]


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

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """click's main, then a flush of what is still buffered for stdout: a reader that
        stopped early (``| head``) ends the run quietly with 141, even at that last flush."""
        try:
            result = super().main(*args, **kwargs)
        except SystemExit:
            _flush_stdout()
            raise
        _flush_stdout()
        return result

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:  # `bmtools --help | head -1` writes while parsing
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:
            _pipe_closed()

    def invoke(self, ctx: click.Context):
        _escape_unencodable_output()
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            _pipe_closed()
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


def _pipe_closed() -> NoReturn:
    """Python's documented recipe for SIGPIPE: whatever is still buffered goes to /dev/null
    (so the interpreter's last flush cannot fail), and the run ends with 141 and no message,
    as a shell reports `cat` cut off by `| head`; 141, not 0, so that `set -o pipefail`
    never takes a cut-off run of `bmtools lint` for a clean one."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            pass  # not a real file (click's test runner): nothing is left to flush
    os.close(devnull)
    raise click.exceptions.Exit(EXIT_PIPE_CLOSED)


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        try:
            _pipe_closed()
        except click.exceptions.Exit as exc:
            raise SystemExit(exc.exit_code) from None


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


CONVENTIONS = """Every command names the graph by its first argument, PATH (default: the
current folder; a folder whose bmtools.toml names a graph stands for it), accepts -q/--quiet
and --color/--no-color (NO_COLOR is honoured), and says 'wrote FILE' on stderr for each
-o FILE. A run whose reader closes the output early (bmtools lint | head) ends quietly.

Exit status: 0 ok; 1 findings or problems (each command's --help says which); 2 usage error
or failure; 141 the reader of the output closed it early."""


@click.group(
    cls=BmtoolsGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=CONVENTIONS,
)
@click.version_option(__version__, prog_name="bmtools")
def main() -> None:
    """Read, lint, render and run Logseq graphs of business-model artifacts."""


READ_FAILURE = "usage error, or PATH is no readable Logseq graph"


@main.command("graph", epilog=exit_codes("written", None, READ_FAILURE + ", or FILE not written"))
@graph_argument
@format_option(["json", "graphml", "gexf", "dot"], "json")
@output_option()
@click.option("--blocks", is_flag=True, help="Add a node per block (large graphs get big).")
@common_options()
def graph_command(
    path: str, fmt: str, output: str | None, blocks: bool, quiet: bool, color: bool | None
) -> None:
    """Export the page graph (Gephi: gexf/graphml, Graphviz: dot)."""
    from bmtools.graph import to_networkx
    from bmtools.readwrite import FORMATS

    G = to_networkx(load(path, quiet), blocks=blocks)
    if output:
        buf = io.BytesIO()
        FORMATS[fmt](G, buf)
        size = f"{G.number_of_nodes()} nodes, {G.number_of_edges()} edges"
        emit(buf.getvalue(), output, quiet=quiet, detail=size)
    else:
        FORMATS[fmt](G, sys.stdout.buffer)
        sys.stdout.flush()


@main.command("stats", epilog=exit_codes("counted", None, READ_FAILURE))
@graph_argument
@format_option(["text", "json"], "text")
@click.option("--top", default=10, show_default=True, help="How many most-linked pages.")
@common_options()
def stats_command(path: str, fmt: str, top: int, quiet: bool, color: bool | None) -> None:
    """Count pages, journals, blocks, refs, orphans and missing pages."""
    from bmtools.graph import to_networkx
    from bmtools.inspect import format_stats, graph_stats

    graph = load(path, quiet)
    stats = graph_stats(graph, to_networkx(graph), top)
    click.echo(
        json.dumps(stats, indent=2, ensure_ascii=False) if fmt == "json" else format_stats(stats)
    )


@main.command("show", epilog=exit_codes("shown", "no page of that name", READ_FAILURE))
@graph_then(("PAGE", "page"))
@format_option(["text", "json"], "text")
@common_options()
def show_command(path: str, page: str, fmt: str, quiet: bool, color: bool | None) -> None:
    """Show one page: title, file, properties, outline and backlinks.

    PATH may be left out: with one argument, it is the page, in the current folder's graph.
    """
    from bmtools.graph import to_networkx
    from bmtools.inspect import format_page_view, page_view

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
