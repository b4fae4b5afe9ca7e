"""## What it does
Reports `{{embed [[page]]}}` of a page that no file defines, and `{{embed ((uuid))}}` of a
block id that no block carries.

## Why is this bad?
Logseq renders an empty box: the reader sees nothing where content was promised, and nothing
tells the author. Unlike a plain reference, an embed exists only to show the other content.

## Example
```markdown
- {{embed [[milestones/examples/vein visualizer]]}}
```
when no page `milestones/examples/vein visualizer` exists.

Embeds under an artifact page's Examples heading are reported by BM308 instead (when it is
enabled), so that a missing example is reported once.

A tool or template page of a published knowledge base may embed a page that only its
readers' own graphs hold (an export page showing `{{embed [[business model]]}}`). The files
cannot tell that apart from a page that was deleted or misspelt, so it is reported too: say
so on that page with `bmtools-ignore:: BM102` in its page properties.

Use instead: create the page, or fix the name:
```markdown
- {{embed [[milestones/examples/Vein Visualizer]]}}
```
"""

from bmtools.lint.context import reporter
from bmtools.model import BLOCK_EMBED, KIND_IMPLIED, PAGE_EMBED

CODE = "BM102"
READS = "graph"
report = reporter(CODE)


def check(ctx):
    graph = ctx.graph
    examples = set()
    if "BM308" in ctx.enabled:  # missing example pages are reported once, by BM308
        from bmtools.lint.rules.missing_example_page import example_refs

        examples = {(page.file, ref.line, ref.col) for page, ref in example_refs(ctx)}
    for page in ctx.file_pages:
        for block in page.blocks:
            if not block.macros:
                continue  # embeds are macros: most blocks have none
            for ref in block.refs:
                if ref.kind == PAGE_EMBED:
                    if (page.file, ref.line, ref.col) in examples:
                        continue
                    target = graph.resolve(ref.target)
                    if target is None or (target.file is None and target.kind != KIND_IMPLIED):
                        yield report(
                            f"embed of page '{ref.text}', which does not exist",
                            page.file,
                            ref.line,
                            ref.col,
                        )
                elif ref.kind == BLOCK_EMBED and not graph.has_block(ref.target):
                    yield report(
                        f"embed of block (({ref.target})), which no block carries",
                        page.file,
                        ref.line,
                        ref.col,
                    )
