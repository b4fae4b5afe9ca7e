"""A block as Logseq 0.10.15 stores it, where bmtools' model keeps something else on purpose.

bmtools' ``Block.content`` keeps what a block holds as written (its blank lines before the
next block, its lines exactly as the writer indented them beyond the block's own indentation),
and a heading stays ``Block.heading``. Logseq stores the content with trailing blank lines
dropped, an Org ``:PROPERTIES:`` drawer rewritten as ``key:: value`` lines and a duplicate
``id::`` line removed, and a Markdown heading as the block property ``heading``. These
functions give Logseq's reading, for comparisons with Logseq and for exports that must match it
(each rule checked with Logseq's parser).
"""

from __future__ import annotations

import re
from typing import Any

from bmtools.model import Block, Page
from bmtools.syntax.inline import UUID_RE

# What JavaScript's \s matches: Logseq trims and tests blankness with it.
JS_SPACE = "\t\n\v\f\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_BLANK = re.compile(f"[{JS_SPACE}]*")
_TRIML = re.compile(f"^[{JS_SPACE}]+")
_BULLET = re.compile(f"^-+[{JS_SPACE}]?")  # Logseq's "^[-]+\s?" after trimming the left
_LINE_END = re.compile(r"\r?\n")


def logseq_content(page: Page, block: Block) -> str:
    """``:block/content`` as Logseq stores it for this block of a Markdown page."""
    text = page.source[block.start : block.end]
    if block.pre_block:
        return text  # the file's first lines as they are
    if _BLANK.fullmatch(text):
        return ""
    if text.startswith("---"):
        return text
    text = _TRIML.sub("", text, count=1)
    text = _BULLET.sub("", text, count=1)
    lines = _LINE_END.split(text)
    while len(lines) > 1 and lines[-1] == "":
        lines.pop()  # Clojure's split-lines drops the empty strings at the end
    if lines == [""]:
        return ""
    width = block.indent + 2  # Logseq's level + 1: a bullet's indentation, then "- "
    for i in range(1, len(lines)):
        line = lines[i]
        if _BLANK.fullmatch(line[:width]):
            lines[i] = line[width:]
        else:
            lines[i] = _TRIML.sub("", line, count=1)
    lines = _org_drawer_as_properties(lines)
    content = "\n".join(lines)
    dropped = _dropped_id(block)
    if dropped:
        # as Logseq writes the id it matches: its uuid, lower case
        content = re.sub(r"\n*\s*id:: " + re.escape(dropped.lower()), "", content, count=1)
    return content


_COLLAPSED_FALSE = re.compile(r"^[ \t]*collapsed::[ \t]*false[ \t]*$", re.M | re.I)


def logseq_properties(page: Page, block: Block) -> dict[str, Any]:
    """``:block/properties`` as Logseq stores them: ``collapsed:: true`` aside (bmtools keeps
    it as ``Block.collapsed``; Logseq keeps ``collapsed:: false`` as a property), a Markdown
    heading as ``heading`` (it wins over a written ``heading::``), no ``id`` when the id was
    dropped as a duplicate."""
    props = {k: p.value for k, p in block.properties.items()}
    if block.pre_block:
        return props
    if (
        not block.collapsed
        and "collapsed::" in block.content
        and _COLLAPSED_FALSE.search(block.content)
    ):
        props["collapsed"] = False
    if block.heading and page.format == "markdown":
        props["heading"] = block.heading
    if _dropped_id(block):
        del props["id"]
    return props


def _dropped_id(block: Block) -> str | None:
    """The ``id::`` value of a block that lost it as a duplicate (Logseq removes the line)."""
    if block.uuid is not None or block.pre_block:
        return None
    prop = block.properties.get("id")
    if prop is None:
        return None
    value = prop.raw.strip()
    return value if UUID_RE.fullmatch(value) else None


def _org_drawer_as_properties(lines: list[str]) -> list[str]:
    """Logseq rewrites a ``:PROPERTIES:`` … ``:END:`` drawer as ``key:: value`` lines."""
    try:
        start = lines.index(":PROPERTIES:")
        end = lines.index(":END:")
    except ValueError:
        return lines
    if end <= start:
        return lines
    middle = []
    for line in lines[start + 1 : end]:
        key, sep, value = line[1:].partition(":")
        if not sep:
            middle.append(line)
            continue
        key = key.replace("_", "-")
        if key.lower() in ("id", "custom_id", "custom-id"):
            key = "id"
        elif key.lower() == "last-modified-at":
            key = "updated-at"
        middle.append(f"{key}:: {value.strip()}")
    return lines[:start] + middle + lines[end + 1 :]


__all__ = ["JS_SPACE", "logseq_content", "logseq_properties"]
