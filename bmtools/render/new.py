"""Creating pages from the templates: artifacts, classes, examples, and items on a page.

Every function returns a :class:`Created` (file and text) and writes atomically inside the
graph root unless ``dry_run``. Pages are never overwritten; names that would escape the graph
(``../x``) or could not be referenced (``[[``, ``]]``, line breaks) are refused.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import ParamSpec

from jinja2 import TemplateError

from bmtools.loader import MAX_FILE_BYTES, load_graph
from bmtools.metamodel import ARTIFACT_TYPE, load_metamodel, page_types
from bmtools.model import Graph, Page
from bmtools.names import TRIPLE_LOWBAR, check_new_page_name, file_stem_from_title, page_name
from bmtools.render.engine import (
    describe_template_error,
    make_environment,
    render_item,
    render_page,
)
from bmtools.render.escape import clean_page_name
from bmtools.render.pages import (
    DEFAULT_CLASS_ICON,
    PageReadError,
    RenderProblem,
    artifact_context,
    class_context,
    decode_page,
    templates_folder,
)
from bmtools.render.regions import detect_indent, reindent
from bmtools.safeio import read_graph_file
from bmtools.syntax.inline import JournalRefs
from bmtools.syntax.outline import parse_outline
from bmtools.writer import ChangedOnDiskError, UnsafePathError, inside, write_text


class NewError(Exception):
    """A page that cannot be created (exists, bad name, unknown class…)."""


@dataclass(slots=True)
class Created:
    file: str  # relative to the graph root
    text: str  # the whole new file text
    appended: str = ""  # for items: the text appended to an existing page
    warnings: list[RenderProblem] = field(default_factory=list)  # e.g. a templates folder ignored


_WARNINGS: ContextVar[list[RenderProblem] | None] = ContextVar("bmtools_new_warnings", default=None)
_P = ParamSpec("_P")


def _creates(fn: Callable[_P, Created]) -> Callable[_P, Created]:
    """Collect the warnings of one ``new_*`` call into its Created, and turn a template error
    (refused file, syntax, sandbox) into a NewError naming the template file and line."""

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> Created:
        warnings: list[RenderProblem] = []
        token = _WARNINGS.set(warnings)
        try:
            created = fn(*args, **kwargs)
        except TemplateError as exc:
            raise NewError(describe_template_error(exc)) from exc
        finally:
            _WARNINGS.reset(token)
        created.warnings = warnings + created.warnings
        return created

    return wrapper


def _graph(graph: Graph | str | os.PathLike[str]) -> Graph:
    return graph if isinstance(graph, Graph) else load_graph(graph)


def graph_indent(graph: Graph) -> str:
    """The nesting unit most pages of the graph use (a tab when none is nested)."""
    counts: dict[str, int] = {}
    for page in graph.pages.values():
        if page.file is not None and any(b.level > 1 for b in page.blocks):
            unit = detect_indent(page.source)
            counts[unit] = counts.get(unit, 0) + 1
    if not counts:
        return "\t"
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] != "\t", kv[0]))[0][0]


def check_title(title: str, name_format: str = TRIPLE_LOWBAR) -> str:
    """A page title fit for a new file, or NewError (the check every command shares:
    :func:`bmtools.names.check_new_page_name`, plus no lone bracket)."""
    try:
        check_new_page_name(title, name_format)
    except ValueError as exc:
        raise NewError(str(exc)) from None
    if clean_page_name(title) != title:
        raise NewError(f"page name {title!r}: brackets cannot be used in a page name")
    return title


def page_file(graph: Graph, title: str) -> str:
    """The relative file of a new page named ``title`` (per :file/name-format), checked."""
    check_title(title, graph.config.file_name_format)
    existing = graph.resolve(title)
    if existing is not None and existing.file is not None:
        raise NewError(f"page '{title}' already exists: {existing.file} (not overwritten)")
    stem = file_stem_from_title(title, graph.config.file_name_format)
    rel = f"{graph.config.pages_directory.strip('/') or 'pages'}/{stem}.md"
    try:
        target = inside(graph.root, rel)
    except UnsafePathError as exc:
        raise NewError(f"page name {title!r}: {exc}") from exc
    if target.exists():
        raise NewError(f"{rel} already exists (not overwritten)")
    return rel


def _write_new(graph: Graph, rel: str, text: str, dry_run: bool) -> Created:
    if not dry_run:
        target = inside(graph.root, rel)
        if target.exists():  # a race with another writer: still never overwrite
            raise NewError(f"{rel} already exists (not overwritten)")
        try:  # expected=None: a file that appears meanwhile is never replaced
            write_text(rel, text, root=graph.root, expected=None)
        except ChangedOnDiskError:
            raise NewError(
                f"{rel} appeared while bmtools was writing it (not overwritten)"
            ) from None
    return Created(rel, text)


def _env(graph: Graph, templates):
    try:
        return make_environment(templates_folder(graph, templates, _WARNINGS.get()))
    except FileNotFoundError as exc:
        raise NewError(str(exc)) from exc


@_creates
def new_artifact(
    graph: Graph | str | os.PathLike[str],
    name: str,
    *,
    definition: str = "",
    classes: list[str] | tuple[str, ...] = (),
    icon: str | None = None,
    weight: str = "",
    relations: list[str] | tuple[str, ...] = (),
    templates: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
) -> Created:
    """Create ``NAME/info``, the artifact info page (NAME may also be given as ``NAME/info``)."""
    graph = _graph(graph)
    name = name[: -len("/info")] if name.lower().endswith("/info") else name
    check_title(name)
    title = f"{name}/info"
    rel = page_file(graph, title)
    mm = load_metamodel(graph)
    env = _env(graph, templates)
    page = Page(name=page_name(title), title=title, file=rel)
    ctx = artifact_context(
        graph,
        mm,
        page,
        env,
        new=True,
        name=name,
        item_classes=list(classes),
        definition=definition or f"What {name} are, in one sentence.",
        icon=icon,
        weight=weight,
        relations=[clean_page_name(r) for r in relations if clean_page_name(r)],
    )
    return _write_new(
        graph, rel, render_page(env, "artifact", graph_indent(graph), artifact=ctx), dry_run
    )


@_creates
def new_class(
    graph: Graph | str | os.PathLike[str],
    name: str,
    *,
    description: str = "",
    extends: str | None = None,
    icon: str | None = None,
    templates: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
) -> Created:
    """Create a class page declaring a first field, ``description``."""
    graph = _graph(graph)
    rel = page_file(graph, name)
    mm = load_metamodel(graph)
    env = _env(graph, templates)
    if extends is not None and mm.class_for(extends) is None:
        raise NewError(f"--extends {extends!r}: no such class")
    parent = mm.class_for(extends) if extends else None
    starter = {
        "name": "description",
        "type": "text",
        "required": True,
        "options": [],
        "many": False,
        "cls": None,
        "description": f"What the {name} is, in a sentence or two.",
        "origin": "",
    }
    inherited = []
    if parent is not None:
        for f in parent.fields.values():
            if f.name != "description":
                inherited.append(
                    {
                        "name": f.name,
                        "type": f.kind,
                        "required": f.is_required,
                        "options": list(f.options or []),
                        "many": f.is_many,
                        "cls": f.cls,
                        "description": f.description or "",
                        "origin": f"from {parent.title}",
                    }
                )
    ctx = {
        "title": name,
        "name": page_name(name),
        "icon": icon or DEFAULT_CLASS_ICON,
        "description": description or f"What a {name} is, in one sentence.",
        "extends": parent.title if parent is not None else None,
        "declared": [starter],
        "fields": [starter, *inherited],
        "artifacts": [],
    }
    text = render_page(env, "class", graph_indent(graph), cls=ctx)
    # Render once more from the graph as it will be, so the summary is exactly what
    # `bmtools render` produces (inherited fields, artifacts already naming the class).
    page = Page(name=page_name(name), title=name, file=rel, source=text)
    parse_outline(page, graph.config, [], JournalRefs(graph.config.journal_title_format))
    graph.pages[page.name] = page
    try:
        mm = load_metamodel(graph)
        ctx = class_context(graph, mm, mm.classes[page.name], page)
    finally:
        del graph.pages[page.name]
    return _write_new(graph, rel, render_page(env, "class", graph_indent(graph), cls=ctx), dry_run)


def find_artifact(graph: Graph, artifact: str) -> Page:
    for candidate in (artifact, f"{artifact}/info"):
        page = graph.resolve(candidate)
        if page is not None and page.file and ARTIFACT_TYPE in page_types(page):
            return page
    for page in graph.pages.values():
        prop = page.properties.get("metamodel-id")
        if page.file and prop is not None and ARTIFACT_TYPE in page_types(page):
            if page_name(artifact) in [page_name(n) for n in prop.names()]:
                return page
    raise NewError(f"no artifact info page for '{artifact}' (create it with: new artifact)")


@_creates
def new_example(
    graph: Graph | str | os.PathLike[str],
    artifact: str,
    name: str,
    *,
    templates: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
) -> Created:
    """Create ``<artifact>/examples/NAME``; the artifact's Examples region embeds it on render."""
    from bmtools.render.pages import artifact_name

    graph = _graph(graph)
    check_title(name)
    if "/" in name:
        raise NewError(f"example name {name!r}: no '/' (examples live in one namespace)")
    page = find_artifact(graph, artifact)
    title = f"{artifact_name(page)}/examples/{name}"
    rel = page_file(graph, title)
    env = _env(graph, templates)
    ctx = {"title": title, "name": name, "artifact": page.title}
    return _write_new(
        graph, rel, render_page(env, "example", graph_indent(graph), example=ctx), dry_run
    )


def _read_existing(graph: Graph, rel: str) -> bytes:
    """The bytes of an existing page, read only when it is a regular file inside the graph."""
    try:
        return read_graph_file(graph.root, rel, MAX_FILE_BYTES)
    except OSError as exc:  # a link out of the graph, a pipe, too large, unreadable
        raise NewError(f"{rel}: {exc.strerror or exc}; the item was not appended") from exc


def parse_assignments(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise NewError(f"--set {pair!r}: expected key=value")
        key, value = pair.split("=", 1)
        key = key.strip().lower().replace("_", "-")
        if not key:
            raise NewError(f"--set {pair!r}: empty key")
        out[key] = value.strip()
    return out


@_creates
def new_item(
    graph: Graph | str | os.PathLike[str],
    cls: str,
    page: str,
    values: dict[str, str],
    *,
    title: str | None = None,
    tasks: list[str] | tuple[str, ...] = (),
    templates: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
) -> Created:
    """Append one item of class ``cls`` to ``page`` (created when missing).

    ``values`` maps field names to values; every key must be a field of the class, every value
    must parse as the field's type, and every required field must be given. The title comes
    from ``title`` or ``values["title"]``. Existing text of the page is kept byte for byte.
    """
    graph = _graph(graph)
    mm = load_metamodel(graph)
    spec = mm.class_for(cls)
    if spec is None:
        known = ", ".join(sorted(mm.classes))
        raise NewError(f"no class '{cls}' (classes: {known})")
    values = dict(values)
    title = title or values.pop("title", None) or values.pop("name", None)
    if not title:
        raise NewError("the item needs a title: --title TEXT or --set title=TEXT")
    check_title(title)
    unknown = [k for k in values if k not in spec.fields]
    if unknown:
        raise NewError(
            f"{', '.join(unknown)}: not a field of '{spec.title}' "
            f"(fields: {', '.join(spec.fields)})"
        )
    missing = [f.name for f in spec.required_fields() if not values.get(f.name)]
    if missing:
        raise NewError(f"required field(s) of '{spec.title}' missing: {', '.join(missing)}")
    fields = []
    for fname, f in spec.fields.items():
        if fname not in values or values[fname] == "":
            continue
        raw = values[fname]
        refs = f.kind in ("page", "person")
        parts = [p.strip() for p in raw.split(",")] if refs and f.is_many else [raw]
        parts = [clean_page_name(p) if refs else p for p in parts if p.strip()]
        try:
            f.parse(
                ", ".join(f"[[{p}]]" for p in parts) if refs else raw,
                graph.config.journal_title_format,
            )
        except ValueError as exc:
            raise NewError(f"{fname}={raw!r}: {exc}") from exc
        fields.append({"key": fname, "parts": parts, "refs": refs})
    env = _env(graph, templates)
    item = {
        "title": title,
        "cls": spec.title,
        "fields": fields,
        "tasks": [{"text": t, "done": False} for t in tasks],
    }
    block = render_item(env, item)
    target_page = graph.resolve(page)
    if target_page is None or target_page.file is None:
        rel = page_file(graph, page)
        return _write_new(graph, rel, block, dry_run)
    rel = target_page.file
    data = _read_existing(graph, rel)
    try:
        old, bom = decode_page(rel, data)
    except PageReadError as exc:
        raise NewError(f"{exc}; the item was not appended") from exc
    newline = "\r\n" if "\r\n" in old else "\n"
    indent = detect_indent(old)
    add = reindent(block.rstrip("\n"), "\t", indent).replace("\n", newline) + newline
    if old and not old.endswith("\n"):
        add = newline + add
    text = old + add
    if not dry_run:
        try:  # only over the bytes read: an author may be typing on that page
            write_text(rel, ("\ufeff" if bom else "") + text, root=graph.root, expected=data)
        except ChangedOnDiskError:
            raise NewError(
                f"{rel} changed while bmtools wrote it; the item was not appended (run again)"
            ) from None
    return Created(rel, text, appended=add)
