"""## What it does
Reports a legacy item: one of several `#milestone [[Title]]` lines kept in one block, with a
description on the lines under it and no fields. Reported once per item, with severity
`info`, instead of one missing-field diagnostic per required field.

## Why is this bad?
A legacy item has no due date, budget, owner or type, so it cannot be planned or checked;
it is a note rather than an item.

## Example
```markdown
- #milestone [[Prototype ready]]
  Build the first working prototype.
  #milestone [[First 100 customers]]
  Reach a hundred paying customers.
```

Use instead: one block per item, with its fields:
```markdown
- [[Prototype ready]] #milestone
  description:: Build the first working prototype.
  due:: 2025-09-30
  budget:: 20,000 EUR
  owner:: [[Ana Ruiz]]
  milestone-type:: implementation
```
"""

from bmtools.lint.context import reporter
from bmtools.lint.itemfields import item_label

CODE = "BM408"
NAME = "legacy-item"
SEVERITY = "info"
report = reporter(CODE, NAME, SEVERITY)


def check(ctx):
    for item in ctx.items:
        if item.legacy:
            yield report(
                f"legacy {item_label(item)} has no fields (rewrite it as a block with "
                "properties to plan and check it)",
                item.file,
                item.line,
                item.col,
            )
