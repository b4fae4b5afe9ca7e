"""## What it does
Reports an item field of type `select` whose value is not one of the field's `options::`
(compared case-insensitively; `[[implementation]]` counts as `implementation`).

## Why is this bad?
Reports and queries group items by these values; a misspelt or invented value puts the item
in a group of its own.

## Example
```markdown
- [[Beta launch]] #milestone
  status:: ongoing
```

Use instead:
```markdown
- [[Beta launch]] #milestone
  status:: in progress
```

## Fix safety
When exactly one option is close to the value (a typo), the fix replaces the value by it.
It is unsafe: a close option is not always the intended one.
"""

import difflib

from bmtools.lint.context import reporter
from bmtools.lint.fix import UNSAFE, Fix, Means
from bmtools.lint.itemfields import field_values, item_label
from bmtools.model import PROPERTY
from bmtools.values import parse_select

CODE = "BM403"
READS = "graph"
FIX_TITLE = "Replace the value by the closest option"
report = reporter(CODE)


def check(ctx):
    for item, fs, prop in field_values(ctx):
        if fs.kind != "select" or not fs.options:
            continue
        options = [o.lower() for o in fs.options]
        values = prop.value if isinstance(prop.value, list) else [prop.value]
        if len(values) > 1 and not fs.is_many:
            yield report(
                f"{item_label(item)}: {fs.name}:: takes one option, got {len(values)}",
                item.file,
                prop.line,
                prop.col,
            )
            continue
        for value in values:
            try:
                v = parse_select(value)
            except ValueError:
                continue
            if v in options:
                continue
            close = difflib.get_close_matches(v, options, n=2, cutoff=0.75)
            fix = None
            hint = ""
            if len(close) == 1:
                best = fs.options[options.index(close[0])]
                hint = f"; did you mean '{best}'?"
                if len(values) == 1 and all(r.kind == PROPERTY for r in prop.refs):
                    page = item.page
                    start = ctx.offset(page, prop.line, prop.col)
                    fix = Fix.replace(
                        page.file,
                        start,
                        start + len(prop.raw),
                        best,
                        UNSAFE,
                        f"Replace '{prop.raw}' by '{best}'",
                        Means(properties=((prop.line, prop.key),)),  # no reference changes
                    )
            yield report(
                f"{item_label(item)}: {fs.name}:: '{value}' is not one of: "
                f"{', '.join(fs.options)}{hint}",
                item.file,
                prop.line,
                prop.col,
                fix,
            )
