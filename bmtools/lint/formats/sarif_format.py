"""SARIF 2.1.0 (validates against the OASIS schema vendored as ``sarif-schema-2.1.0.json``)."""

from __future__ import annotations

import json

from bmtools import __version__
from bmtools.lint.formats import Report
from bmtools.lint.registry import all_rules

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "bmtoolsFingerprint/v1"


def _rule(rule) -> dict:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": rule.doc, "markdown": rule.doc},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {
            "level": _LEVEL.get(rule.severity, "warning"),
            "enabled": rule.default,
        },
        "properties": {"family": rule.family},
    }


def _result(d, index: dict[str, int], fingerprint: str | None, baseline: bool) -> dict:
    result = {
        "ruleId": d.code,
        "level": _LEVEL.get(d.severity, "warning"),
        "message": {"text": d.message},
    }
    if fingerprint:  # lets code scanning follow a finding that moved down the page
        result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    if baseline:  # findings the baseline accepts are left out; the rest are new
        result["baselineState"] = "new"
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    if d.file:
        loc: dict = {
            "artifactLocation": {"uri": d.file.replace("\\", "/"), "uriBaseId": "%SRCROOT%"}
        }
        if d.line:
            region = {"startLine": d.line, "startColumn": d.col or 1}
            if d.end_line:
                region["endLine"] = d.end_line
                if d.end_col:
                    region["endColumn"] = d.end_col
            loc["region"] = region
        result["locations"] = [{"physicalLocation": loc}]
    if d.fix is not None and d.fix.title:
        result["properties"] = {"fix": d.fix.title, "applicability": d.fix.applicability}
    return result


def render(report: Report) -> str:
    rules = list(all_rules().values())
    index = {r.code: i for i, r in enumerate(rules)}
    fps = report.fingerprints
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "bmtools",
                        "version": __version__,
                        "rules": [_rule(r) for r in rules],
                    }
                },
                "results": [
                    _result(d, index, fps[i] if fps else None, report.baselined is not None)
                    for i, d in enumerate(report.diagnostics)
                ],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
