"""One renderer per output format: ``render(report) -> str``."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

from bmtools.model import Diagnostic

FORMATS = ("text", "json", "sarif", "junit", "github")


@dataclass(slots=True)
class Report:
    """What a renderer gets: the diagnostics (paths as shown to the user) and run facts."""

    diagnostics: list[Diagnostic]
    files_checked: int = 0
    fixed: int = 0
    color: bool = False
    show_fixes: bool = True
    unsafe_fixes: bool = False
    extra: dict = field(default_factory=dict)
    # text format only: list info findings one by one (else one line counts them per code);
    # the machine formats always carry every finding
    show_info: bool = True
    # with --baseline/--write-baseline: how many findings it accepted (they are not in
    # ``diagnostics``); None when no baseline was used
    baselined: int | None = None
    # per diagnostic, an identity without line numbers (SARIF partialFingerprints)
    fingerprints: list[str] | None = None


def render(fmt: str, report: Report) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}' (one of: {', '.join(FORMATS)})")
    mod = import_module(f"bmtools.lint.formats.{fmt}_format")
    return mod.render(report)
