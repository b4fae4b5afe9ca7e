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
the author may not want. It is offered only for a list of short names (every part one
reference or a few plain words); for text with references in it, like a description
sentence, which words were meant as a page is a guess, so no fix is offered. Commas inside
`[[…]]`, `(…)`, `{…}` or backticks do not separate parts: `[[February 21, 2017]]` is one
reference.
"""

import re

from bmtools.lint.context import reporter
from bmtools.lint.fix import UNSAFE, Edit, Fix, Means
from bmtools.model import PAGE_EMBED, PAGE_REF, TAG
from bmtools.syntax.inline import refs_in
from bmtools.syntax.properties import COMMA_KEYS, is_unparsed_key

CODE = "BM203"
READS = "file"
FIX_TITLE = "Wrap the lost parts in [[...]]"
report = reporter(CODE)

_OPEN = {"[": "]", "(": ")", "{": "}"}
_CLOSE = set(_OPEN.values())
# A part that reads as a page name: a few words, no sentence or markup punctuation.
_NAME_LIKE = re.compile(r"[^.!?:;()\[\]{}`\"<>|]{1,60}")
MAX_NAME_WORDS = 5


def top_level_parts(raw: str) -> list[tuple[int, str]]:
    """(offset, part) of ``raw`` split at the commas outside brackets and code spans."""
    out: list[tuple[int, str]] = []
    depth = 0
    code = False
    start = 0
    for i, c in enumerate(raw):
        if c == "`":
            code = not code
        elif code:
            continue
        elif c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and c in ",，":
            out.append((start, raw[start:i]))
            start = i + 1
    out.append((start, raw[start:]))
    return out


def _lone_ref(text: str) -> bool:
    """Whether ``text`` is exactly one page reference or tag."""
    refs, macros = refs_in(text)
    if len(refs) != 1 or macros or refs[0].kind not in (PAGE_REF, TAG, PAGE_EMBED):
        return False
    name = refs[0].text
    return text in (f"[[{name}]]", f"#[[{name}]]", f"#{name}")


def classify(raw: str) -> tuple[list[tuple[int, int, str]], bool]:
    """(lost parts as (start, end, text), whether the value is a list of names).

    Lost parts are the top-level comma parts with no reference. The value is a list when
    every other part is one lone reference; otherwise it is text with references in it.
    """
    lost = []
    is_list = True
    for start, part in top_level_parts(raw):
        text = part.strip()
        if not text:
            continue
        lead = len(part) - len(part.lstrip())
        refs, _ = refs_in(part)
        if not refs:
            lost.append((start + lead, start + lead + len(text), text))
        elif not _lone_ref(text):
            is_list = False
    return lost, is_list


def _quoted(text: str, limit: int = 60) -> str:
    return f"'{text}'" if len(text) <= limit else f"'{text[: limit - 1].rstrip()}…'"


def _name_like(text: str) -> bool:
    return bool(_NAME_LIKE.fullmatch(text)) and len(text.split()) <= MAX_NAME_WORDS


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
                lost, is_list = classify(prop.raw)
                if not lost:
                    continue
                names = ", ".join(_quoted(t) for _, _, t in lost)
                if not is_list:
                    yield report(
                        f"'{prop.key}::' is text with references in it: Logseq keeps only the "
                        f"references as its value and drops the text, such as {names}",
                        page.file,
                        prop.line,
                        prop.col,
                    )
                    continue
                fix = None
                if all(_name_like(t) for _, _, t in lost):
                    value_start = ctx.offset(page, prop.line, prop.col)
                    edits = tuple(
                        Edit(page.file, value_start + a, value_start + b, f"[[{t}]]")
                        for a, b, t in lost
                    )
                    means = Means(
                        refs_added=tuple((PAGE_REF, t) for _, _, t in lost),
                        properties=((prop.line, prop.key),),
                    )
                    fix = Fix(edits, UNSAFE, f"Wrap {names} in [[...]]", means)
                yield report(
                    f"'{prop.key}::' mixes references and comma-separated text: Logseq keeps "
                    f"only the references and drops {names}",
                    page.file,
                    prop.line,
                    prop.col + lost[0][0],
                    fix,
                )
