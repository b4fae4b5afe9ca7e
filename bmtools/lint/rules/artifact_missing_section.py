"""## What it does
Reports an artifact info page that lacks one of the sections every artifact has: Definition,
Content type, Keys, the assistant questions (innCoPilot), Description, Examples, Topics,
Tools. A section is a top-level heading block; emoji and a parenthesised suffix are ignored
(`- ## 📰 Content type (milestone)` is the Content type section).

## Why is this bad?
Artifact pages are read by people and tools that expect the same outline everywhere; a
missing section is usually a section that was never written or was renamed by mistake.

## Example
```markdown
page-type:: [[artifact info]]
- ## Definition
- ## Description
```

Use instead:
```markdown
page-type:: [[artifact info]]
- ## Definition
- ## Content type
- ## Keys
- ## innCoPilot
- ## Description
- ## Examples
- ## Topics
- ## Tools
```
"""

from bmtools.lint.context import reporter
from bmtools.metamodel import ARTIFACT_SECTIONS

CODE = "BM306"
READS = "graph"
report = reporter(CODE)


def check(ctx):
    for artifact in ctx.metamodel.artifacts:
        page = artifact.page
        last = max((b.end_line for b in page.blocks), default=1)
        for section in ARTIFACT_SECTIONS:
            if section not in artifact.sections:
                title = section if section == "innCoPilot" else section.capitalize()
                yield report(
                    f"artifact info page has no '{title}' section (a top-level '## {title}' "
                    "heading block)",
                    page.file,
                    last,
                    1,
                )
