"""## What it does
Reports a page reference or tag (`[[x]]`, `#x`, `#[[x]]`) to a page that no file defines
and that is neither a journal day nor the title of an item (`- [[Launch]] #milestone`
makes `[[Launch]]` known).

Off by default: Logseq creates a page the first time it is referenced, so dangling references
are normal in most graphs. Turn it on (`--extend-select BM101`) to find typos in names.

## Why is this bad?
A misspelt reference (`[[Gantt Chrat]]`) creates a new, empty page instead of linking to the
existing one, and the backlinks of the real page miss it.

## Example
```markdown
- See [[Gantt Chrat]] for the schedule.
```

Use instead:
```markdown
- See [[Gantt Chart]] for the schedule.
```
"""

from bmtools.lint.context import reporter
from bmtools.lint.itemfields import items_by_name
from bmtools.model import PAGE_REF, TAG
from bmtools.names import journal_day

CODE = "BM101"
READS = "refs"
report = reporter(CODE)


def check(ctx):
    graph = ctx.graph
    items = items_by_name(ctx)
    outside = ctx.outside_item_names
    fmt = graph.config.journal_title_format
    for page in ctx.file_pages:
        for block in page.blocks:
            for ref in block.refs:
                if ref.kind not in (PAGE_REF, TAG):
                    continue
                if block.marker and ref.text in (block.marker, block.priority):
                    continue
                if (
                    graph.resolve(ref.target) is None
                    and ref.target not in items
                    and ref.target not in outside
                    and journal_day(ref.target, fmt) is None
                ):
                    kind = "tag" if ref.kind == TAG else "page reference"
                    yield report(
                        f"{kind} to '{ref.text}', a page no file defines",
                        page.file,
                        ref.line,
                        ref.col,
                    )
