"""## What it does
Reports an artifact info page that lacks one of the sections the graph's artifact pages have:
the sections at least half of them share (with fewer than three artifact pages, the outline of
the seed: Definition, Content type, Keys, the assistant questions (innCoPilot), Description,
Examples, Topics, Tools). A layout that never writes a section (innBoK's published pages have
no Tools) is not told about it on every page. A section is a top-level heading block; emoji
and a parenthesised suffix are ignored (`- ## 📰 Content type (milestone)` is the Content type
section).

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


CONSENSUS_MIN_PAGES = 3  # from this many artifact pages on, the graph's own outline counts


def expected_sections(artifacts) -> list[str]:
    """The sections an artifact page of this graph is expected to have, in the seed's order
    (then any other shared section, by name)."""
    if len(artifacts) < CONSENSUS_MIN_PAGES:
        return list(ARTIFACT_SECTIONS)
    counts: dict[str, int] = {}
    for artifact in artifacts:
        for name in artifact.sections:
            counts[name] = counts.get(name, 0) + 1
    shared = {name for name, n in counts.items() if 2 * n >= len(artifacts)}
    known = [s for s in ARTIFACT_SECTIONS if s in shared]
    return known + sorted(shared - set(known))


def check(ctx):
    artifacts = ctx.metamodel.artifacts
    expected = expected_sections(artifacts)
    for artifact in artifacts:
        page = artifact.page
        last = max((b.end_line for b in page.blocks), default=1)
        for section in expected:
            if section not in artifact.sections:
                title = section if section == "innCoPilot" else section.capitalize()
                yield report(
                    f"artifact info page has no '{title}' section (a top-level '## {title}' "
                    "heading block)",
                    page.file,
                    last,
                    1,
                )
