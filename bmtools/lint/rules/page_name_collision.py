"""## What it does
Reports two files that map to the same page name (`Contents.md` and `contents.md`, or the
same file name in two folders).

## Why is this bad?
Logseq reads the blocks of both files into one page but keeps only one file (the one it
parses last) as the page's file, title and properties: the other file's title and
properties disappear, and edits made in Logseq go to one file only.

## Example
`pages/Plan.md` and `pages/archive/plan.md`

Use instead:
Rename or merge one of them.
"""

CODE = "BM011"
READS = "index"
