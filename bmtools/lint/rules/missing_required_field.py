"""## What it does
Reports an item (a block tagged with a class, e.g. `#milestone`) that lacks a field its class
declares `required:: true`, or leaves it empty. For the built-in milestone class these are
description, due, budget, owner and milestone-type.

## Why is this bad?
A milestone without a due date, a budget or an owner cannot be planned, tracked or reviewed:
it is an intention, not a milestone.

## Example
```markdown
- [[Beta launch]] #milestone
  description:: First public beta.
  due:: 2025-06-01
```

Use instead:
```markdown
- [[Beta launch]] #milestone
  description:: First public beta.
  due:: 2025-06-01
  budget:: 40,000 EUR
  owner:: [[Ana Ruiz]]
  milestone-type:: implementation
```
"""

from bmtools.lint.context import reporter
from bmtools.lint.itemfields import is_empty, item_label

CODE = "BM401"
NAME = "missing-required-field"
SEVERITY = "error"
report = reporter(CODE, NAME, SEVERITY)


def check(ctx):
    mm = ctx.metamodel
    for item in ctx.items:
        if item.legacy:
            continue  # BM408 reports legacy items once
        spec = mm.classes.get(item.cls)
        if spec is None:
            continue
        for fs in spec.required_fields():
            prop = item.fields.get(fs.name)
            if prop is not None and not is_empty(prop):
                continue
            hint = f" ({fs.description})" if fs.description else ""
            if prop is None:
                yield report(
                    f"{item_label(item)} has no {fs.name}:: ({fs.kind}, required){hint}",
                    item.file,
                    item.line,
                    item.col,
                )
            else:
                yield report(
                    f"{item_label(item)} has an empty {fs.name}:: ({fs.kind}, required)",
                    item.file,
                    prop.line,
                    prop.col,
                )
