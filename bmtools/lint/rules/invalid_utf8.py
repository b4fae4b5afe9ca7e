"""## What it does
Reports a page whose bytes are not valid UTF-8; the undecodable bytes are read as U+FFFD.

## Why is this bad?
Logseq reads pages as UTF-8. Invalid bytes (usually text saved as Latin-1 or Windows-1252)
show as replacement characters and are lost the next time Logseq saves the page. bmtools
never applies fixes to such a page.

## Example
A page saved by an editor as Windows-1252: `caf\xe9`.

Use instead:
Re-save the page as UTF-8 (`iconv -f cp1252 -t utf-8`): `café`.
"""

CODE = "BM002"
READS = "file"
