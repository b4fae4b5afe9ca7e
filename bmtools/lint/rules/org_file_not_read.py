"""## What it does
Reports an Org-mode (`.org`) page: bmtools lists it but does not read it.

## Why is this bad?
bmtools reads Markdown only, so items and references in Org pages are not linted.

## Example
`pages/plan.org`

Use instead:
Convert the page to Markdown, or accept that it is not checked.
"""

from bmtools.lint.context import reemit

CODE = "BM007"
NAME = "org-file-not-read"
SEVERITY = "info"
DEFAULT = False


def check(ctx):
    """Re-emits the reading diagnostics of this code (found while loading the graph)."""
    return reemit(ctx, CODE)
