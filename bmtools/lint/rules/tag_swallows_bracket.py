"""## What it does
Reports a tag that ends in `)` or `]` because Logseq read the closing bracket as part of it:
`(#urgent)` tags the page `urgent)`.

## Why is this bad?
The most reported Logseq surprise: the block is tagged with a page nobody meant (`urgent)`),
and the intended page (`urgent`) misses the backlink.

## Example
```markdown
- Call the supplier (#urgent)
```

Use instead (a space ends the tag):
```markdown
- Call the supplier (#urgent )
```
`#[[urgent]])` does not help: Logseq reads the tag `[[urgent]])` there as well as `urgent`.

## Fix safety
The fix puts a space after the tag's name: `#urgent)` becomes `#urgent )`. It is unsafe: it
changes which page the block is tagged with (that is its purpose, but queries on the old tag
change too).
"""

import re

from bmtools.lint.context import reporter
from bmtools.lint.fix import UNSAFE, Fix, Means
from bmtools.model import TAG

CODE = "BM204"
READS = "file"
FIX_TITLE = "End the tag with a space before the bracket"
report = reporter(CODE)


# A tag reported here is written "#" + text ending in ")" or "]", without whitespace.
_CANDIDATE = re.compile(r"#\S*[)\]]")


def check(ctx):
    for page in ctx.file_pages:
        if not _CANDIDATE.search(page.source):
            continue  # no page without a candidate needs its refs walked
        for block in page.blocks:
            for ref in block.refs:
                if ref.kind != TAG or not ref.text.endswith((")", "]")):
                    continue
                text = ref.text
                line = ctx.line_text(page, ref.line)
                col0 = ref.col - 1
                if line[col0 : col0 + 1 + len(text)] != "#" + text:
                    continue  # a #[[...]] tag or one inside a property value written otherwise
                intended = text.rstrip(")]")
                fix = None
                if intended:
                    end = ctx.offset(page, ref.line, ref.col) + 1 + len(intended)
                    fix = Fix.replace(
                        page.file,
                        end,
                        end,
                        " ",
                        UNSAFE,
                        f"Write '#{intended} {text[len(intended) :]}'",
                        Means(refs_added=((TAG, intended),), refs_removed=((TAG, text),)),
                    )
                    said = f"tag '#{text}' includes the closing bracket: Logseq tags the page "
                    said += f"'{text}', not '{intended}'"
                else:
                    said = f"tag '#{text}' is only closing brackets: Logseq tags the page '{text}'"
                yield report(
                    said,
                    page.file,
                    ref.line,
                    ref.col,
                    fix,
                    ref.line,
                    ref.col + 1 + len(text),
                )
