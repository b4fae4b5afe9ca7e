"""## What it does
Reports a property whose key Logseq rejects: a key containing one of `" | ^ ( ) { } , [` or
starting with `#` (`budget(EUR)::`, `a,b::`).

## Why is this bad?
Logseq keeps such a line aside as an "invalid property": it is neither shown in the property
table nor queryable, and for an item field it is as if the field were missing.

## Example
```markdown
- [[Launch]] #milestone
  budget(EUR):: 250,000
```

Use instead:
```markdown
- [[Launch]] #milestone
  budget-eur:: 250,000
```

## Fix safety
The fix replaces each rejected character by `-` (dropping a leading `#`). It is unsafe: the
property becomes visible to Logseq under a key the author did not choose, which changes
queries and may collide with another property.
"""

import re

from bmtools.lint.context import reporter
from bmtools.lint.fix import UNSAFE, Fix, Means
from bmtools.syntax.properties import is_valid_key, normalize_key

CODE = "BM201"
READS = "file"
FIX_TITLE = "Replace the rejected characters of the key by '-'"
report = reporter(CODE)
_BAD = re.compile(r'["|^(){},\[\]]+')


def normalized_key(raw_key: str) -> str:
    key = _BAD.sub("-", raw_key.lstrip("#")).strip("-")
    return re.sub(r"-{2,}", "-", key) or "property"


def check(ctx):
    for page in ctx.file_pages:
        props = [(p, True) for p in page.invalid_properties]
        for block in page.blocks:
            if block.invalid_properties and not block.pre_block:  # rarely any: test first
                props.extend((p, False) for p in block.invalid_properties)
        for prop, _page_level in props:
            line = ctx.line_text(page, prop.line)
            key_col = line.find(prop.raw_key + "::")
            fix = None
            new_key = normalized_key(prop.raw_key)
            if key_col >= 0 and is_valid_key(new_key.lower()):
                start = ctx.offset(page, prop.line, key_col + 1)
                fix = Fix.replace(
                    page.file,
                    start,
                    start + len(prop.raw_key),
                    new_key,
                    UNSAFE,
                    f"Rename '{prop.raw_key}::' to '{new_key}::'",
                    # the property is read from now on, under its new key, with its value's refs
                    Means(property_refs=((prop.line, normalize_key(new_key)),)),
                )
            yield report(
                f"property key '{prop.raw_key}' is invalid in Logseq (it contains one of "
                '" | ^ ( ) { } , [ or starts with #); the property is ignored',
                page.file,
                prop.line,
                key_col + 1 if key_col >= 0 else 1,
                fix,
            )
