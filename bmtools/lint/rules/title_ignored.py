"""## What it does
Reports a `title::` property that Logseq ignores because the page properties are not the
file's very first lines (e.g. a blank line comes first).

## Why is this bad?
The page keeps the name of its file while the author believes it was renamed; links to the
new title create a second, empty page.

## Example
```markdown

title:: Plan 2025
- x
```

Use instead:
```markdown
title:: Plan 2025
- x
```
"""

CODE = "BM021"
READS = "file"
