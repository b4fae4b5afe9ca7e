"""## What it does
Reports a code fence (```` ``` ````) that is never closed.

## Why is this bad?
Everything after the opening fence becomes code: the blocks, properties and references
below it vanish from the graph.

## Example
````markdown
- ```python
  print(1)
- [[Next page]]
````

Use instead:
````markdown
- ```python
  print(1)
  ```
- [[Next page]]
````
"""

from bmtools.lint.context import reemit

CODE = "BM005"
NAME = "unclosed-code-fence"
SEVERITY = "warning"
DEFAULT = True


def check(ctx):
    """Re-emits the reading diagnostics of this code (found while loading the graph)."""
    return reemit(ctx, CODE)
