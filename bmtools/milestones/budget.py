"""Currency-aware budget totals and plan vs actual.

Amounts in different currencies are never added: a total is a mapping currency → amount
(:class:`Totals`), and every comparison of plan and actual is made per currency.

>>> from decimal import Decimal
>>> from bmtools.values import Money
>>> t = Totals()
>>> t.add(Money(Decimal(100), "USD")); t.add(Money(Decimal(5), "EUR"))
>>> t.add(Money(Decimal(20), "USD"))
>>> str(t)
'5 EUR + 120 USD'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from bmtools.milestones.model import Milestone
from bmtools.values import Money, format_amount

GROUPS = ("owner", "type", "tactic", "page")


class Totals(dict):
    """currency → Decimal. ``add`` only ever adds amounts of the same currency."""

    def add(self, money: Money | None) -> None:
        if money is None:
            return
        self[money.currency] = self.get(money.currency, Decimal(0)) + money.amount

    def moneys(self) -> list[Money]:
        return [Money(self[c], c) for c in sorted(self)]

    def __str__(self) -> str:
        return " + ".join(str(m) for m in self.moneys()) if self else "-"

    def to_dict(self) -> dict[str, str]:
        return {c: str(self[c]) for c in sorted(self)}


@dataclass(slots=True)
class Line:
    """Budget and actual of one currency within a group."""

    currency: str
    budget: Decimal = Decimal(0)  # all items of the group in this currency
    items: int = 0
    tracked_budget: Decimal = Decimal(0)  # budget of the items that report an actual
    actual: Decimal = Decimal(0)
    tracked: int = 0

    @property
    def variance(self) -> Decimal | None:
        """actual − budget over the items that carry an actual (positive = overspent)."""
        return self.actual - self.tracked_budget if self.tracked else None

    @property
    def variance_pct(self) -> float | None:
        if not self.tracked or not self.tracked_budget:
            return None
        return float((self.actual - self.tracked_budget) / self.tracked_budget * 100)

    def to_dict(self) -> dict:
        return {
            "currency": self.currency,
            "budget": str(self.budget),
            "items": self.items,
            "tracked_budget": str(self.tracked_budget),
            "actual": str(self.actual),
            "tracked_items": self.tracked,
            "variance": None if self.variance is None else str(self.variance),
            "variance_pct": None if self.variance_pct is None else round(self.variance_pct, 1),
        }


@dataclass(slots=True)
class Group:
    key: str
    lines: dict[str, Line] = field(default_factory=dict)  # currency -> line

    def line(self, currency: str) -> Line:
        if currency not in self.lines:
            self.lines[currency] = Line(currency)
        return self.lines[currency]


@dataclass(slots=True)
class PlanVsActual:
    """One item that carries ``actual-budget::``."""

    milestone: Milestone
    budget: Money | None
    actual: Money

    @property
    def comparable(self) -> bool:
        return self.budget is not None and self.budget.currency == self.actual.currency

    @property
    def variance(self) -> Decimal | None:
        return self.actual.amount - self.budget.amount if self.comparable else None

    @property
    def variance_pct(self) -> float | None:
        if not self.comparable or not self.budget.amount:
            return None
        return float(self.variance / self.budget.amount * 100)


@dataclass(slots=True)
class BudgetReport:
    total: Group
    groups: dict[str, list[Group]]  # "owner" -> groups sorted by key
    plan_vs_actual: list[PlanVsActual]
    unbudgeted: list[Milestone]  # no (valid) budget: left out of the sums

    def to_dict(self) -> dict:
        def g(group: Group) -> dict:
            return {
                "key": group.key,
                "lines": [group.lines[c].to_dict() for c in sorted(group.lines)],
            }

        return {
            "total": g(self.total),
            "groups": {name: [g(x) for x in groups] for name, groups in self.groups.items()},
            "plan_vs_actual": [
                {
                    "title": p.milestone.title,
                    "page": p.milestone.page,
                    "budget": str(p.budget) if p.budget else None,
                    "actual": str(p.actual),
                    "variance": None if p.variance is None else str(p.variance),
                    "variance_pct": None if p.variance_pct is None else round(p.variance_pct, 1),
                }
                for p in self.plan_vs_actual
            ],
            "unbudgeted": [m.title for m in self.unbudgeted],
        }


def group_key(m: Milestone, by: str) -> str:
    if by == "owner":
        return m.owner or "(no owner)"
    if by == "type":
        return m.type or "(no type)"
    if by == "tactic":
        return m.tactic or "(no tactic)"
    if by == "page":
        return m.page_short or "(no page)"
    raise ValueError(f"unknown budget group '{by}' (one of: {', '.join(GROUPS)})")


def _account(group: Group, m: Milestone) -> None:
    if m.budget is not None:
        line = group.line(m.budget.currency)
        line.budget += m.budget.amount
        line.items += 1
    if m.actual is not None:
        line = group.line(m.actual.currency)
        line.actual += m.actual.amount
        line.tracked += 1
        if m.budget is not None and m.budget.currency == m.actual.currency:
            line.tracked_budget += m.budget.amount


def totals(milestones: Iterable[Milestone], attr: str = "budget") -> Totals:
    """Sum of ``budget`` (or ``actual``) per currency."""
    t = Totals()
    for m in milestones:
        t.add(getattr(m, attr))
    return t


def budget_report(milestones: Iterable[Milestone], by: Iterable[str] = GROUPS) -> BudgetReport:
    items = list(milestones)
    total = Group("total")
    groups: dict[str, dict[str, Group]] = {b: {} for b in by}
    for m in items:
        _account(total, m)
        for b in groups:
            key = group_key(m, b)
            _account(groups[b].setdefault(key, Group(key)), m)
    return BudgetReport(
        total=total,
        groups={b: [gs[k] for k in sorted(gs, key=str.lower)] for b, gs in groups.items()},
        plan_vs_actual=[PlanVsActual(m, m.budget, m.actual) for m in items if m.actual],
        unbudgeted=[m for m in items if m.budget is None],
    )


def fmt_money(amount: Decimal | None, currency: str) -> str:
    return "-" if amount is None else f"{format_amount(amount)} {currency}"


def fmt_signed(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return "-"
    sign = "+" if amount > 0 else ("-" if amount < 0 else "±")
    return f"{sign}{format_amount(abs(amount))} {currency}"


def fmt_pct(pct: float | None) -> str:
    return "-" if pct is None else f"{pct:+.1f}%"
