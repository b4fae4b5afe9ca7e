"""## What it does
Reports a whiteboard (`whiteboards/*.edn`) that cannot be read as EDN.

## Why is this bad?
Logseq shows such a board empty, and the pages and blocks its shapes point at lose those
links: bmtools reads it as a page without blocks.

## Example
`whiteboards/plan.edn` holding `{:blocks ({:block/uuid})}` (a map with a key and no value),
often left by a merge conflict or a hand edit.

Use instead:
Restore the file from version control, or open the board in Logseq and save it again.
"""

CODE = "BM023"
READS = "file"
