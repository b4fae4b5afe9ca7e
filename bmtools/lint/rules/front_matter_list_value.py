"""## What it does
Reports a YAML front-matter list (`tags: [a, b]`) for a key whose value Logseq splits into
page names: `tags`, `alias`, `aliases` and the keys of `:property/separated-by-commas`.

## Why is this bad?
Logseq reads front-matter values as raw strings, and splits those keys' values on commas:
`tags: [a, b]` tags the page with `[a` and `b]`, two pages nobody meant. Other keys keep the
text as written (`title: [WIP]` names the page `[WIP]`), so they are not reported.

## Example
```markdown
---
tags: [plan, 2025]
---
```

Use instead:
```markdown
---
tags: plan, 2025
---
```

## Fix safety
The fix removes the brackets. It is safe: it gives exactly the names the author wrote.
"""

from bmtools.lint.context import reporter
from bmtools.lint.fix import SAFE, Fix, Means
from bmtools.syntax.properties import COMMA_KEYS

CODE = "BM206"
READS = "file"
FIX_TITLE = "Remove the brackets"
report = reporter(CODE)


def check(ctx):
    split = COMMA_KEYS | ctx.graph.config.separated_by_commas
    for page in ctx.file_pages:
        if not page.front_matter:
            continue
        for prop in page.properties.values():
            if prop.key not in split:
                continue  # kept as written: '[WIP]' is a title, not a list
            raw = prop.raw
            if not (len(raw) >= 2 and raw.startswith("[") and raw.endswith("]")):
                continue
            if raw.startswith("[[") and raw.endswith("]]"):
                continue
            line = ctx.line_text(page, prop.line)
            if "::" in line or not line.lstrip().lower().startswith(prop.raw_key.lower() + ":"):
                continue
            start = ctx.offset(page, prop.line, prop.col)
            inner = raw[1:-1].strip()
            yield report(
                f"front-matter value '{raw}' is a YAML list; Logseq reads it as the names "
                f"'{raw.split(',')[0].strip()}' … '{raw.split(',')[-1].strip()}'",
                page.file,
                prop.line,
                prop.col,
                Fix.replace(
                    page.file,
                    start,
                    start + len(raw),
                    inner,
                    SAFE,
                    "Remove the brackets",
                    Means(property_refs=((prop.line, prop.key),)),
                ),
            )
