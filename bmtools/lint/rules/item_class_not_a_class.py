"""## What it does
Reports an `item-classes::` entry of an artifact info page that names a page which is not a
class (no `page-type:: [[class]]`, and not the built-in `milestone` class).

## Why is this bad?
Items of the artifact are recognised by their class tag; naming a non-class page means no
block is ever checked as an item of this artifact.

## Example
```markdown
page-type:: [[artifact info]]
item-classes:: #[[milestones]]
```

Use instead:
```markdown
page-type:: [[artifact info]]
item-classes:: #[[milestone]]
```
"""

from bmtools.lint.context import reporter

CODE = "BM307"
READS = "graph"
report = reporter(CODE)


def check(ctx):
    mm = ctx.metamodel
    graph = ctx.graph
    for artifact in mm.artifacts:
        prop = artifact.page.properties.get("item-classes")
        if prop is None:
            continue
        for name in artifact.item_classes:
            if mm.class_for(graph.resolve_name(name)) or mm.class_for(name):
                continue
            col = prop.col
            for ref in prop.refs:
                if ref.text == name:
                    col = ref.col
                    break
            yield report(
                f"item-classes:: names '{name}', which is not a class page (page-type:: [[class]])",
                artifact.page.file,
                prop.line,
                col,
            )
