"""The Jinja environment: sandboxed, strict, escaping every value, user templates first."""

from __future__ import annotations

import os
import stat
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2 import Environment as _Environment
from jinja2.bccache import MemcachedBytecodeCache
from jinja2.sandbox import SandboxedEnvironment

from bmtools.render import escape
from bmtools.render.regions import reindent, seal_regions
from bmtools.safeio import read_regular

TEMPLATE_NAMES = {
    "artifact": "artifact.md.j2",
    "class": "class.md.j2",
    "example": "example.md.j2",
    "item": "item.md.j2",
    "questions": "questions.md.j2",
}


def shipped_templates_dir() -> Path:
    """The folder of the templates shipped with bmtools (``bmtools.templates``)."""
    try:
        from importlib.resources import files

        path = Path(str(files("bmtools.templates")))
        if (path / TEMPLATE_NAMES["artifact"]).is_file():
            return path
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent.parent / "templates"


def _tags(names: Any) -> escape.LogseqSafe:
    return escape.LogseqSafe(", ".join(escape.tag(n) for n in names if escape.clean_page_name(n)))


def _refs(names: Any) -> escape.LogseqSafe:
    return escape.page_refs(list(names))


MAX_TEMPLATE_BYTES = 1024 * 1024  # the shipped templates are a few KiB; a bigger file is a mistake

_FILE_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


class TemplateRefused(TemplateError):
    """A template file bmtools will not read: outside its folder, not a regular file, too big
    or not UTF-8. Not a ``TemplateNotFound``, so no other folder is tried in its place."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: template refused: {reason}")
        self.file = file
        self.reason = reason


def inside_folder(folder: str, path: str) -> bool:
    """True when ``path`` (resolved) is ``folder`` (resolved) or lies under it."""
    try:
        return os.path.commonpath([folder, path]) == folder
    except ValueError:  # different drives
        return False


class ConfinedLoader(BaseLoader):
    """Templates from one folder, never from outside it.

    Jinja's ``FileSystemLoader`` refuses ``..`` in a name but follows symlinks and opens any
    file it finds; a templates folder may come from an untrusted graph, so this loader resolves
    every file (``os.path.realpath``), refuses one that lands outside the folder, refuses
    anything but a regular file before opening it (a FIFO would block), bounds the size and
    decodes strictly. A refusal is a :class:`TemplateRefused` naming the file and the reason.
    """

    def __init__(self, folder: str | os.PathLike[str], max_bytes: int = MAX_TEMPLATE_BYTES):
        self.shown = str(folder)
        self.folder = os.path.realpath(folder)
        self.max_bytes = max_bytes

    def _pieces(self, template: str) -> list[str]:
        pieces = [p for p in template.replace("\\", "/").split("/") if p not in ("", ".")]
        if template.startswith(("/", "\\")) or ".." in pieces or "\x00" in template:
            raise TemplateRefused(template, f"the name climbs outside {self.shown}")
        return pieces

    def get_source(
        self, environment: _Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = self._pieces(template)
        shown = os.path.join(self.shown, *pieces)
        candidate = os.path.join(self.folder, *pieces)
        if not pieces or not os.path.lexists(candidate):
            raise TemplateNotFound(template)
        real = os.path.realpath(candidate)
        if not inside_folder(self.folder, real):
            raise TemplateRefused(shown, f"it resolves to {real}, outside {self.shown}")
        source = self._read(shown, real)
        mtime = os.stat(real).st_mtime_ns

        def uptodate() -> bool:
            try:
                return os.stat(real).st_mtime_ns == mtime
            except OSError:
                return False

        return source, shown, uptodate

    def _read(self, shown: str, real: str) -> str:
        try:
            mode = os.stat(real).st_mode
            if not stat.S_ISREG(mode):  # checked before open: opening a FIFO would block
                kind = _FILE_KINDS.get(stat.S_IFMT(mode), "not a regular file")
                raise TemplateRefused(shown, f"{kind}, not a regular file")
            data = read_regular(real, self.max_bytes)  # non-blocking open, fstat, bounded
        except OSError as exc:
            raise TemplateRefused(shown, str(exc.strerror or exc)) from exc
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise TemplateRefused(
                f"{shown}:{line}", f"invalid UTF-8 (byte 0x{data[exc.start]:02x})"
            ) from exc

    def list_templates(self) -> list[str]:
        return sorted(
            name
            for name in os.listdir(self.folder)
            if os.path.isfile(os.path.join(self.folder, name))
        )


def describe_template_error(exc: BaseException) -> str:
    """``file:line: message`` for a template error, naming the template line that failed: a
    syntax error's own line, else the innermost template frame of the traceback (the frames
    Jinja rewrites to template lines carry ``__jinja_exception__`` in their globals)."""
    message = str(exc) if isinstance(exc, TemplateRefused) else f"{type(exc).__name__}: {exc}"
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        return f"{exc.filename}:{exc.lineno}: {message}"
    where = ""
    for frame, line in traceback.walk_tb(exc.__traceback__):
        if "__jinja_exception__" in frame.f_globals:
            where = f"{frame.f_code.co_filename}:{line}"
    return f"{where}: {message}" if where else message


class _MemoryClient(dict):
    """The two calls ``MemcachedBytecodeCache`` makes (``get``, ``set``), kept in this process."""

    def set(self, key: str, value: bytes, timeout: int | None = None) -> None:
        self[key] = value


# Compiled templates, shared by every environment of this process (all are built alike): a
# template is compiled once per source text, not once per command (~0.25 s saved per render).
# A bucket is keyed by the resolved file and checked against the source's checksum.
_BYTECODE = MemcachedBytecodeCache(_MemoryClient(), prefix="bmtools/")


def make_environment(templates: str | os.PathLike[str] | None = None) -> SandboxedEnvironment:
    """A sandboxed environment; files in ``templates`` shadow the shipped ones, file by file.

    Every template file is read through a :class:`ConfinedLoader`: it must lie inside its own
    folder (``templates`` or the shipped one) once resolved."""
    search: list[BaseLoader] = []
    if templates is not None:
        folder = Path(templates)
        if not folder.is_dir():
            raise FileNotFoundError(f"{templates}: no such templates folder")
        search.append(ConfinedLoader(folder))
    search.append(ConfinedLoader(shipped_templates_dir()))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(search),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=escape.finalize,
        bytecode_cache=_BYTECODE,
    )
    env.filters.update(
        {
            "logseq": escape.logseq_filter,
            "ref": escape.page_ref,
            "refs": _refs,
            "tag": escape.tag,
            "tags": _tags,
            "embed": escape.embed,
            "key": escape.property_key,
            "plain": escape.plain,
        }
    )
    return env


def finish(text: str, indent: str = "\t") -> str:
    """Deterministic page text: no trailing spaces, exactly one final newline, tab nesting
    re-expressed in ``indent``, region hashes sealed."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    out = "\n".join(lines).strip("\n") + "\n"
    return seal_regions(reindent(out, "\t", indent))


def render_page(env: SandboxedEnvironment, kind: str, indent: str = "\t", **context: Any) -> str:
    """Render the ``kind`` template (artifact, class, example) to finished page text."""
    return finish(env.get_template(TEMPLATE_NAMES[kind]).render(**context), indent)


def render_lines(env: SandboxedEnvironment, kind: str, **context: Any) -> list[escape.LogseqSafe]:
    """Render a one-entry-per-line template (questions) to its non-empty lines."""
    text = env.get_template(TEMPLATE_NAMES[kind]).render(**context)
    return [escape.LogseqSafe(line.strip()) for line in text.split("\n") if line.strip()]


def render_item(env: SandboxedEnvironment, item: dict[str, Any]) -> str:
    """One item block (tab-nested, column 0, ending with a newline) from the ``item`` macro."""
    module = env.get_template(TEMPLATE_NAMES["item"]).module
    text = str(module.item(item))  # type: ignore[attr-defined]
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n") + "\n"
