"""## What it does
Reports a class that extends itself, directly or through other classes.

## Why is this bad?
The inheritance chain has no root: the effective fields depend on where the cycle is cut.

## Example
```markdown
# pages/a.md
page-type:: [[class]]
extends:: [[b]]
# pages/b.md
page-type:: [[class]]
extends:: [[a]]
```

Use instead:
Break the cycle: make one of the classes extend nothing (or a common parent).
"""

CODE = "BM304"
READS = "graph"
