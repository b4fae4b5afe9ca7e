"""## What it does
Reports a `depends-on::` entry of an item that names no known item (an item with that title)
and no page of the expected class.

## Why is this bad?
Dependencies are how a plan shows its critical chain; a dependency on a milestone that does
not exist (usually a renamed or misspelt one) silently drops out of the chain.

## Example
```markdown
- [[Falcon 1 reaches orbit]] #milestone
  depends-on:: [[Merlin engine qualifed]]
```

Use instead:
```markdown
- [[Falcon 1 reaches orbit]] #milestone
  depends-on:: [[Merlin engine qualified]]
```
"""

from bmtools.lint.context import reporter
from bmtools.lint.itemfields import field_values, item_label, ref_col, target_classes

CODE = "BM405"
READS = "graph"
report = reporter(CODE)


def check(ctx):
    for item, fs, prop in field_values(ctx):
        if fs.name != "depends-on":
            continue
        for name in prop.names():
            exists, _ = target_classes(ctx, name)
            if not exists:
                yield report(
                    f"{item_label(item)}: depends-on:: '{name}', which is no known "
                    f"{fs.cls or item.cls}",
                    item.file,
                    prop.line,
                    ref_col(prop, name),
                )
