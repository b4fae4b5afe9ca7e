"""## What it does
Reports a `depends-on::` link from a milestone to a milestone that has no valid `due::` date
(none, or one that does not parse): the critical path and the charts of `bmtools milestones`
leave that link out.

## Why is this bad?
The schedule is computed from due dates; a milestone without one cannot be placed, so what
depends on it is scheduled as if it did not, and the critical path can miss the real chain.

## Example
```markdown
- [[Supplier contract signed]] #milestone
  due:: soon
- [[First batch shipped]] #milestone
  due:: 2026-06-30
  depends-on:: [[Supplier contract signed]]
```

Use instead: give the milestone it depends on a date:
```markdown
- [[Supplier contract signed]] #milestone
  due:: 2026-04-15
```
"""

from bmtools.lint.itemfields import milestones_of

CODE = "BM613"
READS = "graph"


def check(ctx):
    from bmtools.milestones.cpm import unscheduled_links

    yield from unscheduled_links(milestones_of(ctx))
