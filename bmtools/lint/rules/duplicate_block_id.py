"""## What it does
Reports a block whose `id::` is already used by another block.

## Why is this bad?
Logseq keeps the id on the first block only: references and embeds meant for the second
block silently point at the first one.

## Example
```markdown
- first
  id:: 6571f2d0-0000-4000-8000-000000000001
- copy of first
  id:: 6571f2d0-0000-4000-8000-000000000001
```

Use instead:
```markdown
- first
  id:: 6571f2d0-0000-4000-8000-000000000001
- copy of first
```
"""

CODE = "BM010"
READS = "index"
