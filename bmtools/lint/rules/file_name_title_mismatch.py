"""## What it does
Reports a page whose file name is its `title::` written in another file-name format than
the graph's (`milestones.info.md` titled `milestones/info`, where the graph's
`:file/name-format :triple-lowbar` writes `milestones___info.md`), and, in graphs using the
legacy file-name format, a file name containing `___` (which only the triple-lowbar format
reads as a namespace `/`).

A `title::` that names the page differently from its file name on purpose (`block_embed.md`
titled `Block embed`) is not reported: Logseq names the page after the title, and its own
file-name conversion leaves such a file alone (it renames only files whose title is the one
an older format wrote for the file name).

## Why is this bad?
The file was written in another file-name format, which kept the page name in `title::`
because its file names could not hold it. Logseq's "Filename format" conversion lists such
files to rename; until then, tools working on file names see a different page than Logseq
shows. Files copied from a triple-lowbar graph into a legacy one silently lose their
namespace.

## Example
`pages/milestones.info.md`, in a graph with `:file/name-format :triple-lowbar`:
```markdown
title:: milestones/info
```

Use instead: name the file the way Logseq would write it, `pages/milestones___info.md`.
"""

import os
import re
import unicodedata

from bmtools.lint.context import reporter
from bmtools.names import (
    LEGACY,
    TRIPLE_LOWBAR,
    file_stem_from_title,
    page_name,
    title_from_file_stem,
)

CODE = "BM105"
READS = "file"
report = reporter(CODE)

# Logseq's first file names (before 2022): '/' as '.', reserved characters as '_'.
_LEGACY_DOT_RESERVED = re.compile(r'[:\\*?"<>|#%]+')


def _legacy_dot_stem(title: str) -> str:
    return _LEGACY_DOT_RESERVED.sub("_", title.strip("/")).replace("/", ".")


def written_for_title(stem: str, title: str) -> bool:
    """Whether ``stem`` is a file name some Logseq file-name format writes for ``title``, i.e.
    the title:: was written by Logseq, not chosen by the author (Logseq's conversion makes
    the same test before it renames a file: `is-manual-title-prop?`)."""
    name = page_name(title)
    if any(
        page_name(unicodedata.normalize("NFC", title_from_file_stem(stem, fmt))) == name
        for fmt in (LEGACY, TRIPLE_LOWBAR)
    ):
        return True
    return unicodedata.normalize("NFC", stem) == unicodedata.normalize(
        "NFC", _legacy_dot_stem(title)
    )


def check(ctx):
    fmt = ctx.graph.config.file_name_format
    for page in ctx.file_pages:
        if page.format != "markdown" or page.kind == "journal":
            continue
        stem = os.path.splitext(os.path.basename(page.file))[0]
        decoded = unicodedata.normalize("NFC", title_from_file_stem(stem, fmt))
        if page.title_source == "title-property":
            if page_name(decoded) == page.name:
                continue  # the file already reads as the page's name
            expected = file_stem_from_title(page.title, fmt)
            if expected == stem or not written_for_title(stem, page.title):
                continue  # the name Logseq gives it, or a title the author chose
            prop = page.properties.get("title")
            yield report(
                f"file name reads as page '{decoded}' but title:: says '{page.title}' (the "
                f"file name is that title in another file-name format); Logseq would name "
                f"the file '{expected}{os.path.splitext(page.file)[1]}'",
                page.file,
                prop.line if prop else 1,
                1,
            )
        elif fmt == LEGACY and "___" in stem:
            yield report(
                f"file name '{stem}' uses '___' but this graph has no :file/name-format "
                f":triple-lowbar, so Logseq reads it as page '{decoded}', not "
                f"'{title_from_file_stem(stem, TRIPLE_LOWBAR)}'",
                page.file,
                1,
                1,
            )
