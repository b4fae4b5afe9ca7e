"""The metamodel declared in the graph: class pages, their fields, artifact info pages.

See docs/metamodel.md for the syntax. The built-in ``milestone`` class applies when the graph
declares none, and is overridden attribute by attribute where the graph declares fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from bmtools.codes import finding
from bmtools.model import Diagnostic, Graph, Page
from bmtools.names import page_name
from bmtools.values import FIELD_TYPES, PARSERS

TYPE_KEYS = ("page-type", "innbok-type", "xbok-type")
CLASS_TYPE = "class"
ARTIFACT_TYPE = "artifact info"
ARTIFACT_SECTIONS = (
    "definition",
    "content type",
    "keys",
    "innCoPilot",
    "description",
    "examples",
    "topics",
    "tools",
)
ARTIFACT_PROPERTIES = ("metamodel-id", "item-classes", "relations", "weight")


@dataclass(slots=True)
class FieldSpec:
    """One field of a class. Attributes left ``None`` were not declared (inherit or default)."""

    name: str
    type: str | None = None
    required: bool | None = None
    options: list[str] | None = None
    many: bool | None = None
    cls: str | None = None  # for page fields: the class the target must belong to
    description: str | None = None
    file: str | None = None
    line: int = 0

    @property
    def kind(self) -> str:
        return self.type or "text"

    @property
    def is_required(self) -> bool:
        return bool(self.required)

    @property
    def is_many(self) -> bool:
        return bool(self.many)

    def parse(self, value: Any, journal_format: str = "MMM do, yyyy") -> Any:
        """The typed value of a property value; raises ValueError with the author's message."""
        kind = self.kind
        if kind == "date":
            return PARSERS["date"](value, journal_format)
        if kind in ("page", "person"):
            names = PARSERS[kind](value)
            if len(names) > 1 and not self.is_many:
                raise ValueError(f"takes one page, got {len(names)}")
            return names
        if kind == "text":
            return ", ".join(value) if isinstance(value, list) else str(value)
        if (
            kind in ("money", "number", "boolean", "url", "select")
            and isinstance(value, list)
            and len(value) > 1
            and self.is_many
        ):
            return [PARSERS[kind](v) for v in value]
        value_out = PARSERS[kind](value)
        if kind == "select" and self.options:
            if value_out not in [o.lower() for o in self.options]:
                raise ValueError(f"'{value_out}' is not one of: {', '.join(self.options)}")
        return value_out


def merge_field(base: FieldSpec, over: FieldSpec) -> FieldSpec:
    """``over`` declared again on top of ``base``: declared attributes win, one by one."""
    out = replace(base)
    for attr in ("type", "required", "options", "many", "cls", "description"):
        value = getattr(over, attr)
        if value is not None:
            setattr(out, attr, value)
    out.file, out.line = over.file or base.file, over.line or base.line
    return out


@dataclass(slots=True)
class ClassSpec:
    name: str  # page name (lower-case)
    title: str
    fields: dict[str, FieldSpec] = field(default_factory=dict)  # effective (inherited + own)
    own_fields: dict[str, FieldSpec] = field(default_factory=dict)
    extends: str | None = None
    description: str = ""
    aliases: list[str] = field(default_factory=list)
    file: str | None = None
    line: int = 0
    builtin: bool = False

    def required_fields(self) -> list[FieldSpec]:
        return [f for f in self.fields.values() if f.is_required]


@dataclass(slots=True)
class ArtifactSpec:
    page: Page
    metamodel_id: str | None
    item_classes: list[str]
    relations: list[str]
    weight: Any
    sections: dict[str, int]  # normalised section name -> line of its heading block


@dataclass(slots=True)
class Metamodel:
    classes: dict[str, ClassSpec] = field(default_factory=dict)
    class_names: dict[str, str] = field(default_factory=dict)  # class name or alias -> class
    artifacts: list[ArtifactSpec] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def class_for(self, name: str) -> ClassSpec | None:
        key = self.class_names.get(page_name(name))
        return self.classes.get(key) if key else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "classes": {
                name: {
                    "title": c.title,
                    "extends": c.extends,
                    "description": c.description,
                    "aliases": c.aliases,
                    "file": c.file,
                    "builtin": c.builtin,
                    "fields": {
                        f.name: {
                            "type": f.kind,
                            "required": f.is_required,
                            "options": f.options or [],
                            "many": f.is_many,
                            "class": f.cls,
                            "description": f.description or "",
                            "file": f.file,
                            "line": f.line,
                        }
                        for f in c.fields.values()
                    },
                }
                for name, c in sorted(self.classes.items())
            },
            "artifacts": [
                {
                    "page": a.page.title,
                    "file": a.page.file,
                    "metamodel-id": a.metamodel_id,
                    "item-classes": a.item_classes,
                    "relations": a.relations,
                    "weight": a.weight,
                    "sections": sorted(a.sections),
                }
                for a in self.artifacts
            ],
        }


def _f(
    name: str, type_: str, required: bool = False, description: str = "", **kw: Any
) -> FieldSpec:
    return FieldSpec(
        name, type_, required, kw.get("options"), kw.get("many", False), kw.get("cls"), description
    )


BUILTIN_MILESTONE = ClassSpec(
    name="milestone",
    title="milestone",
    builtin=True,
    description="A dated, budgeted achievement with one responsible person.",
    own_fields={
        f.name: f
        for f in (
            _f("description", "text", True, "What the milestone delivers."),
            _f("due", "date", True, "The day it must be reached."),
            _f("budget", "money", True, "The money set aside, with its currency."),
            _f("owner", "person", True, "The person responsible."),
            _f(
                "milestone-type",
                "select",
                True,
                "Plan review, assumptions validation or implementation.",
                options=["plan review", "assumptions validation", "implementation"],
            ),
            _f("tactic", "page", False, "The tactic it implements.", cls="tactic"),
            _f(
                "status",
                "select",
                False,
                "Where it stands.",
                options=["planned", "in progress", "done", "missed"],
            ),
            _f("value", "number", False, "Value generated, to prioritise."),
            _f(
                "depends-on",
                "page",
                False,
                "Milestones that must be reached first.",
                many=True,
                cls="milestone",
            ),
            _f("start", "date", False, "The day work starts."),
            _f("actual-budget", "money", False, "The money actually spent."),
            _f("duration", "number", False, "Planned length in days."),
        )
    },
)


def page_types(page: Page) -> list[str]:
    """What a page says it is: the names under ``page-type::`` and its synonyms, plus
    ``artifact info`` for a page that declares an artifact by its properties alone.

    innBoK writes artifact info pages as ``innbok-type:: internal`` with ``metamodel-id::`` and
    ``item-classes::`` (no ``page-type::``); those properties are what make the page an
    artifact, whatever its ``*-type::`` key says. One of them is enough (two thirds of the
    published innBoK artifact pages carry no ``item-classes::``): BM305 reports the other.
    """
    if not page.properties:
        return []
    out: list[str] = []
    for key in TYPE_KEYS:
        prop = page.properties.get(key)
        if prop is not None:
            out.extend(page_name(n) for n in prop.names())
    if ARTIFACT_TYPE not in out and _declares_artifact(page):
        out.append(ARTIFACT_TYPE)
    return out


def _declares_artifact(page: Page) -> bool:
    props = page.properties
    return "metamodel-id" in props or "item-classes" in props


def is_artifact_page(page: Page) -> bool:
    """``page-type:: [[artifact info]]`` (or a synonym), or ``metamodel-id::`` /
    ``item-classes::`` page properties under any type key or none (the innBoK layout)."""
    return ARTIFACT_TYPE in page_types(page)


def is_class_page(page: Page) -> bool:
    return CLASS_TYPE in page_types(page)


def _truthy(prop) -> bool | None:
    if prop is None:
        return None
    value = prop.value
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "yes", "1")


def _options(prop) -> list[str] | None:
    if prop is None:
        return None
    if isinstance(prop.value, list):
        return [str(v) for v in prop.value]
    return [o.strip() for o in str(prop.value).replace("，", ",").split(",") if o.strip()]


def _read_class(graph: Graph, page: Page, diags: list[Diagnostic]) -> ClassSpec:
    spec = ClassSpec(
        name=page.name,
        title=page.title,
        file=page.file,
        line=1,
        aliases=[page_name(a) for a in page.aliases],
    )
    ext = page.properties.get("extends")
    if ext is not None and ext.names():
        spec.extends = graph.resolve_name(ext.names()[0])
    desc = page.properties.get("description")
    spec.description = str(desc.value) if desc is not None else ""
    for block in page.blocks:
        fprop = block.properties.get("field")
        if fprop is None or block.pre_block:
            continue
        names = fprop.names()
        if not names:
            continue
        name = names[0].strip().lower().replace("_", "-")
        tprop = block.properties.get("type")
        ftype = page_name(tprop.names()[0]) if tprop is not None and tprop.names() else None
        if ftype is not None and ftype not in FIELD_TYPES:
            diags.append(
                finding(
                    "BM301",
                    f"field '{name}' has unknown type '{ftype}' (one of: {', '.join(FIELD_TYPES)})",
                    page.file,
                    tprop.line,
                    tprop.col,
                )
            )
            ftype = "text"
        cprop = block.properties.get("class")
        dprop = block.properties.get("description")
        fs = FieldSpec(
            name=name,
            type=ftype,
            required=_truthy(block.properties.get("required")),
            options=_options(block.properties.get("options")),
            many=_truthy(block.properties.get("many")),
            cls=graph.resolve_name(cprop.names()[0])
            if cprop is not None and cprop.names()
            else None,
            description=str(dprop.value) if dprop is not None else None,
            file=page.file,
            line=block.line,
        )
        if fs.type == "select" and not fs.options:
            diags.append(
                finding(
                    "BM302",
                    f"select field '{name}' declares no options::",
                    page.file,
                    block.line,
                    1,
                )
            )
        spec.own_fields[name] = fs
    return spec


def load_metamodel(graph: Graph) -> Metamodel:
    """The effective metamodel of a graph (declared classes, the built-in milestone, artifacts)."""
    mm = Metamodel()
    for page in graph.pages.values():
        if page.file is None:
            continue
        if is_class_page(page):
            mm.classes[page.name] = _read_class(graph, page, mm.diagnostics)
    builtin = BUILTIN_MILESTONE
    declared = mm.classes.get(builtin.name)
    if declared is None:
        mm.classes[builtin.name] = replace(builtin, own_fields=dict(builtin.own_fields))
    else:
        merged = dict(builtin.own_fields)
        for name, fs in declared.own_fields.items():
            merged[name] = merge_field(merged[name], fs) if name in merged else fs
        declared.own_fields = merged
    for spec in mm.classes.values():
        spec.fields = _effective_fields(mm, spec, mm.diagnostics)
        mm.class_names[spec.name] = spec.name
    for spec in mm.classes.values():
        for alias in spec.aliases:
            mm.class_names.setdefault(alias, spec.name)
    for page in graph.pages.values():
        if page.file is not None and is_artifact_page(page):
            mm.artifacts.append(read_artifact(graph, page))
    return mm


def _effective_fields(
    mm: Metamodel, spec: ClassSpec, diags: list[Diagnostic]
) -> dict[str, FieldSpec]:
    chain = [spec]
    seen = {spec.name}
    current = spec
    while current.extends:
        parent = mm.classes.get(current.extends)
        if parent is None:
            diags.append(
                finding(
                    "BM303",
                    f"class '{current.title}' extends '{current.extends}', "
                    "which is not a class page",
                    current.file,
                    1,
                    1,
                )
            )
            break
        if parent.name in seen:
            diags.append(
                finding(
                    "BM304",
                    f"class '{spec.title}' extends itself through '{parent.title}'",
                    spec.file,
                    1,
                    1,
                )
            )
            break
        seen.add(parent.name)
        chain.append(parent)
        current = parent
    fields: dict[str, FieldSpec] = {}
    for cls in reversed(chain):
        for name, fs in cls.own_fields.items():
            fields[name] = merge_field(fields[name], fs) if name in fields else replace(fs)
    return fields


def section_key(title: str) -> str:
    """``## 📰 Content type (milestone)`` → ``content type``: emoji and parentheses dropped."""
    text = title.strip().lstrip("#").strip()
    if "(" in text:
        text = text[: text.index("(")]
    lowered = " ".join(text.split()).lower()
    for known in ARTIFACT_SECTIONS:  # icons (even mis-decoded ones) come before the name
        if lowered == known.lower() or lowered.endswith(" " + known.lower()):
            return known
    words = [w for w in text.split() if any(ch.isalnum() for ch in w)]
    key = " ".join(words).strip().lower()
    return "innCoPilot" if key in ("inncopilot", "assistant questions", "copilot") else key


def read_artifact(graph: Graph, page: Page) -> ArtifactSpec:
    def names(key: str) -> list[str]:
        """The names a property gives; innBoK's placeholder ``[[]]`` names nothing."""
        prop = page.properties.get(key)
        if prop is None:
            return []
        return [n for n in prop.names() if n.strip() and n.strip() not in ("[[]]", "#[[]]")]

    mid = names("metamodel-id")
    sections = {}
    for block in page.blocks:
        if block.heading and block.parent is None:
            sections.setdefault(section_key(block.title), block.line)
    weight = page.properties.get("weight")
    return ArtifactSpec(
        page=page,
        metamodel_id=mid[0] if mid else None,
        item_classes=names("item-classes"),
        relations=names("relations"),
        weight=weight.value if weight is not None else None,
        sections=sections,
    )


def classes_of_page(graph: Graph, mm: Metamodel, page: Page) -> set[str]:
    """The classes a page belongs to: its page-type (or synonyms) and its tags."""
    out = set()
    for name in page_types(page) + [page_name(t) for t in page.tags]:
        key = mm.class_names.get(graph.resolve_name(name)) or mm.class_names.get(name)
        if key:
            out.add(key)
    return out
