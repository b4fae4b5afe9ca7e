"""## What it does
Reports a page file whose name is not valid UTF-8 (bytes from another encoding, such as a
Latin-1 `é` written by an old tool or archive).

## Why is this bad?
Logseq names pages after their files, in Unicode: such a page gets a broken name that no
reference can reach, and exports that carry the name must escape it. bmtools reads the page
with U+FFFD in its title.

## Example
`pages/caf\xe9.md` (the byte 0xE9, Latin-1 for `é`)

Use instead:
Rename the file in UTF-8 (`pages/café.md`).
"""

CODE = "BM022"
READS = "file"
