"""## What it does
Reports two files that map to the same page name (`Contents.md` and `contents.md`, or the
same file name in two folders).

## Why is this bad?
Logseq keeps one of them and ignores the other, so half of the content disappears.

## Example
`pages/Plan.md` and `pages/archive/plan.md`

Use instead:
Rename or merge one of them.
"""

CODE = "BM011"
READS = "index"
