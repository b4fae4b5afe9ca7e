"""The rule table: one module per rule under :mod:`bmtools.lint.rules`, registered in CODES.

A rule module defines ``CODE``, ``NAME`` (kebab-case, names the flagged pattern), ``SEVERITY``
(error | warning | info), ``DEFAULT`` (on by default?), optionally ``FIX_TITLE``, a docstring
with the headings *What it does*, *Why is this bad?*, *Example*, *Use instead* (and *Fix
safety* where it has a fix), and ``check(ctx) -> Iterator[Diagnostic]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module

from bmtools.model import Diagnostic

FAMILIES = {
    "BM0": "reading",
    "BM1": "graph",
    "BM2": "logseq",
    "BM3": "artifact",
    "BM4": "items",
}

# code -> module name under bmtools.lint.rules (the one table that registers rules)
CODES: dict[str, str] = {
    "BM001": "unreadable_file",
    "BM002": "invalid_utf8",
    "BM003": "file_too_large",
    "BM004": "binary_file",
    "BM005": "unclosed_code_fence",
    "BM006": "symlink_loop",
    "BM008": "link_outside_graph",
    "BM009": "not_a_regular_file",
    "BM010": "duplicate_block_id",
    "BM011": "page_name_collision",
    "BM012": "alias_conflict",
    "BM020": "front_matter_dropped",
    "BM021": "title_ignored",
    "BM022": "file_name_not_utf8",
    "BM023": "whiteboard_unreadable",
    "BM030": "config_unreadable",
    "BM101": "missing_page_ref",
    "BM102": "missing_embed",
    "BM103": "unknown_block_ref",
    "BM104": "embed_cycle",
    "BM105": "file_name_title_mismatch",
    "BM201": "invalid_property_key",
    "BM202": "ignored_property_drawer",
    "BM203": "comma_values_lost",
    "BM204": "tag_swallows_bracket",
    "BM205": "mojibake",
    "BM206": "front_matter_list_value",
    "BM301": "unknown_field_type",
    "BM302": "select_without_options",
    "BM303": "extends_unknown_class",
    "BM304": "extends_cycle",
    "BM305": "artifact_missing_property",
    "BM306": "artifact_missing_section",
    "BM307": "item_class_not_a_class",
    "BM308": "missing_example_page",
    "BM401": "missing_required_field",
    "BM402": "invalid_field_value",
    "BM403": "select_value_not_in_options",
    "BM404": "page_field_wrong_class",
    "BM405": "unknown_dependency",
    "BM406": "dependency_cycle",
    "BM407": "due_before_start",
    "BM408": "legacy_item",
}


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
            "doc": self.doc,
        }


@lru_cache(maxsize=1)
def all_rules() -> dict[str, Rule]:
    """Every registered rule by code, in code order."""
    out: dict[str, Rule] = {}
    for code, module_name in sorted(CODES.items()):
        mod = import_module(f"bmtools.lint.rules.{module_name}")
        if mod.CODE != code:
            raise RuntimeError(f"{mod.__name__} declares {mod.CODE}, registered as {code}")
        out[code] = Rule(
            code=code,
            name=mod.NAME,
            severity=mod.SEVERITY,
            default=getattr(mod, "DEFAULT", True),
            doc=(mod.__doc__ or "").strip(),
            check=mod.check,
            fix_title=getattr(mod, "FIX_TITLE", None),
            module=mod.__name__,
        )
    return out


def get_rule(code_or_name: str) -> Rule | None:
    rules = all_rules()
    key = code_or_name.strip()
    if key.upper() in rules:
        return rules[key.upper()]
    for rule in rules.values():
        if rule.name == key.lower():
            return rule
    return None
