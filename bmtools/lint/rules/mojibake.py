"""## What it does
Reports mojibake: UTF-8 text that was decoded once as Mac Roman, Latin-1 or Windows-1252 and
saved again, like `üßø` for the emoji `🧿` (a page exported on a Mac; the first
character is Mac Roman's Apple logo, U+F8FF, invisible in most fonts) or `cafÃ©` for `café`.

## Why is this bad?
The page shows garbage instead of the emoji or accented letters, page names built from it
do not match, and every further save makes the damage harder to undo.

## Example
```markdown
- ## üîç Definition
```

Use instead:
```markdown
- ## 🔍 Definition
```

## Fix safety
The repair re-encodes the run with the encoding it was mis-decoded with and decodes it as
UTF-8 (with `ftfy`). A run is reported only when that is certain, so the fix is safe: ftfy's
own detector finds the run implausible as written (`ftfy.badness.is_bad`) and ftfy repairs it
with one plain encode/decode plan, or the run holds Mac Roman's Apple logo (U+F8FF, the first
byte of every emoji) and decodes as strict UTF-8; the repair must also round-trip and give
only assigned, visible characters. Text whose characters are plausible as written, like the
Spanish `“éxito”`, is never touched, even though `“é` happens to be valid UTF-8 in Mac Roman.
"""

import unicodedata

from bmtools.lint.context import reporter
from bmtools.lint.fix import SAFE, Fix, Means

CODE = "BM205"
READS = "file"
FIX_TITLE = "Repair the mis-decoded text"
report = reporter(CODE)


def visible(text: str) -> str:
    """Private-use and invisible characters (Mac Roman's Apple logo U+F8FF) as escapes."""
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Co", "Cf", "Cn", "Cc") else c
        for c in text
    )


def check(ctx):
    for page in ctx.file_pages:
        src = page.source
        if src.isascii():
            continue
        offs = ctx.line_offsets(page)
        for line_no, start in enumerate(offs, 1):
            end = offs[line_no] - 1 if line_no < len(offs) else len(src)
            text = src[start:end]
            if text.isascii():
                continue
            from bmtools.lint.mojibake import find_mojibake  # ftfy: slow to import

            for mb in find_mojibake(text):
                enc = {"macroman": "Mac Roman", "latin-1": "Latin-1"}.get(
                    mb.encoding, mb.encoding.replace("sloppy-", "")
                )
                fix = Fix.replace(
                    page.file,
                    start + mb.start,
                    start + mb.end,
                    mb.repaired,
                    SAFE,
                    f"Replace '{visible(mb.text)}' by '{mb.repaired}'",
                    Means(substitutes=((mb.text, mb.repaired),)),
                )
                yield report(
                    f"mojibake '{visible(mb.text)}' (UTF-8 read as {enc}); it should read "
                    f"'{mb.repaired}'",
                    page.file,
                    line_no,
                    mb.start + 1,
                    fix,
                    line_no,
                    mb.end + 1,
                )
