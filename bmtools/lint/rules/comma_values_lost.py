"""## What it does
Reports a property value that mixes references with plain comma-separated text
(`m:: [[m1]], m2`) for a key that Logseq does not split on commas.

## Why is this bad?
When a value contains a reference, Logseq keeps only the set of referenced pages and drops
the other text: `m2` silently disappears. Only `alias`, `tags` and keys listed in
`:property/separated-by-commas` split plain text on commas.

## Example
```markdown
- [[Launch]] #milestone
  depends-on:: [[Beta ready]], Pricing page live
```

Use instead:
```markdown
- [[Launch]] #milestone
  depends-on:: [[Beta ready]], [[Pricing page live]]
```
or add the key to `:property/separated-by-commas` in `logseq/config.edn`.

## Fix safety
The fix wraps each lost part in `[[…]]`. It is unsafe: it creates references (and so pages)
the author may not want.
"""

from bmtools.lint.context import reporter
from bmtools.lint.fix import UNSAFE, Edit, Fix
from bmtools.syntax.inline import refs_in
from bmtools.syntax.properties import COMMA_KEYS, comma_parts, is_unparsed_key

CODE = "BM203"
NAME = "comma-values-lost"
SEVERITY = "warning"
FIX_TITLE = "Wrap the lost parts in [[...]]"
report = reporter(CODE, NAME, SEVERITY)


def lost_parts(raw: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of the comma parts of ``raw`` that hold no reference."""
    out = []
    for start, part in comma_parts(raw):
        text = part.strip()
        if not text:
            continue
        refs, _ = refs_in(part)
        if not refs:
            lead = len(part) - len(part.lstrip())
            out.append((start + lead, start + lead + len(text), text))
    return out


def check(ctx):
    comma_keys = ctx.graph.config.separated_by_commas
    for page in ctx.file_pages:
        for block in page.blocks:
            for prop in block.properties.values():
                if (
                    not isinstance(prop.value, list)
                    or prop.key in COMMA_KEYS
                    or prop.key in comma_keys
                    or is_unparsed_key(prop.key)
                    or ("," not in prop.raw and "，" not in prop.raw)
                ):
                    continue
                lost = lost_parts(prop.raw)
                if not lost:
                    continue
                value_start = ctx.offset(page, prop.line, prop.col)
                edits = tuple(
                    Edit(page.file, value_start + a, value_start + b, f"[[{t}]]")
                    for a, b, t in lost
                )
                names = ", ".join(f"'{t}'" for _, _, t in lost)
                yield report(
                    f"'{prop.key}::' mixes references and comma-separated text: Logseq keeps "
                    f"only the references and drops {names}",
                    page.file,
                    prop.line,
                    prop.col + lost[0][0],
                    Fix(edits, UNSAFE, f"Wrap {names} in [[...]]"),
                )
