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

CODE = "BM303"
READS = "graph"
