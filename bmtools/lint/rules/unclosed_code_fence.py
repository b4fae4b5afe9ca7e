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

CODE = "BM005"
READS = "file"
