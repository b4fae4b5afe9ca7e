"""## What it does
Reports a page file over 20 MB: it is listed but not parsed.

## Why is this bad?
A page that large is almost always an export or a pasted dump; Logseq becomes unusable on
it and bmtools skips its content.

## Example
`pages/dump.md` of 80 MB.

Use instead:
Split the file into pages, or move it to `assets/`.
"""

CODE = "BM003"
READS = "file"
