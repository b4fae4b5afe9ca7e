"""Re-rendering the managed regions of every artifact and class page of a graph.

``plan_render`` computes the new text of each page (nothing is written); ``apply_plan`` writes
the pages that change; ``render_graph`` does both.
"""

from __future__ import annotations

import difflib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from bmtools.loader import MAX_FILE_BYTES, load_graph
from bmtools.metamodel import (
    ARTIFACT_TYPE,
    ClassSpec,
    Metamodel,
    load_metamodel,
    page_types,
    section_key,
)
from bmtools.model import Graph, Page
from bmtools.render.engine import (
    describe_template_error,
    inside_folder,
    make_environment,
    render_lines,
    render_page,
)
from bmtools.render.escape import clean_page_name
from bmtools.render.regions import Conflict, extract_regions, update_page_regions
from bmtools.safeio import read_graph_file
from bmtools.writer import ChangedOnDiskError, UnsafePathError, write_bytes

DEFAULT_ARTIFACT_ICON = "🧿"
DEFAULT_CLASS_ICON = "🔷"
TEMPLATES_CONFIG_KEY = "bmtools/templates"
CONFIG_FILE = "logseq/config.edn"


class RenderError(Exception):
    """A template or graph problem that stops rendering (exit 2)."""


class PageReadError(ValueError):
    """A page whose bytes cannot be rendered (not UTF-8, unreadable, outside the graph)."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")
        self.file = file
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class RenderProblem:
    """A diagnostic about one file that did not stop the others: ``file:line: severity: …``."""

    file: str
    line: int
    message: str
    severity: str = "error"  # error: a page was not rendered | warning: a setting was ignored

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message}"


@dataclass(slots=True)
class PageRender:
    """The outcome for one page."""

    file: str  # relative to the graph root, POSIX
    kind: str  # artifact | class
    old: str
    new: str
    bom: bool = False
    changed_ids: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    missing_ids: list[str] = field(default_factory=list)
    regions: dict[str, str] = field(default_factory=dict)  # what the templates generated
    force: bool = False

    @property
    def changed(self) -> bool:
        return self.new != self.old

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.old.splitlines(keepends=True),
                self.new.splitlines(keepends=True),
                f"a/{self.file}",
                f"b/{self.file}",
            )
        )


@dataclass(slots=True)
class RenderPlan:
    root: str
    pages: list[PageRender] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    problems: list[RenderProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[RenderProblem]:
        """Pages that were not rendered (each named once); a non-zero exit."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def changed(self) -> list[PageRender]:
        return [p for p in self.pages if p.changed]

    @property
    def conflicts(self) -> list[tuple[str, Conflict]]:
        return [(p.file, c) for p in self.pages for c in p.conflicts]

    @property
    def up_to_date(self) -> bool:
        return not self.changed and not self.conflicts and not self.errors


# --------------------------------------------------------------------------------------------
# Contexts: plain dicts built from the graph, the only thing templates see.


def artifact_name(page: Page) -> str:
    """``milestones/info`` → ``milestones`` (else the metamodel-id, else the title)."""
    if page.title.lower().endswith("/info"):
        return page.title[: -len("/info")]
    prop = page.properties.get("metamodel-id")
    names = prop.names() if prop is not None else []
    return str(names[0]) if names else page.title


def _metamodel_id(page: Page) -> str:
    prop = page.properties.get("metamodel-id")
    names = prop.names() if prop is not None else []
    return str(names[0]) if names and clean_page_name(names[0]) else ""


def section_text(page: Page, key: str) -> str:
    """The text of the first child of the top-level section ``key`` (e.g. the definition)."""
    for block in page.top_blocks():
        if block.heading and section_key(block.title) == key:
            for child in page.children(block):
                text = " ".join(line.strip() for line in child.content.split("\n"))
                if text.strip():
                    return text.strip()
            return " ".join(text.strip() for _, text in block.body_lines).strip()
    return ""


def examples_of(graph: Graph, *names: str) -> list[dict[str, str]]:
    """Pages under ``<name>/examples/`` for any of ``names`` (the artifact name and its
    metamodel-id, which differ in real graphs: ``business project/milestones/info`` keeps its
    examples under ``milestones/examples/``), sorted by name."""
    prefixes = {n.lower() + "/examples/" for n in names if n}
    found = [
        p
        for p in graph.pages.values()
        if p.file is not None and any(p.name.startswith(x) for x in prefixes)
    ]
    return [{"title": p.title} for p in sorted(found, key=lambda p: p.name)]


def artifact_context(
    graph: Graph, mm: Metamodel, page: Page, env, *, new: bool = False, **over: Any
) -> dict[str, Any]:
    name = over.get("name") or artifact_name(page)
    item_classes = over.get("item_classes")
    if item_classes is None:
        prop = page.properties.get("item-classes")
        item_classes = prop.names() if prop is not None else []
    classes = []
    for cname in item_classes:
        if not clean_page_name(cname):
            continue
        spec = mm.class_for(cname)
        classes.append({"title": spec.title if spec else str(cname), "name": cname})
    rel = page.properties.get("relations")
    icon = page.properties.get("icon")
    weight = page.properties.get("weight")
    xbok = page.properties.get("xbok-type")
    ctx = {
        "title": page.title,
        "name": name,
        "icon": over.get("icon") or (icon.raw if icon is not None else DEFAULT_ARTIFACT_ICON),
        "xbok_type": xbok.raw if xbok is not None else "internal",
        "relations": over.get("relations")
        or [n for n in (rel.names() if rel is not None else []) if clean_page_name(n)],
        "weight": over.get("weight", weight.raw if weight is not None else ""),
        "definition": over.get("definition", section_text(page, "definition")),
        "classes": classes,
        "examples": examples_of(graph, name, _metamodel_id(page)),
        "new": new,
    }
    ctx["questions"] = render_lines(env, "questions", artifact=ctx)
    return ctx


def class_context(graph: Graph, mm: Metamodel, spec: ClassSpec, page: Page | None) -> dict:
    def fdict(f, origin: str = "") -> dict[str, Any]:
        cls_title = None
        if f.cls:
            target = mm.classes.get(f.cls) or graph.resolve(f.cls)
            cls_title = target.title if target is not None else f.cls
        return {
            "name": f.name,
            "type": f.kind,
            "required": f.is_required,
            "options": list(f.options or []),
            "many": f.is_many,
            "cls": cls_title,
            "description": f.description or "",
            "origin": origin,
        }

    declared_lines = {n for n, f in spec.own_fields.items() if f.file == spec.file and f.file}
    fields = []
    for fname, f in spec.fields.items():
        if fname in declared_lines:
            origin = ""
        elif page is not None and spec.extends and _inherited_from(mm, spec, fname):
            parent = _inherited_from(mm, spec, fname)
            origin = f"from {parent}"
        else:
            origin = "built in"
        fields.append(fdict(f, origin))
    artifacts = sorted(
        {
            a.page.title
            for a in mm.artifacts
            if any(mm.class_names.get(graph.resolve_name(c)) == spec.name for c in a.item_classes)
        },
        key=str.lower,
    )
    icon = page.properties.get("icon") if page is not None else None
    return {
        "title": spec.title,
        "name": spec.name,
        "icon": icon.raw if icon is not None else DEFAULT_CLASS_ICON,
        "description": spec.description,
        "extends": (mm.classes[spec.extends].title if spec.extends in mm.classes else spec.extends)
        if spec.extends
        else None,
        "declared": [fdict(f) for n, f in spec.own_fields.items() if n in declared_lines],
        "fields": fields,
        "artifacts": artifacts,
    }


def _inherited_from(mm: Metamodel, spec: ClassSpec, fname: str) -> str | None:
    current = spec
    seen = {spec.name}
    while current.extends and current.extends in mm.classes and current.extends not in seen:
        current = mm.classes[current.extends]
        seen.add(current.name)
        if fname in current.own_fields:
            return current.title
    return None


# --------------------------------------------------------------------------------------------


def templates_folder(
    graph: Graph,
    templates: str | os.PathLike[str] | None,
    problems: list[RenderProblem] | None = None,
) -> str | None:
    """``--templates`` wins; else ``:bmtools/templates`` in config.edn (relative to the root).

    The configured folder comes from the (untrusted) graph, so it must resolve inside the graph
    root; one that does not is ignored with a warning in ``problems`` (the shipped templates are
    used), so that a graph cannot make bmtools read templates from anywhere on the disk."""
    if templates is not None:
        return str(templates)
    configured = graph.config.raw.get(TEMPLATES_CONFIG_KEY)
    if not isinstance(configured, str) or not configured.strip():
        return None
    folder = Path(graph.root) / configured
    try:
        real = os.path.realpath(folder)
    except ValueError:  # a NUL in the setting
        real = repr(str(folder))
    else:
        if inside_folder(os.path.realpath(graph.root), real):
            return str(folder)
    if problems is not None:
        problems.append(
            RenderProblem(
                CONFIG_FILE,
                0,
                f":{TEMPLATES_CONFIG_KEY} {json.dumps(configured)} resolves to {real}, outside "
                "the graph: ignored, the shipped templates are used",
                "warning",
            )
        )
    return None


def decode_page(rel: str, data: bytes) -> tuple[str, bool]:
    """A page's text and whether it had a byte-order mark; PageReadError (with the line) when
    it is not UTF-8, since rewriting it would change bytes outside the regions."""
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        return body.decode("utf-8"), bom
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        col = exc.start - (body.rfind(b"\n", 0, exc.start) + 1) + 1
        raise PageReadError(
            rel,
            line,
            f"invalid UTF-8 (byte 0x{body[exc.start]:02x} at column {col}): not rendered, "
            "fix the bytes first (bmtools lint reports them as BM002)",
        ) from exc


def read_page_text(root: str | os.PathLike[str], rel: str) -> tuple[str, bool]:
    """The text of page ``rel`` and its BOM flag; PageReadError for a page that is a link out
    of the graph (unless the user allows those), not a regular file, over the loader's size
    bound, unreadable or not UTF-8."""
    try:
        data = read_graph_file(root, rel, MAX_FILE_BYTES)
    except OSError as exc:  # a link out of the graph, a pipe, too large, unreadable
        raise PageReadError(rel, 0, f"{exc.strerror or exc}: not rendered") from exc
    return decode_page(rel, data)


def plan_render(
    graph: Graph | str | os.PathLike[str],
    *,
    templates: str | os.PathLike[str] | None = None,
    force: bool = False,
) -> RenderPlan:
    """The new text of every artifact and class page (nothing is written)."""
    if not isinstance(graph, Graph):
        graph = load_graph(graph)
    mm = load_metamodel(graph)
    plan = RenderPlan(root=graph.root)
    try:
        env = make_environment(templates_folder(graph, templates, plan.problems))
    except FileNotFoundError as exc:
        raise RenderError(str(exc)) from exc
    targets: list[tuple[str, Page, str]] = []
    for page in sorted(graph.pages.values(), key=lambda p: p.file or ""):
        if page.file is None or page.format != "markdown":
            continue
        types = page_types(page)
        if ARTIFACT_TYPE in types:
            targets.append(("artifact", page, ""))
        elif page.name in mm.classes and not mm.classes[page.name].builtin:
            targets.append(("class", page, page.name))
    for kind, page, cname in targets:
        try:
            if kind == "artifact":
                ctx = artifact_context(graph, mm, page, env)
                generated = render_page(env, "artifact", artifact=ctx)
            else:
                ctx = class_context(graph, mm, mm.classes[cname], page)
                generated = render_page(env, "class", cls=ctx)
        except TemplateError as exc:  # the template's fault, the same for every page: stop
            raise RenderError(
                f"{describe_template_error(exc)}; rendering the {kind} template failed "
                f"({page.file})"
            ) from exc
        except Exception as exc:  # this page's data: report it, render the others
            plan.problems.append(
                RenderProblem(page.file, 0, f"not rendered: {type(exc).__name__}: {exc}")
            )
            continue
        try:
            old, bom = read_page_text(graph.root, page.file)
        except PageReadError as exc:
            plan.problems.append(RenderProblem(exc.file, exc.line, exc.message))
            continue
        regions = extract_regions(generated)
        result = update_page_regions(old, regions, force=force)
        plan.pages.append(
            PageRender(
                file=page.file,
                kind=kind,
                old=old,
                new=result.text,
                bom=bom,
                changed_ids=result.changed_ids,
                conflicts=result.conflicts,
                missing_ids=result.missing_ids,
                regions=regions,
                force=force,
            )
        )
    return plan


REPLAN_TRIES = 8  # an author typing fast: plan a page again this often before giving up
REPLAN_PAUSE = 0.01  # seconds, times the try: a save in progress is given time to end


def _replan(page: PageRender, root: str) -> None:
    """``page`` planned again from the text its file holds now (an author edited it)."""
    old, bom = read_page_text(root, page.file)
    result = update_page_regions(old, page.regions, force=page.force)
    page.old, page.new, page.bom = old, result.text, bom
    page.changed_ids, page.conflicts = result.changed_ids, result.conflicts
    page.missing_ids = result.missing_ids


def apply_plan(plan: RenderPlan) -> list[str]:
    """Write the pages of ``plan`` that change (atomically, inside the root); their files."""
    for page in plan.changed:
        for tries in range(REPLAN_TRIES):
            head = b"\xef\xbb\xbf" if page.bom else b""
            try:  # only over the bytes the plan read: an author may be typing in the page
                if write_bytes(
                    page.file,
                    head + page.new.encode("utf-8"),
                    root=plan.root,
                    expected=head + page.old.encode("utf-8"),
                ):
                    plan.written.append(page.file)
                break
            except ChangedOnDiskError:
                time.sleep(REPLAN_PAUSE * (tries + 1))  # let the author's save finish
                try:
                    _replan(page, plan.root)
                except PageReadError as exc:
                    plan.problems.append(RenderProblem(exc.file, exc.line, exc.message))
                    break
                if not page.changed:
                    break
            except UnsafePathError as exc:  # e.g. a symlinked folder pointing out of the graph
                raise RenderError(
                    f"{page.file}: refusing to write outside the graph ({exc})"
                ) from exc
        else:
            plan.problems.append(
                RenderProblem(
                    page.file, 0, "changed on disk while rendering, again and again: not written"
                )
            )
    return plan.written


def render_graph(
    graph: Graph | str | os.PathLike[str],
    *,
    templates: str | os.PathLike[str] | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> RenderPlan:
    """Re-render the managed regions of every artifact and class page; write unless dry_run."""
    plan = plan_render(graph, templates=templates, force=force)
    if not dry_run:
        apply_plan(plan)
    return plan
