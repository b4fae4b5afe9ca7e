"""## What it does
Reports `key:: value` lines that Logseq ignores because they are not in the block's first
property drawer (a text line separates them from the first properties).

A line that repeats a key of the first drawer with the same value (`collapsed:: true` twice)
is not reported: Logseq keeps that value, so nothing is lost, and moving the line up would
only make a duplicate.

## Why is this bad?
Only the first run of property lines right after the block's title counts. Later property
lines stay as plain text: the field looks set on the page but is missing for Logseq and for
bmtools.

## Example
```markdown
- [[Launch]] #milestone
  due:: 2025-03-01
  The launch of the beta.
  budget:: 10,000 EUR
```

Use instead:
```markdown
- [[Launch]] #milestone
  due:: 2025-03-01
  budget:: 10,000 EUR
  The launch of the beta.
```
"""

from bmtools.lint.context import reporter
from bmtools.model import Block, Page, Property

CODE = "BM202"
READS = "file"
report = reporter(CODE)


def check(ctx):
    for page in ctx.file_pages:
        for block in page.blocks:
            for prop in block.ignored_properties:
                if _repeats_kept_value(page, block, prop):
                    continue
                line = ctx.line_text(page, prop.line)
                col = line.find(prop.raw_key + "::") + 1 or 1
                yield report(
                    f"'{prop.raw_key}::' is ignored: it is not in the block's first property "
                    "drawer (move it up to the other properties)",
                    page.file,
                    prop.line,
                    col,
                )


def _repeats_kept_value(page: Page, block: Block, prop: Property) -> bool:
    """Whether the ignored line only repeats what the block (or, for the page-properties
    block, the page) already has for that key: same value text, blanks aside."""
    if prop.key == "collapsed":  # kept as Block.collapsed; false is what no line gives too
        return (prop.value is True) == block.collapsed
    kept = block.properties.get(prop.key)
    if kept is None and block.pre_block:
        kept = page.properties.get(prop.key)
    return kept is not None and " ".join(kept.raw.split()) == " ".join(prop.raw.split())
