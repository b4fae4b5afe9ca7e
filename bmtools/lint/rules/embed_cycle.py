"""## What it does
Reports pages that embed each other in a cycle (a page that embeds itself counts), through
page embeds `{{embed [[p]]}}` or block embeds `{{embed ((uuid))}}`.

## Why is this bad?
Logseq expands embeds when it renders them: a cycle renders the same content again and
again until Logseq gives up, and exports of the page never end.

## Example
```markdown
# pages/a.md
- {{embed [[b]]}}
# pages/b.md
- {{embed [[a]]}}
```

Use instead: replace one embed by a plain reference:
```markdown
# pages/b.md
- Back to [[a]]
```
"""

from itertools import islice

from bmtools.lint.context import reporter
from bmtools.lint.cycles import has_cycle
from bmtools.model import PAGE_EMBED

CODE = "BM104"
NAME = "embed-cycle"
SEVERITY = "warning"
report = reporter(CODE, NAME, SEVERITY)
MAX_CYCLES_PER_PART = 50  # a dense tangle of embeds has exponentially many cycles


def check(ctx):
    graph = ctx.graph
    first: dict[tuple[str, str], tuple[str, int, int]] = {}
    for page, (kind, ref_target, line, col) in ctx.embeds():
        if kind == PAGE_EMBED:
            target = graph.resolve_name(ref_target)
        else:
            hit = graph.uuids.get(ref_target)
            target = hit[0] if hit else None
        if target is None or target not in graph.pages:
            continue
        first.setdefault((page.name, target), (page.file, line, col))
    edges: dict[str, list[str]] = {}
    for source, target in first:
        edges.setdefault(source, []).append(target)
    if not has_cycle(edges):
        return
    import networkx as nx  # slow to import: only when there is a cycle to list

    from bmtools.graph import sorted_cycle

    E = nx.DiGraph()
    E.add_edges_from(first)
    # Only strongly connected parts (and self-embeds) can hold cycles: look there alone.
    cycles = [[n] for n in nx.nodes_with_selfloops(E)]
    for part in nx.strongly_connected_components(E):
        if len(part) > 1:
            sub = E.subgraph(part).copy()
            sub.remove_edges_from(list(nx.selfloop_edges(sub)))
            cycles.extend(islice(nx.simple_cycles(sub), MAX_CYCLES_PER_PART))
    for cycle in sorted((sorted_cycle(c) for c in cycles), key=lambda c: (len(c), c)):
        titles = [graph.pages[n].title for n in cycle]
        nxt = cycle[1] if len(cycle) > 1 else cycle[0]
        file, line, col = first[(cycle[0], nxt)]
        path = " → ".join(titles + [titles[0]])
        yield report(f"embed cycle: {path}", file, line, col)
