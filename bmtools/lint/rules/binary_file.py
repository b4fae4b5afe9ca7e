"""## What it does
Reports a file with a page extension (`.md`) whose content is binary (NUL bytes).

## Why is this bad?
Logseq tries to read it as a page and shows garbage; it is usually an attachment saved
with the wrong extension.

## Example
`pages/photo.md` holding JPEG data.

Use instead:
Rename it to its real extension and move it to `assets/`.
"""

CODE = "BM004"
READS = "file"
