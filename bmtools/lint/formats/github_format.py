"""GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=CODE::message``."""

from __future__ import annotations

from bmtools.lint.formats import Report

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    out = []
    for d in report.diagnostics:
        props = []
        if d.file:
            props.append(f"file={_escape_property(d.file)}")
        if d.line:
            props.append(f"line={d.line}")
            props.append(f"col={d.col or 1}")
            if d.end_line:
                props.append(f"endLine={d.end_line}")
        props.append(f"title={_escape_property(d.code + ' ' + d.name)}")
        level = _LEVEL.get(d.severity, "warning")
        out.append(f"::{level} {','.join(props)}::{_escape_data(d.code + ' ' + d.message)}")
    return "".join(line + "\n" for line in out)
