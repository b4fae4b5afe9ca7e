"""## What it does
Reports a page file (or folder) of the graph that cannot be read, e.g. for lack of permission.

## Why is this bad?
Logseq cannot read it either: the page silently disappears from the graph, with every
reference it held.

## Example
```console
$ ls -l pages/secret.md
--w------- 1 me me 120 pages/secret.md
```

Use instead:
```console
$ chmod 644 pages/secret.md
```
"""

CODE = "BM001"
READS = "file"
