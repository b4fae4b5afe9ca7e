"""## What it does
Reports a page whose `title::` names a different page than its file name decodes to (with
the graph's `:file/name-format`), and, in graphs using the legacy file-name format, a file
name containing `___` (which only the triple-lowbar format reads as a namespace `/`).

## Why is this bad?
Logseq names the page after `title::`, but when it renames or re-creates the file it writes
the name from the title; tools working on file names (and Logseq's own "filename format"
conversion) see a different page. Files copied from a triple-lowbar graph into a legacy one
silently lose their namespace.

## Example
`pages/milestones_info.md`:
```markdown
title:: milestones/info
```

Use instead: name the file the way Logseq would write it, `pages/milestones___info.md`.
"""

import os
import unicodedata

from bmtools.lint.context import reporter
from bmtools.names import file_stem_from_title, page_name, title_from_file_stem

CODE = "BM105"
READS = "file"
report = reporter(CODE)


def check(ctx):
    fmt = ctx.graph.config.file_name_format
    for page in ctx.file_pages:
        if page.format != "markdown" or page.kind == "journal":
            continue
        stem = os.path.splitext(os.path.basename(page.file))[0]
        decoded = unicodedata.normalize("NFC", title_from_file_stem(stem, fmt))
        if page.title_source == "title-property":
            prop = page.properties.get("title")
            expected = file_stem_from_title(page.title, fmt)
            if page_name(decoded) != page.name and expected != stem:  # not the name it has
                yield report(
                    f"file name reads as page '{decoded}' but title:: says '{page.title}'; "
                    f"Logseq would name the file '{expected}{os.path.splitext(page.file)[1]}'",
                    page.file,
                    prop.line if prop else 1,
                    1,
                )
        elif fmt == "legacy" and "___" in stem:
            yield report(
                f"file name '{stem}' uses '___' but this graph has no :file/name-format "
                f":triple-lowbar, so Logseq reads it as page '{decoded}', not "
                f"'{title_from_file_stem(stem, 'triple-lowbar')}'",
                page.file,
                1,
                1,
            )
