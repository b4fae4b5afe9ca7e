"""## What it does
Reports a milestone whose title an earlier milestone of the graph already has (compared as
page names: case and Unicode form aside), at the second one and every later one.

## Why is this bad?
Milestones depend on each other by title (`depends-on:: [[Pilot launched]]`), so a link to a
shared title resolves to the first milestone only: the plan's schedule, critical path and
reports treat the later ones as if nothing could depend on them.

## Example
```markdown
- [[Pilot launched]] #milestone
  due:: 2026-03-31
- [[Pilot launched]] #milestone
  due:: 2026-09-30
```

Use instead: a title that tells them apart:
```markdown
- [[Pilot launched in Madrid]] #milestone
  due:: 2026-03-31
- [[Pilot launched in Lisbon]] #milestone
  due:: 2026-09-30
```
"""

from bmtools.lint.itemfields import milestones_of

CODE = "BM612"
READS = "graph"


def check(ctx):
    from bmtools.milestones.model import duplicate_titles

    yield from duplicate_titles(milestones_of(ctx))
