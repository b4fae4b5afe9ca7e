"""The rule table: the codes of the catalogue (:mod:`bmtools.codes`) that a lint rule finds.

Each such code has a module under :mod:`bmtools.lint.rules`, named after the code's name
(``missing-page-ref`` → ``missing_page_ref.py``). The catalogue holds the code's name, severity
and default; the module holds the rest:

- ``CODE``, the code it documents;
- ``READS``, what the rule's findings depend on (one of :data:`READS`; the lint cache decides
  from it which findings an edit can change, as ruff's registry knows each rule's source);
- a docstring with the headings *What it does*, *Why is this bad?*, *Example*, *Use instead*
  (and *Fix safety* where it has a fix);
- ``check(ctx) -> Iterator[Diagnostic]`` (make findings with
  :func:`bmtools.lint.context.reporter`), unless the code is a reading or metamodel code:
  those are found while reading the graph, and the rule re-emits them;
- optionally ``FIX_TITLE``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib import import_module

from bmtools.codes import CATALOGUE, METAMODEL, MILESTONES, READING
from bmtools.codes import FAMILIES as CODE_FAMILIES
from bmtools.model import Diagnostic

# What a rule's findings depend on (``READS`` in its module):
FILE = "file"  # the file alone (its bytes), the settings and config.edn; reports on that file
FOLDERS = "folders"  # the folder listing (discovery)
CONFIG = "config"  # config.edn alone
INDEX = "index"  # every page's name, aliases and block ids, as the graph indexes them; reports
# on any page (a page's finding can change when another page changes)
EMBEDS = "embeds"  # every page's embeds and the names and block ids they point at; reports on
# any page
REFS = "refs"  # the pages it reports on, and every page's page refs and tags against which
# names exist (pages, aliases, item titles)
GRAPH = "graph"  # what the pages export (bmtools.lint.cache.exports_fingerprint), the pages it
# reports on included: names, aliases, classes, items, block ids, embeds (what a stub page and
# its facts hold of a page it does not report on: bmtools.lint.partial)
READS = (FILE, FOLDERS, CONFIG, INDEX, EMBEDS, REFS, GRAPH)
REPORTS_BEYOND = (INDEX, EMBEDS)  # kinds whose findings land on pages the rule did not read

# code -> module name under bmtools.lint.rules
CODES: dict[str, str] = {c.code: c.module for c in CATALOGUE.values() if c.module}
# the families that have codes (selectors name these)
FAMILIES = {p: n for p, n in CODE_FAMILIES.items() if any(c.startswith(p) for c in CATALOGUE)}


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: str
    default: bool
    doc: str
    check: Callable[..., Iterator[Diagnostic]]
    fix_title: str | None = None
    module: str = ""
    reads: str = GRAPH
    reported_by: str = "bmtools lint"

    @property
    def family(self) -> str:
        return FAMILIES.get(self.code[:3], "other")

    @property
    def summary(self) -> str:
        """The first sentence under 'What it does'."""
        lines = self.doc.strip().splitlines()
        text = []
        for line in lines[1:] if lines and lines[0].startswith("##") else lines:
            if line.startswith("##"):
                break
            text.append(line.strip())
        summary = " ".join(t for t in text if t)
        if summary.startswith("Reports "):
            summary = summary[8].upper() + summary[9:]
        return re.split(r"(?<!e\.g)(?<!i\.e)\.\s", summary)[0].rstrip(".")

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "family": self.family,
            "severity": self.severity,
            "default": self.default,
            "summary": self.summary,
            "fix": self.fix_title,
            "reported_by": self.reported_by,
            "doc": self.doc,
        }


def _reemit(ctx, code: str) -> list[Diagnostic]:
    from bmtools.lint.context import reemit

    return reemit(ctx, code)


@lru_cache(maxsize=1)
def all_rules() -> dict[str, Rule]:
    """Every registered rule by code, in code order."""
    out: dict[str, Rule] = {}
    for code, module_name in sorted(CODES.items()):
        mod = import_module(f"bmtools.lint.rules.{module_name}")
        if mod.CODE != code:
            raise RuntimeError(f"{mod.__name__} declares {mod.CODE}, catalogued as {code}")
        reads = getattr(mod, "READS", None)
        if reads not in READS:
            raise RuntimeError(f"{mod.__name__}: READS is {reads!r}, not one of {READS}")
        row = CATALOGUE[code]
        found_elsewhere = row.origin in (READING, METAMODEL)
        out[code] = Rule(
            code=code,
            name=row.name,
            severity=row.severity,
            default=row.default,
            doc=(mod.__doc__ or "").strip(),
            check=partial(_reemit, code=code) if found_elsewhere else mod.check,
            fix_title=getattr(mod, "FIX_TITLE", None),
            module=mod.__name__,
            reads=reads,
        )
    return out


def _finds_nothing(ctx) -> Iterator[Diagnostic]:
    return iter(())


def catalogue_rules() -> dict[str, Rule]:
    """Every code of the catalogue as a Rule, in code order: the lint rules, and the codes
    another command reports (``reported_by``; lint runs no check for them). What ``bmtools
    rules`` lists and selectors name, so that ``select``/``ignore`` take every code."""
    return dict(sorted({**all_rules(), **_elsewhere()}.items()))


@lru_cache(maxsize=1)
def _elsewhere() -> dict[str, Rule]:
    return {
        code: Rule(
            code=code,
            name=row.name,
            severity=row.severity,
            default=row.default,
            doc=row.doc.strip(),
            check=_finds_nothing,
            reported_by=row.reported_by,
        )
        for code, row in CATALOGUE.items()
        if row.origin == MILESTONES
    }


def codes_reading(*kinds: str) -> frozenset[str]:
    """The codes of the rules whose ``READS`` is one of ``kinds``."""
    return frozenset(code for code, rule in all_rules().items() if rule.reads in kinds)


def reads_table() -> tuple[tuple[str, str], ...]:
    """(code, READS) of every rule: what the lint cache's answers depend on besides the rules'
    findings (a cache written under other declarations is read again in full)."""
    return tuple((code, rule.reads) for code, rule in all_rules().items())


def get_rule(code_or_name: str) -> Rule | None:
    """The rule (of any command: see :func:`catalogue_rules`) of a code or name."""
    rules = catalogue_rules()
    key = code_or_name.strip()
    if key.upper() in rules:
        return rules[key.upper()]
    for rule in rules.values():
        if rule.name == key.lower():
            return rule
    return None


def markdown_table(rules: Iterable[Rule]) -> str:
    """The rules as the Markdown table of docs/lint.md (``bmtools rules --format markdown``)."""
    lines = [
        "| code | name | family | severity | default | fix | what it reports |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rules:
        where = "" if r.reported_by == "bmtools lint" else f" (reported by `{r.reported_by}`)"
        cells = (
            r.code,
            r.name,
            r.family,
            r.severity,
            "on" if r.default else "off",
            "yes" if r.fix_title else "",
            (r.summary + where).replace("|", "\\|"),
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
