"""## What it does
Reports an `alias::` already claimed by another page.

## Why is this bad?
A reference to the alias can only lead to one page; which one depends on load order.

## Example
```markdown
# pages/a.md
alias:: plan
# pages/b.md
alias:: plan
```

Use instead:
Give each page its own alias.
"""

CODE = "BM012"
READS = "index"
