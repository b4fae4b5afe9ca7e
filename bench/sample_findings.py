"""Draw a seeded random sample of lint findings from real graphs, to check by hand.

    python bench/sample_findings.py GRAPH [GRAPH ...] --seed SEED [--size 100] [--json FILE]

Why: a rule's precision on real pages is only known by reading what it reports there (issue 11:
100 findings across three public graphs, at least 95 % true). This script runs
`bmtools lint GRAPH --no-cache --format json --show-info` (default rule selection) on each graph
in a fresh process, prints the findings per code per graph, then the sample as a Markdown table.

Method: the findings of each graph are put in a fixed order (file, line, column, code,
message), so the draw depends only on the findings, not on the order lint prints them. The
sample is stratified by graph in proportion to the graph's number of findings (largest
remainder: each graph gets the floor of its share, the leftover places go to the largest
fractional parts, ties to the graph with more findings). One `random.Random(SEED)` draws each
graph's quota with `rng.sample`, graphs taken in the order of their folder names (so the order
of the arguments does not matter). The sample is listed by graph, file and line.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path


def lint(graph: Path) -> list[dict]:
    """The graph's findings as `bmtools lint --format json` gives them (a fresh process)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from bmtools.cli import main; main()",
            "lint",
            str(graph),
            "--no-cache",
            "--format",
            "json",
            "--show-info",
            "-q",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 1):
        sys.exit(f"bmtools lint {graph} failed ({proc.returncode}): {proc.stderr.strip()}")
    findings = json.loads(proc.stdout)
    root = graph.resolve()
    for f in findings:
        path = Path(f["filename"])
        path = path if path.is_absolute() else Path.cwd() / path
        try:
            f["file"] = path.resolve().relative_to(root).as_posix()
        except ValueError:
            f["file"] = f["filename"]
        f["line"] = (f.get("location") or {}).get("row") or 0
        f["graph"] = graph.name
    findings.sort(key=lambda f: (f["file"], f["line"], _col(f), f["code"], f["message"]))
    return findings


def _col(f: dict) -> int:
    return (f.get("location") or {}).get("column") or 0


def quotas(counts: dict[str, int], size: int) -> dict[str, int]:
    """Places per graph in proportion to its findings (largest remainder)."""
    total = sum(counts.values())
    if total == 0:
        return dict.fromkeys(counts, 0)
    size = min(size, total)
    exact = {g: size * n / total for g, n in counts.items()}
    out = {g: math.floor(x) for g, x in exact.items()}
    left = size - sum(out.values())
    for g in sorted(counts, key=lambda g: (-(exact[g] - out[g]), -counts[g], g))[:left]:
        out[g] += 1
    return out


def draw(by_graph: dict[str, list[dict]], size: int, seed: int) -> list[dict]:
    """The stratified seeded sample (see the module docstring)."""
    rng = random.Random(seed)
    want = quotas({g: len(fs) for g, fs in by_graph.items()}, size)
    sample: list[dict] = []
    for g in sorted(by_graph):
        sample += rng.sample(by_graph[g], want[g])
    sample.sort(key=lambda f: (f["graph"], f["file"], f["line"], _col(f), f["code"]))
    return sample


def _cell(text: str, width: int = 110) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= width else text[: width - 1] + "…"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("graphs", nargs="+", type=Path)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--size", type=int, default=100)
    ap.add_argument("--json", type=Path, help="also write the sample (full findings) here")
    args = ap.parse_args()

    by_graph = {g.resolve().name: lint(g) for g in args.graphs}
    codes = sorted({f["code"] for fs in by_graph.values() for f in fs})
    names = {f["code"]: f["name"] for fs in by_graph.values() for f in fs}
    print("Findings per code per graph\n")
    print("| code | " + " | ".join(by_graph) + " | all |")
    print("|---|" + "---:|" * (len(by_graph) + 1))
    for code in codes:
        row = [sum(f["code"] == code for f in fs) for fs in by_graph.values()]
        print(f"| {code} {names[code]} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    totals = [len(fs) for fs in by_graph.values()]
    print("| all | " + " | ".join(map(str, totals)) + f" | {sum(totals)} |")

    sample = draw(by_graph, args.size, args.seed)
    per = Counter(f["graph"] for f in sample)
    print(
        f"\nSample: {len(sample)} findings, seed {args.seed}, "
        + ", ".join(f"{g} {per[g]}" for g in sorted(by_graph))
    )
    print("\n| # | graph | file:line | code | message |")
    print("|---:|---|---|---|---|")
    for i, f in enumerate(sample, 1):
        where = f"{_cell(f['file'])}:{f['line']}"
        print(f"| {i} | {f['graph']} | {where} | {f['code']} | {_cell(f['message'])} |")
    if args.json:
        args.json.write_text(json.dumps(sample, indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"wrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
