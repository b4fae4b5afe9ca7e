"""JSON: a list of diagnostics, ruff's fields (code, message, filename, location, fix, url)."""

from __future__ import annotations

import json

from bmtools.lint.formats import Report


def diagnostic_dict(d) -> dict:
    return {
        "code": d.code,
        "name": d.name,
        "severity": d.severity,
        "message": d.message,
        "filename": d.file,
        "location": {"row": d.line, "column": d.col},
        "end_location": {"row": d.end_line or d.line, "column": d.end_col or d.col},
        "fix": d.fix.to_dict() if d.fix is not None else None,
        "help": f"bmtools rule {d.code}",
    }


def render(report: Report) -> str:
    return (
        json.dumps([diagnostic_dict(d) for d in report.diagnostics], indent=2, ensure_ascii=False)
        + "\n"
    )
