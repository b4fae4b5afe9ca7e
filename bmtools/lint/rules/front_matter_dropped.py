"""## What it does
Reports YAML front matter with a line that is not `key: value`.

## Why is this bad?
Logseq then drops the whole front matter silently: title, tags and every other property
are gone.

## Example
```markdown
---
title: Plan
tags:
  - a
---
```

Use instead:
```markdown
title:: Plan
tags:: a
```
"""

from bmtools.lint.context import reemit

CODE = "BM020"
NAME = "front-matter-dropped"
SEVERITY = "warning"
DEFAULT = True


def check(ctx):
    """Re-emits the reading diagnostics of this code (found while loading the graph)."""
    return reemit(ctx, CODE)
