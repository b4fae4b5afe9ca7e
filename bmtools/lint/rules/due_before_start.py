"""## What it does
Reports an item whose `due::` date is before its `start::` date.

## Why is this bad?
The item ends before it begins: one of the two dates is wrong (often a swapped month and
day, or a copy-pasted start), and schedules built from it show negative durations.

## Example
```markdown
- [[Beta launch]] #milestone
  start:: 2025-06-01
  due:: 2025-01-06
```

Use instead:
```markdown
- [[Beta launch]] #milestone
  start:: 2025-01-06
  due:: 2025-06-01
```
"""

from bmtools.lint.context import reporter
from bmtools.lint.itemfields import is_empty, item_label

CODE = "BM407"
READS = "graph"
report = reporter(CODE)


def check(ctx):
    mm = ctx.metamodel
    fmt = ctx.graph.config.journal_title_format
    for item in ctx.checked_items:
        if item.legacy:
            continue
        spec = mm.classes.get(item.cls)
        if spec is None or "due" not in spec.fields or "start" not in spec.fields:
            continue
        due, start = item.fields.get("due"), item.fields.get("start")
        if is_empty(due) or is_empty(start):
            continue
        try:
            d = spec.fields["due"].parse(due.value, fmt)
            s = spec.fields["start"].parse(start.value, fmt)
        except ValueError:
            continue  # BM402
        if d < s:
            yield report(
                f"{item_label(item)}: due:: {d.isoformat()} is before start:: {s.isoformat()}",
                item.file,
                due.line,
                due.col,
            )
