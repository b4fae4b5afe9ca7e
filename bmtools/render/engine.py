"""The Jinja environment: sandboxed, strict, escaping every value, user templates first."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from bmtools.render import escape
from bmtools.render.regions import reindent, seal_regions

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


def make_environment(templates: str | os.PathLike[str] | None = None) -> SandboxedEnvironment:
    """A sandboxed environment; files in ``templates`` shadow the shipped ones, file by file."""
    search: list[FileSystemLoader] = []
    if templates is not None:
        folder = Path(templates)
        if not folder.is_dir():
            raise FileNotFoundError(f"{templates}: no such templates folder")
        search.append(FileSystemLoader(str(folder)))
    search.append(FileSystemLoader(str(shipped_templates_dir())))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(search),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=escape.finalize,
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
