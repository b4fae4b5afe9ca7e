"""## What it does
Reports a `select` field declared without `options::`.

## Why is this bad?
Without options any value is accepted, which defeats the purpose of a select field.

## Example
```markdown
- field:: status
  type:: select
```

Use instead:
```markdown
- field:: status
  type:: select
  options:: planned, in progress, done, missed
```
"""

from bmtools.lint.context import reemit

CODE = "BM302"
NAME = "select-without-options"
SEVERITY = "error"
DEFAULT = True


def check(ctx):
    """Re-emits the metamodel diagnostics of this code (found while reading class pages)."""
    return reemit(ctx, CODE)
