"""## What it does
Reports a page file (or folder) of the graph that cannot be read, e.g. for lack of permission.

## Why is this bad?
Logseq cannot read it either: the page silently disappears from the graph, with every
reference it held.

## Example
```console
$ ls -l pages/secret.md
--w------- 1 me me 120 pages/secret.md
```

Use instead:
```console
$ chmod 644 pages/secret.md
```
"""

from bmtools.lint.context import reemit

CODE = "BM001"
NAME = "unreadable-file"
SEVERITY = "error"
DEFAULT = True


def check(ctx):
    """Re-emits the reading diagnostics of this code (found while loading the graph)."""
    return reemit(ctx, CODE)
