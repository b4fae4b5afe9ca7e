"""JUnit XML: one test suite per file, one failing test case per diagnostic (like ruff)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from bmtools.lint.formats import Report


def render(report: Report) -> str:
    by_file: dict[str, list] = defaultdict(list)
    for d in report.diagnostics:
        by_file[d.file or "."].append(d)
    root = ET.Element(
        "testsuites",
        name="bmtools",
        tests=str(len(report.diagnostics) or 1),
        failures=str(len(report.diagnostics)),
        errors="0",
    )
    if not by_file:
        suite = ET.SubElement(
            root, "testsuite", name="bmtools", tests="1", failures="0", errors="0"
        )
        ET.SubElement(suite, "testcase", name="bmtools lint", classname="bmtools")
    for file, diags in sorted(by_file.items()):
        suite = ET.SubElement(
            root,
            "testsuite",
            name=file,
            tests=str(len(diags)),
            failures=str(len(diags)),
            errors="0",
        )
        for d in diags:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{d.code} {d.name}",
                classname=file,
                file=file,
                line=str(d.line),
            )
            fail = ET.SubElement(case, "failure", message=d.message, type=d.severity)
            fail.text = f"{file}:{d.line}:{d.col or 1}: {d.code} {d.message}"
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
