"""## What it does
Reports an entry of an artifact info page's Examples section (a reference or an embed under
the `Examples` heading) whose page does not exist.

## Why is this bad?
Examples are the part of an artifact readers use most; an entry without its page embeds an
empty box and tells readers an example exists when it does not.

## Example
```markdown
- ## 👉 Examples
  - ### milestones/examples/vein visualizer
    {{embed [[milestones/examples/vein visualizer]]}}
```
with no page `milestones/examples/vein visualizer`.

Use instead: create `pages/milestones___examples___vein visualizer.md`, or remove the entry.
"""

from bmtools.lint.context import reporter
from bmtools.metamodel import section_key
from bmtools.model import PAGE_EMBED, PAGE_REF, TAG

CODE = "BM308"
READS = "graph"
report = reporter(CODE)


def example_refs(ctx):
    """(page, ref) of every page reference or embed under an artifact's Examples heading."""
    for artifact in ctx.metamodel.artifacts:
        page = artifact.page
        for block in page.blocks:
            if block.pre_block or not block.heading or block.parent is not None:
                continue
            if section_key(block.title) != "examples":
                continue
            for sub in page.descendants(block):
                for ref in sub.refs:
                    if ref.kind in (PAGE_REF, PAGE_EMBED, TAG) and not ref.property:
                        yield page, ref


def check(ctx):
    graph = ctx.graph
    seen = set()
    for page, ref in example_refs(ctx):
        target = graph.resolve(ref.target)
        if target is not None and target.file is not None:
            continue
        key = (page.file, graph.resolve_name(ref.target))
        if key in seen:
            continue
        seen.add(key)
        yield report(f"example '{ref.text}' has no page", page.file, ref.line, ref.col)
