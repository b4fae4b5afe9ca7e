"""Write tests/conformance/cases/*/expected.json from Logseq's own reading (dev only).

    python bench/make_conformance_expected.py [CASE_DIR_OR_NAME ...] [--oracle RUN.sh] [--jobs 2]
    python bench/make_conformance_expected.py --status


Runs the Logseq oracle (``/work/shared/oracle/run.sh``: Logseq 0.10.15's graph-parser) over
each case folder (a tiny graph: ``pages/``, ``journals/``, ``logseq/config.edn``…) and stores
its reading, reduced to the fields the conformance test compares (see
tests/conformance/compare.py), as that case's ``expected.json``. Tests never run the oracle:
they compare bmtools with these committed files. Run it again only when a case's pages change.

``--status`` runs no oracle: it compares bmtools with every committed ``expected.json`` and
prints, per case, the fields that differ with the cause of each, marking those
``known_differences.toml`` does not list yet and the listed ones that now agree (to remove).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bmtools  # noqa: E402
from tests.conformance.compare import (  # noqa: E402
    bmtools_view,
    compare_views,
    read_oracle,
    strip_lines,
    texts_of,
)

CASES = Path(__file__).resolve().parent.parent / "tests" / "conformance" / "cases"
ORACLE = "/work/shared/oracle/run.sh"


def expected_for(case: Path, oracle: str) -> dict:
    """Logseq's reading of one case folder, as the view ``expected.json`` holds."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        for _attempt in range(3):  # the shared oracle cache is sometimes busy: try again
            run = subprocess.run([oracle, str(case), str(out)], capture_output=True, text=True)
            if run.returncode == 0 and out.exists():
                break
        else:
            raise RuntimeError(f"{case.name}: oracle failed\n{run.stdout}\n{run.stderr}")
        view = strip_lines(read_oracle(out, case))
    return {"oracle": "Logseq 0.10.15 graph-parser (mldoc 1.5.7)", **view}


def write_expected(case: Path, oracle: str) -> str:
    data = expected_for(case, oracle)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    (case / "expected.json").write_text(text, encoding="utf-8")
    return case.name


def status(cases: list[Path]) -> int:
    """Print where bmtools differs from the committed readings, against the known list."""
    import tomllib

    known = tomllib.loads((CASES.parent / "known_differences.toml").read_text("utf-8"))
    unexpected = 0
    for case in cases:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / case.name
            shutil.copytree(case, root)
            (root / "expected.json").unlink()
            expected = json.loads((case / "expected.json").read_text("utf-8"))
            graph = bmtools.load_graph(root)
            cmp = compare_views(expected, bmtools_view(graph), texts_of(root))
        listed = known.get(case.name, {})
        causes: dict[str, set[str]] = {}
        for d in cmp.differences:
            causes.setdefault(d.field, set()).add(d.cause)
        for field in sorted(set(causes) | set(listed)):
            if field not in causes:
                mark = "agrees now, remove from known_differences.toml"
                unexpected += 1
            elif field not in listed:
                mark = "NOT LISTED: " + " | ".join(sorted(causes[field]))
                unexpected += 1
            else:
                mark = "known: " + listed[field]
            print(f"{case.name}  {field}  {mark}")
    print(f"{unexpected} (case, field) pairs differ from known_differences.toml")
    return 1 if unexpected else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cases", nargs="*", help="case folders or names (default: all)")
    ap.add_argument("--oracle", default=ORACLE)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--status", action="store_true", help="compare only, run no oracle")
    args = ap.parse_args(argv)
    if args.cases:
        cases = [Path(c) if Path(c).is_dir() else CASES / c for c in args.cases]
    else:
        cases = sorted(p for p in CASES.iterdir() if p.is_dir())
    if args.status:
        return status(cases)
    with ThreadPoolExecutor(args.jobs) as pool:
        for name in pool.map(lambda c: write_expected(c, args.oracle), cases):
            print(name, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
