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

CODE = "BM302"
READS = "graph"
