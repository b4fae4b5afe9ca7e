"""## What it does
Reports a page file that starts with a byte-order mark (BOM) whose first line is a property,
a bullet, a heading, a directive or the start of front matter.

## Why is this bad?
Logseq keeps the BOM as the first character of the first line, so that line is plain text to
it: a `title::` there does not name the page, a `key:: value` there is no property, a first
bullet is no block of its own. bmtools reads the page as Logseq does. Editors on Windows
often add the mark without showing it.

## Example
```markdown
\\ufefftitle:: Pricing
- first block
```

Use instead: save the file as UTF-8 without a BOM.
"""

CODE = "BM024"
READS = "file"
