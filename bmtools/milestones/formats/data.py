"""JSON and CSV: the same records as the tables, for scripts and spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from bmtools.milestones.model import Milestone

CSV_FIELDS = [
    "title",
    "page",
    "file",
    "line",
    "owner",
    "type",
    "status",
    "tactic",
    "strategy",
    "start",
    "due",
    "budget",
    "budget_currency",
    "actual_budget",
    "actual_currency",
    "value",
    "depends_on",
    "problems",
]


def generate_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def milestone_record(m: Milestone) -> dict[str, Any]:
    return {
        "title": m.title,
        "page": m.page,
        "file": m.file,
        "line": m.line,
        "owner": m.owner or "",
        "type": m.type or "",
        "status": m.status or "",
        "tactic": m.tactic or "",
        "strategy": m.strategy or "",
        "start": m.start.isoformat() if m.start else "",
        "due": m.due.isoformat() if m.due else "",
        "budget": str(m.budget.amount) if m.budget else "",
        "budget_currency": m.budget.currency if m.budget else "",
        "actual_budget": str(m.actual.amount) if m.actual else "",
        "actual_currency": m.actual.currency if m.actual else "",
        "value": "" if m.value is None else m.value,
        "depends_on": "; ".join(m.depends_on),
        "problems": "; ".join(d.message for d in m.problems),
    }


def generate_csv(rows: Sequence[dict[str, Any]], fields: Sequence[str] | None = None) -> str:
    """CSV with a header row; amounts are plain decimals with the currency in its own column."""
    buf = io.StringIO()
    fields = list(fields or (rows[0].keys() if rows else CSV_FIELDS))
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return buf.getvalue()
