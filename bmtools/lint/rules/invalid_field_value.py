"""## What it does
Reports an item field whose value does not parse as the field's type: a date that is not
`YYYY-MM-DD` or a journal link, money without a currency, a number that is not a number, a
boolean other than true/false, a URL that is not http(s), several pages in a field that
takes one.

## Why is this bad?
Plans, timelines and budgets are computed from these values; a value that does not parse is
left out of every total and every schedule without anyone noticing.

## Example
```markdown
- [[Beta launch]] #milestone
  due:: next spring
  budget:: 40000
```

Use instead:
```markdown
- [[Beta launch]] #milestone
  due:: 2025-04-15
  budget:: 40,000 EUR
```
"""

from bmtools.lint.context import reporter
from bmtools.lint.itemfields import field_values, item_label

CODE = "BM402"
READS = "graph"
report = reporter(CODE)


def check(ctx):
    fmt = ctx.graph.config.journal_title_format
    for item, fs, prop in field_values(ctx):
        if fs.kind in ("text", "select"):
            continue  # select values: BM403
        try:
            fs.parse(prop.value, fmt)
        except ValueError as exc:
            yield report(
                f"{item_label(item)}: {fs.name}:: {exc} (expected {fs.kind})",
                item.file,
                prop.line,
                prop.col,
            )
