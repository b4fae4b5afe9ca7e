"""## What it does
Reports a named pipe, a device or a socket whose name looks like a page (`*.md`, `*.org`).

## Why is this bad?
Reading a named pipe waits forever and reading a device such as `/dev/zero` never ends:
bmtools never opens them, so they are not read as pages.

## Example
`pages/inbox.md` made with `mkfifo`

Use instead:
Remove it, or give it a name that is not a page's.
"""

CODE = "BM009"
READS = "folders"
