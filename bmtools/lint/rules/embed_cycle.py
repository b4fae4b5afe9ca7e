"""## What it does
Reports embeds that show each other in a cycle: a page embed `{{embed [[p]]}}` shows every
embed of page `p`, a block embed `{{embed ((uuid))}}` shows the embeds in that block and its
children. A page that embeds itself, or a block that embeds its own parent, is a cycle; a
block that embeds another block of the same page that embeds nothing is not.

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

from bmtools.lint.context import HELD_BY, reporter
from bmtools.lint.cycles import has_cycle
from bmtools.model import PAGE_EMBED

CODE = "BM104"
READS = "embeds"
report = reporter(CODE)
MAX_CYCLES_PER_PART = 50  # a dense tangle of embeds has exponentially many cycles


def check(ctx):
    """Cycles of what an embed shows: a page embed shows every embed of the page, a block
    embed only the embeds in that block and under it. So a block that embeds a block of the
    same page that embeds nothing is no cycle, though the page "embeds itself"."""
    graph = ctx.graph
    # Nodes: ("page", name), ("block", uuid), and each embed as (page name, line, col).
    edges: dict[tuple, list[tuple]] = {}
    where: dict[tuple, str] = {}  # embed node -> its file
    for page, (kind, target, line, col) in ctx.embeds():
        node = (page.name, line, col)
        if kind == HELD_BY:
            hit = graph.uuids.get(target)
            if hit is not None and hit[0] == page.name:  # the block that owns the id
                edges.setdefault(("block", target), []).append(node)
            continue
        if node in where:
            continue  # two embeds cannot start at one place; keep the first
        where[node] = page.file
        edges.setdefault(("page", page.name), []).append(node)
        if kind == PAGE_EMBED:
            name = graph.resolve_name(target)
            if name is not None and name in graph.pages:
                edges[node] = [("page", name)]
        elif target in graph.uuids:
            edges[node] = [("block", target)]
    if not has_cycle(edges):
        return
    import networkx as nx  # slow to import: only when there is a cycle to list

    from bmtools.graph import sorted_cycle

    E = nx.DiGraph()
    E.add_edges_from((s, t) for s, targets in edges.items() for t in targets)
    cycles = []
    for part in nx.strongly_connected_components(E):
        if len(part) > 1:
            cycles.extend(islice(nx.simple_cycles(E.subgraph(part)), MAX_CYCLES_PER_PART))
    found: dict[tuple[str, ...], tuple[str, int, int]] = {}
    for cycle in cycles:
        embeds = [n for n in cycle if n in where]  # in the order they show each other
        pages = [n[0] for n in embeds]
        first = pages.index(min(pages))
        key = tuple(sorted_cycle(pages))
        at = (where[embeds[first]], embeds[first][1], embeds[first][2])
        if key not in found or at < found[key]:
            found[key] = at
    for key in sorted(found, key=lambda c: (len(c), c)):
        titles = [graph.pages[n].title for n in key]
        file, line, col = found[key]
        yield report(f"embed cycle: {' → '.join(titles + [titles[0]])}", file, line, col)
