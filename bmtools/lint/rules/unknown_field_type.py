"""## What it does
Reports a field declaration on a class page whose `type::` is not one of text, number,
money, date, boolean, select, page, person, url.

## Why is this bad?
The field is then checked as plain text: wrong values pass unnoticed.

## Example
```markdown
- field:: due
  type:: day
```

Use instead:
```markdown
- field:: due
  type:: date
```
"""

from bmtools.lint.context import reemit

CODE = "BM301"
NAME = "unknown-field-type"
SEVERITY = "error"
DEFAULT = True


def check(ctx):
    """Re-emits the metamodel diagnostics of this code (found while reading class pages)."""
    return reemit(ctx, CODE)
