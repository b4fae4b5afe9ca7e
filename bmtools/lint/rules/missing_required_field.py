"""## What it does
Reports an item (a block tagged with a class, e.g. `#milestone`) that lacks fields its class
declares `required:: true`, or leaves them empty: one finding per item, listing every such
field. For the built-in milestone class these are description, due, budget, owner and
milestone-type.

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
READS = "graph"
report = reporter(CODE)


def check(ctx):
    mm = ctx.metamodel
    for item in ctx.checked_items:
        if item.legacy:
            continue  # legacy items have no fields by form; BM408 reports their blocks
        spec = mm.classes.get(item.cls)
        if spec is None:
            continue
        missing, empty = [], []
        for fs in spec.required_fields():
            prop = item.fields.get(fs.name)
            if prop is None:
                missing.append(fs)
            elif is_empty(prop):
                empty.append((fs, prop))
        if not missing and not empty:
            continue
        message = item_label(item)
        if missing:
            message += " has no " + ", ".join(f"{f.name}:: ({f.kind}, required)" for f in missing)
            if len(missing) == 1 and not empty and missing[0].description:
                message += f" ({missing[0].description})"
        if empty:
            message += " and" if missing else " has"
            message += " an empty " + ", ".join(
                f"{f.name}:: ({f.kind}, required)" for f, _ in empty
            )
        if missing:
            yield report(message, item.file, item.line, item.col)
        else:
            yield report(message, item.file, empty[0][1].line, empty[0][1].col)
