"""Rule selection like ruff's: ``ALL``, a family prefix (``BM4``, ``BM40``), a code, a name."""

from __future__ import annotations

from collections.abc import Iterable

from bmtools.lint.registry import FAMILIES, catalogue_rules


class SelectorError(ValueError):
    """A selector that matches no rule."""


def split_codes(values: Iterable[str] | str | None) -> list[str]:
    """``["BM401,BM402", "BM1"]`` → ``["BM401", "BM402", "BM1"]``."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        out.extend(p.strip() for p in str(v).replace("，", ",").split(",") if p.strip())
    return out


def resolve(selector: str) -> set[str]:
    """The codes a selector names (any code of the catalogue, whichever command reports it);
    raises SelectorError when it names none."""
    rules = catalogue_rules()
    s = selector.strip()
    if s.upper() == "ALL":
        return set(rules)
    family = {name: prefix for prefix, name in FAMILIES.items()}
    if s.lower() in family:
        s = family[s.lower()]
    up = s.upper()
    codes = {c for c in rules if c.startswith(up)}
    if not codes:
        codes = {c for c, r in rules.items() if r.name == s.lower()}
    if not codes:
        raise SelectorError(f"unknown rule selector '{selector}'")
    return codes


def matches(selector: str, code: str) -> bool:
    try:
        return code in resolve(selector)
    except SelectorError:
        return False


def select_codes(
    select: Iterable[str] | None, ignore: Iterable[str] = (), extend_select: Iterable[str] = ()
) -> set[str]:
    """Enabled codes: ``select`` (default: the codes on by default) + extend − ignore."""
    rules = catalogue_rules()
    if select is None:
        enabled = {c for c, r in rules.items() if r.default}
    else:
        enabled = set()
        for s in select:
            enabled |= resolve(s)
    for s in extend_select:
        enabled |= resolve(s)
    for s in ignore:
        enabled -= resolve(s)
    return enabled
