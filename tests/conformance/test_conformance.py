"""bmtools reads each conformance case as Logseq 0.10.15 does, field by field (issue 10).

Every folder in ``cases/`` is a tiny graph about one syntax point; its ``expected.json`` is
Logseq's own reading (written once by bench/make_conformance_expected.py with the oracle, then
committed). ``known_differences.toml`` lists the (case, field) pairs where bmtools does not
agree yet, each with its reason: those pairs are strict xfails, so a fix that makes one agree
fails until its entry is removed; every other field of every case must agree.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

import bmtools
from tests.conformance.compare import (
    FIELDS,
    Comparison,
    Difference,
    bmtools_view,
    compare_views,
    texts_of,
)

HERE = Path(__file__).resolve().parent
CASES = sorted(p.name for p in (HERE / "cases").iterdir() if p.is_dir())
KNOWN: dict[str, dict[str, str]] = tomllib.loads(
    (HERE / "known_differences.toml").read_text(encoding="utf-8")
)


def _params() -> list:
    params = []
    for case in CASES:
        params.append(pytest.param(case, None, id=case))
        for field, reason in sorted(KNOWN.get(case, {}).items()):
            params.append(
                pytest.param(
                    case,
                    field,
                    id=f"{case}::{field}",
                    marks=pytest.mark.xfail(strict=True, reason=reason),
                )
            )
    return params


@pytest.fixture(scope="session")
def compared(tmp_path_factory):
    """Compare a case once per session: bmtools reads a fresh copy of its pages."""
    done: dict[str, Comparison] = {}

    def run(case: str) -> Comparison:
        if case not in done:
            root = tmp_path_factory.mktemp(case)
            shutil.copytree(HERE / "cases" / case, root, dirs_exist_ok=True)
            (root / "expected.json").unlink()
            expected = json.loads((HERE / "cases" / case / "expected.json").read_text("utf-8"))
            graph = bmtools.load_graph(root)
            done[case] = compare_views(expected, bmtools_view(graph), texts_of(root))
        return done[case]

    return run


def _explain(diffs: list[Difference]) -> str:
    return "\n".join(
        f"{d.field} at {d.where()} [{d.page}]: Logseq {d.logseq!r}, bmtools {d.bmtools!r}"
        for d in diffs
    )


@pytest.mark.parametrize(("case", "field"), _params())
def test_conformance(case: str, field: str | None, compared) -> None:
    cmp = compared(case)
    if field is None:
        known = KNOWN.get(case, {})
        diffs = [d for d in cmp.differences if d.field not in known]
    else:
        diffs = [d for d in cmp.differences if d.field == field]
    assert not diffs, _explain(diffs)


def test_known_differences_name_real_cases_fields_and_reasons() -> None:
    for case, fields in KNOWN.items():
        assert case in CASES, f"known_differences.toml names no case {case!r}"
        for field, reason in fields.items():
            assert field in FIELDS, f"{case}: unknown field {field!r}"
            assert reason.startswith(("not yet: issue 10 item ", "kept on purpose: ")), (
                f"{case} {field}: a reason says 'not yet: issue 10 item N …' or "
                "'kept on purpose: …'"
            )


def test_every_case_is_a_graph_with_logseqs_reading() -> None:
    assert len(CASES) >= 150
    for case in CASES:
        folder = HERE / "cases" / case
        pages = [p for p in folder.rglob("*") if p.suffix in (".md", ".org", ".edn")]
        assert pages, f"{case}: no page file"
        expected = json.loads((folder / "expected.json").read_text("utf-8"))
        assert expected["pages"], f"{case}: expected.json holds no page"
