"""What every ``bmtools`` command shares, as click decorators and helpers (sqlite-utils'
``output_options`` is the model): the graph named by a PATH argument, ``-q``,
``--color/--no-color`` with ``NO_COLOR``, ``-o FILE`` through the safe writer with one
``wrote FILE`` line on stderr, and exit codes stated in ``--help``.

Feature CLIs import this module, never :mod:`bmtools.cli`, so that the top-level command can
import them lazily and none of them depends on another.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from bmtools.model import Graph

EXIT_OK, EXIT_FINDINGS, EXIT_FAILURE = 0, 1, 2
EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE: what a shell reports for `cat` cut off by `| head`

PIPE_NOTE = "141 the reader of the output closed it early"


def exit_codes(ok: str, findings: str | None, failure: str) -> str:
    """The ``Exit status:`` paragraph of a command's help, one clause per code it can end
    with; tests run each command into each code and compare with this text."""
    codes = [f"0 {ok}"]
    if findings:
        codes.append(f"1 {findings}")
    codes += [f"2 {failure}", PIPE_NOTE]
    return "Exit status: " + "; ".join(codes) + "."


class Failure(click.ClickException):
    """The command cannot do its work (unwritable FILE, bad configuration): a one-line
    ``bmtools: error: ...`` and exit 2, never a traceback."""

    exit_code = EXIT_FAILURE

    def show(self, file: Any = None) -> None:
        click.echo(f"bmtools: error: {self.format_message()}", err=True)


# --- the graph ------------------------------------------------------------------------


def graph_path(ctx: click.Context | None, param: click.Parameter | None, value: str) -> str:
    """The graph root a command's PATH names (itself, or the graph its bmtools.toml names);
    a folder that is no Logseq graph is an error (exit 2). Also a click callback."""
    from bmtools.lint.settings import graph_folder

    return graph_folder(value)


def load(path: str, quiet: bool = False) -> Graph:
    """Load the graph PATH names; its reading problems go to stderr unless ``quiet``."""
    from bmtools.loader import load_graph

    graph = load_graph(graph_path(None, None, path))
    if not quiet:
        for d in graph.diagnostics:
            if d.severity != "info":
                click.echo(str(d), err=True)
    return graph


graph_argument = click.argument("path", default=".", type=click.Path(file_okay=False))
"""PATH, the graph folder (default: the current one): the first argument of every command."""


def graph_then(*names: tuple[str, str], deprecated_option: bool = False):
    """``[PATH] NAME...``: the graph first and optional, then required NAMEs, as ``show`` and
    ``new`` take them. With as many words as NAMEs, PATH is ``.``; one more, and the first
    word is PATH. ``names`` are (METAVAR, parameter name) pairs; the command receives
    ``path`` and one keyword per NAME. ``deprecated_option`` keeps the old ``--graph PATH``
    working (hidden from the usage line; stated in the group's help)."""

    metavars = [m for m, _ in names]

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, words: tuple[str, ...], **kwargs: Any) -> Any:
            old = kwargs.pop("graph_option", None) if deprecated_option else None
            words = tuple(words)
            if len(words) == len(names) + 1:
                path, words = words[0], words[1:]
                if old is not None:
                    raise click.UsageError(f"the graph is named twice: '{path}' and --graph {old}")
            elif len(words) == len(names):
                path = old if old is not None else "."
            elif len(words) < len(names):
                raise click.UsageError(f"Missing argument '{metavars[len(words)]}'.")
            else:
                extra = " ".join(words[len(names) + 1 :])
                raise click.UsageError(f"Got unexpected extra arguments ({extra})")
            values = {key: word for (_, key), word in zip(names, words, strict=True)}
            return fn(*args, path=path, **values, **kwargs)

        wrapper = click.argument("words", nargs=-1, metavar="[PATH] " + " ".join(metavars))(wrapper)
        if deprecated_option:
            wrapper = click.option(
                "--graph",
                "graph_option",
                hidden=True,
                metavar="PATH",
                help="Deprecated: name the graph as the first argument.",
            )(wrapper)
        return wrapper

    return decorator


# --- shared options ---------------------------------------------------------------------


def quiet_option(help: str):
    return click.option("-q", "--quiet", is_flag=True, help=help)


def color_option(shown: bool = True):
    """``--color/--no-color``; accepted by every command so scripts can pass it anywhere,
    shown in the help only where the output has colour."""
    return click.option(
        "--color/--no-color",
        "color",
        default=None,
        hidden=not shown,
        help="Colour the output (default: on a terminal, unless NO_COLOR is set).",
    )


QUIET_HELP = "Print only the output and errors: no notes, no reading problems."


def common_options(*, colour: bool = False, quiet_help: str = QUIET_HELP):
    """-q/--quiet and --color/--no-color, for every command (the command gets ``quiet`` and
    ``color``; ``colour`` says whether its output has any, to show the option in --help)."""

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed([quiet_option(quiet_help), color_option(shown=colour)]):
            fn = option(fn)
        return fn

    return decorator


def output_option(help: str = "Write to FILE (atomically), not stdout; says 'wrote FILE'."):
    return click.option(
        "-o", "--output", type=click.Path(dir_okay=False), metavar="FILE", help=help
    )


def format_option(choices: Sequence[str], default: str, help: str = "Output format."):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help=help,
    )


def use_color(flag: bool | None, output: str | None = None) -> bool:
    """Whether to colour: --color/--no-color when given, else never with NO_COLOR set (not
    empty, https://no-color.org), into a file, or when stdout is not a terminal."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    return not output and sys.stdout.isatty()


# --- output -----------------------------------------------------------------------------


def write_output(output: str, payload: str | bytes, quiet: bool = False, detail: str = "") -> None:
    """Write FILE through the safe writer (atomic, the user's umask) and say
    ``wrote FILE[: detail]`` on stderr unless ``quiet``; a write that fails exits 2."""
    from bmtools.writer import UnsafePathError, write_bytes

    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    try:
        write_bytes(output, data)
    except UnsafePathError as exc:  # its message names the path
        raise Failure(f"cannot write {exc}") from None
    except OSError as exc:
        raise Failure(f"cannot write {output}: {exc.strerror or exc}") from None
    if not quiet:
        click.echo(f"wrote {output}{': ' + detail if detail else ''}", err=True)


def emit(
    payload: str | bytes,
    output: str | None,
    *,
    quiet: bool = False,
    color: bool | None = None,
    detail: str = "",
) -> None:
    """The command's output, exactly as given: to FILE with ``-o`` (see :func:`write_output`),
    else to stdout (bytes to the binary stream; ANSI styles kept only when ``color``)."""
    if output:
        write_output(output, payload, quiet, detail)
    elif isinstance(payload, bytes):
        click.echo(payload, nl=False)
    else:
        click.echo(payload, nl=False, color=color)
