"""## What it does
Reports a `logseq/config.edn` that cannot be read as EDN.

## Why is this bad?
bmtools (like Logseq in many cases) falls back to the defaults, so the file-name format,
hidden folders and property settings of the graph are ignored.

## Example
```clojure
{:file/name-format :triple-lowbar
```

Use instead:
```clojure
{:file/name-format :triple-lowbar}
```
"""

CODE = "BM030"
READS = "config"
