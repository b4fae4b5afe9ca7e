"""## What it does
Reports a block reference `((uuid))` to an id that no block of the graph carries.

## Why is this bad?
Logseq shows the raw uuid instead of the referenced text; the reference is dead, usually
because the target block was deleted or its `id::` property was lost in a copy.

## Example
```markdown
- As decided in ((6571f2d0-0000-4000-8000-00000000dead)).
```

Use instead: point at an existing block, or write the text out.
"""

from bmtools.lint.context import reporter
from bmtools.model import BLOCK_REF

CODE = "BM103"
READS = "graph"
report = reporter(CODE)


def check(ctx):
    graph = ctx.graph
    for page in ctx.file_pages:
        src = page.source
        if "((" not in src:  # block refs are written ((uuid)): most pages have none
            continue
        for block in page.blocks:
            if src.find("((", block.start, block.end) < 0:
                continue
            for ref in block.refs:
                if ref.kind == BLOCK_REF and not graph.has_block(ref.target):
                    yield report(
                        f"block reference (({ref.target})) to an id no block carries",
                        page.file,
                        ref.line,
                        ref.col,
                    )
