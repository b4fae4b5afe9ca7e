"""How closely bmtools reads a graph as Logseq 0.10.15 does (issue 10), field by field.

    python bench/conformance.py GRAPH ORACLE.jsonl [--examples 3] [--causes 40] [--json OUT]

ORACLE.jsonl is what ``/work/shared/oracle/run.sh GRAPH ORACLE.jsonl`` wrote for the same graph
(a development tool: Logseq's own graph-parser under nbb-logseq). Prints the per-field
agreement table (fields as rows, % agreeing and counts), then the differences grouped by cause:
a short signature per kind of difference, its count and a few examples with file:line. The
comparison itself lives in tests/conformance/compare.py, shared with the conformance tests.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bmtools  # noqa: E402
from tests.conformance.compare import (  # noqa: E402
    FIELDS,
    Comparison,
    Difference,
    bmtools_view,
    compare_views,
    read_oracle,
    texts_of,
)


def _short(value: object, width: int = 70) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def table(cmp: Comparison) -> str:
    """The agreement table, as Markdown (it goes into bench/README.md as is)."""
    rows = ["| field | agree | of | % |", "|---|---:|---:|---:|"]
    for f in FIELDS:
        total = cmp.total[f]
        agree = cmp.agree[f]
        pct = f"{100 * agree / total:.1f}" if total else "–"
        rows.append(f"| {f} | {agree} | {total} | {pct} |")
    return "\n".join(rows)


def causes(cmp: Comparison, examples: int = 3, limit: int = 40) -> str:
    """Differences grouped by cause, most frequent first, with examples."""
    groups: dict[str, list[Difference]] = defaultdict(list)
    for d in cmp.differences:
        groups[d.cause].append(d)
    out = []
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    for cause, diffs in ranked[:limit]:
        out.append(f"{len(diffs):6d}  {cause}")
        for d in diffs[:examples]:
            out.append(
                f"          {d.where()}  [{d.page}]  Logseq {_short(d.logseq)}"
                f"  bmtools {_short(d.bmtools)}"
            )
    if len(ranked) > limit:
        rest = sum(len(v) for _, v in ranked[limit:])
        out.append(f"        … {len(ranked) - limit} more causes, {rest} differences")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("graph")
    ap.add_argument("oracle", help="the oracle's JSONL output for GRAPH")
    ap.add_argument("--examples", type=int, default=3, help="examples per cause (3)")
    ap.add_argument("--causes", type=int, default=40, help="causes to list (40)")
    ap.add_argument("--json", help="also write every difference to this JSON file")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    graph = bmtools.load_graph(args.graph)
    logseq = read_oracle(args.oracle, args.graph)
    bm = bmtools_view(graph)
    cmp = compare_views(logseq, bm, texts_of(args.graph))
    files = sum(1 for p in logseq["pages"].values() if p["file"])
    blocks = sum(len(p["blocks"]) for p in logseq["pages"].values())
    print(
        f"{args.graph}: Logseq reads {len(logseq['pages'])} pages ({files} from files), "
        f"{blocks} blocks; bmtools {len(bm['pages'])} pages, "
        f"{sum(len(p['blocks']) for p in bm['pages'].values())} blocks "
        f"({time.perf_counter() - started:.1f} s)\n"
    )
    print(table(cmp))
    print(f"\n{len(cmp.differences)} differences by cause:\n")
    print(causes(cmp, args.examples, args.causes))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(
                [d.__dict__ for d in cmp.differences], f, ensure_ascii=False, indent=0, default=str
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
