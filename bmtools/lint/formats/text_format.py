"""ruff-like text: ``path:line:col: CODE message``, then a summary."""

from __future__ import annotations

from collections import Counter

import click

from bmtools.lint.formats import Report

_SEV_COLOR = {"error": "red", "warning": "yellow", "info": "blue"}


def render(report: Report) -> str:
    c = report.color
    lines = []
    shown = report.diagnostics
    if not report.show_info:
        shown = [d for d in shown if d.severity != "info"]
    for d in shown:
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
    hidden = len(report.diagnostics) - len(shown)
    if hidden:
        lines.append(hidden_infos(report.diagnostics))
    if report.baselined:
        n = report.baselined
        lines.append(f"+ {n:,} known finding{'s' if n != 1 else ''} accepted by the baseline")
    lines.append(summary(report, shown))
    return "\n".join(lines) + "\n"


def hidden_infos(diagnostics) -> str:
    """One line for the info findings not listed: a graph with years of history may hold
    thousands (legacy items), which would bury the findings that matter."""
    counts = Counter(d.code for d in diagnostics if d.severity == "info")
    n = sum(counts.values())
    per_code = ", ".join(f"{code}: {k:,}" for code, k in sorted(counts.items(), key=_by_count))
    noun = "finding" if n == 1 else "findings"
    return f"+ {n:,} info {noun} hidden ({per_code}); use --show-info or -v to list them"


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


def summary(report: Report, shown=None) -> str:
    """The closing line(s): counts of the findings ``shown`` (default: all of them)."""
    diags = report.diagnostics if shown is None else shown
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
