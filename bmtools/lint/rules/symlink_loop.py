"""## What it does
Reports a folder reached twice through symbolic links.

## Why is this bad?
A link loop makes Logseq index the same pages again and again (or hang); bmtools reads the
folder once and skips the repetition.

## Example
`pages/again -> ..`

Use instead:
Remove the link, or add its path to `:hidden` in `logseq/config.edn`.
"""

CODE = "BM006"
READS = "folders"
