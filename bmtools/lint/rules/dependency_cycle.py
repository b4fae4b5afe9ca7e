"""## What it does
Reports items whose `depends-on::` links form a cycle (A depends on B, B depends on A, or an
item depending on itself).

## Why is this bad?
No item of a cycle can ever start: the plan cannot be scheduled, and critical-path tools
fail on it.

## Example
```markdown
- [[Beta launch]] #milestone
  depends-on:: [[Pricing decided]]
- [[Pricing decided]] #milestone
  depends-on:: [[Beta launch]]
```

Use instead: remove the dependency that is not real:
```markdown
- [[Beta launch]] #milestone
  depends-on:: [[Pricing decided]]
- [[Pricing decided]] #milestone
```
"""

from itertools import islice

from bmtools.lint.context import reporter
from bmtools.lint.cycles import has_cycle
from bmtools.lint.itemfields import field_values, item_label, items_by_name
from bmtools.names import page_name

CODE = "BM406"
READS = "graph"
report = reporter(CODE)


def check(ctx):
    graph = ctx.graph
    by_name = items_by_name(ctx)
    if not by_name:
        return
    edges: dict[str, set[str]] = {}
    where = {}
    for item, fs, prop in field_values(ctx):
        if fs.name != "depends-on":
            continue
        for name in prop.names():
            key = graph.resolve_name(name)
            if key not in by_name and page_name(name) in by_name:
                key = page_name(name)
            if key in by_name:
                edges.setdefault(item.name, set()).add(key)
                where.setdefault(item.name, (item, prop))
    if not edges or not has_cycle(edges):
        return
    import networkx as nx  # slow to import: only when there is a cycle to list

    from bmtools.graph import sorted_cycle

    G = nx.DiGraph((a, b) for a, targets in edges.items() for b in targets)
    found = islice(nx.simple_cycles(G), 200)  # a tangle has exponentially many cycles
    for cycle in sorted((sorted_cycle(c) for c in found), key=lambda c: (len(c), c)):
        item, prop = where[cycle[0]]
        titles = [by_name[n][0].title for n in cycle]
        path = " → ".join(titles + [titles[0]])
        yield report(
            f"{item_label(item)}: depends-on:: cycle {path}", item.file, prop.line, prop.col
        )
