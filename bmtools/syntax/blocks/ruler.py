"""An ordered list of named line rules, as markdown-it-py's ``Ruler`` keeps its block rules.

A line rule is ``rule(state, k, text) -> int``: it looks at line ``k`` (its text ``text``) and
either declines (returns 0) or consumes that line and maybe more, returning the index of the
next line to read. Each rule names the characters a line can start with (after its
indentation) for it to match, so the reader tries only the rules that can apply to a line; the
last rule of a list must match every line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

RuleFn = Callable[[Any, int, str], int]


@dataclass(frozen=True, slots=True)
class LineRule:
    """One rule: its name, its function, and the first characters it can match (None: any)."""

    name: str
    fn: RuleFn
    starts: str | None = None


class Ruler:
    """Named rules in order; :meth:`table` gives, per first character, the rules to try."""

    def __init__(self, rules: Iterable[LineRule]) -> None:
        self._rules = list(rules)
        self._table: tuple[dict[str, tuple[RuleFn, ...]], tuple[RuleFn, ...]] | None = None

    def names(self) -> list[str]:
        return [r.name for r in self._rules]

    def insert(
        self, rule: LineRule, *, before: str | None = None, after: str | None = None
    ) -> None:
        """Add a rule before or after a named one (a plug-in's way in)."""
        anchor = before if before is not None else after
        at = self.names().index(anchor) if anchor is not None else len(self._rules) - 1
        self._rules.insert(at + (1 if after is not None else 0), rule)
        self._table = None

    def without(self, *names: str) -> Ruler:
        """A new ruler of the same rules but those named (a dialect that lacks a syntax)."""
        return Ruler(r for r in self._rules if r.name not in names)

    def table(self) -> tuple[dict[str, tuple[RuleFn, ...]], tuple[RuleFn, ...]]:
        """``(rules by first character, rules for any other line)``, each in rule order."""
        if self._table is None:
            chars = {c for r in self._rules if r.starts for c in r.starts}
            by_char = {
                c: tuple(r.fn for r in self._rules if r.starts is None or c in r.starts)
                for c in chars
            }
            default = tuple(r.fn for r in self._rules if r.starts is None)
            self._table = (by_char, default)
        return self._table
