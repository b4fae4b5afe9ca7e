"""## What it does
Reports YAML front matter with a line that is not `key: value`.

## Why is this bad?
Logseq then drops the whole front matter silently: title, tags and every other property
are gone.

## Example
```markdown
---
title: Plan
tags:
  - a
---
```

Use instead:
```markdown
title:: Plan
tags:: a
```
"""

CODE = "BM020"
READS = "file"
