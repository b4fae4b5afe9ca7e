"""## What it does
Reports a field declaration on a class page whose `type::` is not one of text, number,
money, date, boolean, select, page, person, url.

## Why is this bad?
The field is then checked as plain text: wrong values pass unnoticed.

## Example
```markdown
- field:: due
  type:: day
```

Use instead:
```markdown
- field:: due
  type:: date
```
"""

CODE = "BM301"
READS = "graph"
