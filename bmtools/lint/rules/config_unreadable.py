"""## What it does
Reports a `logseq/config.edn` that cannot be read as EDN.

## Why is this bad?
bmtools (like Logseq in many cases) falls back to the defaults, so the file-name format,
hidden folders and property settings of the graph are ignored.

## Example
```clojure
{:file/name-format :triple-lowbar
```

Use instead:
```clojure
{:file/name-format :triple-lowbar}
```
"""

from bmtools.lint.context import reemit

CODE = "BM030"
NAME = "config-unreadable"
SEVERITY = "warning"
DEFAULT = True


def check(ctx):
    """Re-emits the reading diagnostics of this code (found while loading the graph)."""
    return reemit(ctx, CODE)
