"""## What it does
Reports an artifact info page (`page-type:: [[artifact info]]`) that lacks one of the page
properties `metamodel-id::`, `item-classes::`, `relations::`, `weight::`, or leaves it empty
(`relations:: [[]]`).

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

from bmtools.lint.context import reporter
from bmtools.metamodel import ARTIFACT_PROPERTIES

CODE = "BM305"
READS = "graph"
report = reporter(CODE)
_EMPTY = ("", "[[]]", "#[[]]", '""')


def check(ctx):
    for artifact in ctx.metamodel.artifacts:
        page = artifact.page
        last = max((p.line for p in page.properties.values()), default=1)
        for key in ARTIFACT_PROPERTIES:
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
