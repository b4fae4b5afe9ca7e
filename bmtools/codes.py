"""The catalogue of findings: every code bmtools reports, with its name, severity and origin.

One table for the loader (reading problems), the metamodel, the lint rules and ``bmtools
milestones``, so a finding has the same name and severity wherever it is made. A code found by
a lint rule is documented in the rule's module, ``bmtools/lint/rules/<name with _>.py`` (its
docstring, what it reads; see :mod:`bmtools.lint.registry`); this table is what the rest of
bmtools needs of it, and stays cheap to import: the loader imports it, the rules are not
imported until something is linted.

Adding a lint rule: a row here and its module. Make findings with :func:`finding` (or, in a
rule, :func:`bmtools.lint.context.reporter`), never by writing a ``Diagnostic`` by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bmtools.model import Diagnostic

FAMILIES = {
    "BM0": "reading",
    "BM1": "graph",
    "BM2": "logseq",
    "BM3": "artifact",
    "BM4": "items",
    "BM6": "milestones",
}
SEVERITIES = ("error", "warning", "info")

# Where a code's findings are made. A lint rule of a READING or METAMODEL code re-emits them.
READING = "reading"  # reading the graph: bmtools.loader, bmtools.syntax, config.edn, whiteboards
METAMODEL = "metamodel"  # reading class pages (bmtools.metamodel)
RULE = "rule"  # a lint rule's check
MILESTONES = "milestones"  # bmtools milestones only (no lint rule)


@dataclass(frozen=True, slots=True)
class Code:
    """One code of the catalogue."""

    code: str
    name: str  # kebab-case, names the flagged pattern
    severity: str  # error | warning | info (lint settings may override it)
    origin: str = RULE
    default: bool = True  # on in `bmtools lint` without a selection?
    # Codes without a lint rule: their documentation, in a rule docstring's form (a rule's is
    # its module's docstring)
    doc: str = ""

    @property
    def family(self) -> str:
        return FAMILIES.get(self.code[:3], "other")

    @property
    def reported_by(self) -> str:
        """The command that reports it."""
        return "bmtools milestones" if self.origin == MILESTONES else "bmtools lint"

    @property
    def module(self) -> str | None:
        """The lint rule module (under bmtools.lint.rules) documenting and finding it."""
        return None if self.origin == MILESTONES else self.name.replace("-", "_")


_ROWS = (
    Code("BM001", "unreadable-file", "error", READING),
    Code("BM002", "invalid-utf8", "warning", READING),
    Code("BM003", "file-too-large", "warning", READING),
    Code("BM004", "binary-file", "warning", READING),
    Code("BM005", "unclosed-code-fence", "warning", READING),
    Code("BM006", "symlink-loop", "warning", READING),
    Code("BM008", "link-outside-graph", "warning", READING),
    Code("BM009", "not-a-regular-file", "warning", READING),
    Code("BM010", "duplicate-block-id", "warning", READING),
    Code("BM011", "page-name-collision", "error", READING),
    Code("BM012", "alias-conflict", "warning", READING),
    Code("BM020", "front-matter-dropped", "warning", READING),
    Code("BM021", "title-ignored", "warning", READING),
    Code("BM022", "file-name-not-utf8", "warning", READING),
    Code("BM023", "whiteboard-unreadable", "warning", READING),
    Code("BM024", "bom-hides-first-line", "warning", READING),
    Code("BM030", "config-unreadable", "warning", READING),
    Code("BM101", "missing-page-ref", "warning", default=False),
    Code("BM102", "missing-embed", "warning"),
    Code("BM103", "unknown-block-ref", "warning"),
    Code("BM104", "embed-cycle", "warning"),
    Code("BM105", "file-name-title-mismatch", "warning"),
    Code("BM201", "invalid-property-key", "warning"),
    Code("BM202", "ignored-property-drawer", "warning"),
    Code("BM203", "comma-values-lost", "warning"),
    Code("BM204", "tag-swallows-bracket", "warning"),
    Code("BM205", "mojibake", "warning"),
    Code("BM206", "front-matter-list-value", "warning"),
    Code("BM301", "unknown-field-type", "error", METAMODEL),
    Code("BM302", "select-without-options", "error", METAMODEL),
    Code("BM303", "extends-unknown-class", "error", METAMODEL),
    Code("BM304", "extends-cycle", "error", METAMODEL),
    Code("BM305", "artifact-missing-property", "warning"),
    Code("BM306", "artifact-missing-section", "warning"),
    Code("BM307", "item-class-not-a-class", "error"),
    Code("BM308", "missing-example-page", "warning"),
    Code("BM401", "missing-required-field", "error"),
    Code("BM402", "invalid-field-value", "error"),
    Code("BM403", "select-value-not-in-options", "error"),
    Code("BM404", "page-field-wrong-class", "warning"),
    Code("BM405", "unknown-dependency", "error"),
    Code("BM406", "dependency-cycle", "error"),
    Code("BM407", "due-before-start", "error"),
    Code("BM408", "legacy-item", "info"),
    Code("BM612", "duplicate-milestone-title", "warning"),
    Code("BM613", "dependency-unscheduled", "warning"),
    Code(
        "BM620",
        "bad-review-rrule",
        "error",
        MILESTONES,
        doc="""## What it does
Reports a plan-review rule (`review-rrule`) that is not one RFC 5545 RRULE. `bmtools
milestones` reads it from `[tool.bmtools.milestones]` in `bmtools.toml` or `pyproject.toml`,
or from a page's `review-rrule::` (`rrule::` on a page with `page-type:: [[plan review]]`),
and uses the next source instead of a bad one (a bad `--rrule` option is a usage error).
Message: `review rule: REASON; ignored`.

Reported by `bmtools milestones` only (`lint` does not read the review rule).

## Why is this bad?
The monthly plan review, the agenda and the roadmap's review dates come from that rule:
with it ignored, the review falls on another day than the team agreed.

## Example
```toml
[tool.bmtools.milestones]
review-rrule = "FREQ=MONTHLY;BYDAY=2FRI"
```

Use instead:
```toml
[tool.bmtools.milestones]
review-rrule = "FREQ=MONTHLY;BYDAY=+2FR"
```""",
    ),
)
CATALOGUE: dict[str, Code] = {row.code: row for row in _ROWS}


def finding(
    code: str, message: str, file: str | None, line: int = 0, col: int = 0, **kw: Any
) -> Diagnostic:
    """A finding of a catalogued ``code``, its name and severity from the catalogue (``kw``:
    the other Diagnostic fields: fix, end_line, end_col). An unknown code is a KeyError, so no
    code is reported that the catalogue does not hold."""
    row = CATALOGUE[code]
    return Diagnostic(code, message, file, line, col, row.severity, row.name, **kw)
