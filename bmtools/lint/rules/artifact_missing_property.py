"""## What it does
Reports an artifact info page (`page-type:: [[artifact info]]`) that lacks one of the page
properties `metamodel-id::`, `item-classes::`, `relations::`, `weight::`, or leaves it empty
(`relations:: [[]]`). `item-classes::` is asked for only of an artifact whose items are a
list: one whose Content type section says its content is text or a template
(`- Content is of type text.`) holds no items.

## Why is this bad?
These properties tie the artifact into the metamodel: without `item-classes::` its items are
not known to belong to it, without `metamodel-id::` or `relations::` the artifact cannot be
placed among the others, without `weight::` it cannot be prioritised.

## Example
```markdown
page-type:: [[artifact info]]
metamodel-id:: [[milestones]]
relations:: [[]]
```

Use instead:
```markdown
page-type:: [[artifact info]]
metamodel-id:: [[milestones]]
item-classes:: #[[milestone]]
relations:: [[tactics]]
weight:: 40
```
"""

import re

from bmtools.lint.context import reporter
from bmtools.metamodel import ARTIFACT_PROPERTIES, section_key

CODE = "BM305"
READS = "graph"
report = reporter(CODE)
_EMPTY = ("", "[[]]", "#[[]]", '""')


_CONTENT_TYPE = re.compile(r"content is of type\s+([\w-]+)", re.IGNORECASE)


def content_type(page) -> str | None:
    """What the Content type section says the content is (list, text, template …), if it does."""
    line = None
    for block in page.blocks:
        if block.heading and section_key(block.title) == "content type":
            line = block.index
            continue
        if line is not None:
            if block.parent is None and block.heading:
                break  # the next section
            m = _CONTENT_TYPE.search(block.content)
            if m:
                return m.group(1).lower()
    return None


def check(ctx):
    for artifact in ctx.metamodel.artifacts:
        page = artifact.page
        last = max((p.line for p in page.properties.values()), default=1)
        kind = content_type(page)
        for key in ARTIFACT_PROPERTIES:
            if key == "item-classes" and kind is not None and kind != "list":
                continue  # text or a template: no items, no classes to name
            prop = page.properties.get(key)
            if prop is None:
                yield report(f"artifact info page has no {key}:: property", page.file, last, 1)
            elif not prop.names() or prop.raw.strip() in _EMPTY:
                yield report(
                    f"artifact info page property {key}:: is empty ('{prop.raw}')",
                    page.file,
                    prop.line,
                    prop.col,
                )
