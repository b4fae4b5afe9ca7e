"""## What it does
Reports a class page whose `extends::` names a page that is not a class.

## Why is this bad?
The inherited fields are missing, so items of the class are checked against fewer fields
than the author meant.

## Example
```markdown
page-type:: [[class]]
extends:: [[itme]]
```

Use instead:
```markdown
page-type:: [[class]]
extends:: [[item]]
```
"""

from bmtools.lint.context import reemit

CODE = "BM303"
NAME = "extends-unknown-class"
SEVERITY = "error"
DEFAULT = True


def check(ctx):
    """Re-emits the metamodel diagnostics of this code (found while reading class pages)."""
    return reemit(ctx, CODE)
