"""ruff-like text: ``path:line:col: CODE message``, then a summary."""

from __future__ import annotations

from collections import Counter

import click

from bmtools.lint.formats import Report

_SEV_COLOR = {"error": "red", "warning": "yellow", "info": "blue"}


def render(report: Report) -> str:
    c = report.color
    lines = []
    for d in report.diagnostics:
        where = d.file or "."
        if d.line:
            where += f":{d.line}:{d.col or 1}"
        code = d.code
        fixable = ""
        if d.fix is not None and d.fix.applies(report.unsafe_fixes):
            fixable = " [*]"
        if c:
            where = click.style(where, bold=True)
            code = click.style(code, fg=_SEV_COLOR.get(d.severity, "white"), bold=True)
            fixable = click.style(fixable, fg="cyan") if fixable else ""
        sev = (
            ""
            if d.severity != "info"
            else (" (info)" if not c else click.style(" (info)", dim=True))
        )
        lines.append(f"{where}: {code}{fixable} {d.message}{sev}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def summary(report: Report) -> str:
    diags = report.diagnostics
    counts = Counter(d.severity for d in diags)
    parts = []
    if not diags:
        text = "All checks passed!"
        if report.fixed:
            n = report.fixed
            text = f"Found {n} problem{'s' if n != 1 else ''} ({n} fixed, 0 remaining)."
        return click.style(text, fg="green") if report.color else text
    for sev, word in (("error", "error"), ("warning", "warning"), ("info", "info")):
        n = counts.get(sev, 0)
        if n:
            parts.append(f"{n} {word}{'s' if n != 1 and sev != 'info' else ''}")
    text = f"Found {len(diags)} problem{'s' if len(diags) != 1 else ''} ({', '.join(parts)})"
    if report.fixed:
        text += f"; {report.fixed} fixed"
    text += "."
    fixable = sum(1 for d in diags if d.fix is not None and d.fix.applies(False))
    unsafe = sum(1 for d in diags if d.fix is not None and d.fix.applicability == "unsafe")
    if fixable:
        text += f"\n[*] {fixable} fixable with the `--fix` option"
        if unsafe and not report.unsafe_fixes:
            text += f" ({unsafe} hidden fixes can be enabled with the `--unsafe-fixes` option)"
        text += "."
    elif unsafe and not report.unsafe_fixes:
        text += f"\nNo fixes available ({unsafe} hidden fixes can be enabled with the "
        text += "`--unsafe-fixes` option)."
    return text
