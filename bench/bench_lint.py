"""Cold and warm `bmtools lint` times on a bench graph.

    python bench/bench_lint.py [GRAPH_DIR] [--pages N]

Without GRAPH_DIR, generates N pages (default 10000) once into bench/.cache/graph-N/ with
bench/make_graph.py. Each run is a fresh `bmtools lint` process (interpreter start included):
cold (no cache), warm with nothing changed, warm with one page changed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def lint(graph: Path, *extra: str) -> float:
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from bmtools.cli import main; main()",
            "lint",
            str(graph),
            "--format",
            "json",
            "--output",
            str(graph / ".bench-lint.json"),
            *extra,
        ],
        check=False,
    )
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("graph", nargs="?")
    ap.add_argument("--pages", type=int, default=10000)
    args = ap.parse_args()
    if args.graph:
        graph = Path(args.graph)
    else:
        graph = HERE / ".cache" / f"graph-{args.pages}"
        if not graph.exists():
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "make_graph.py"),
                    str(graph),
                    "--pages",
                    str(args.pages),
                ],
                check=True,
            )
    shutil.rmtree(graph / ".bmtools_cache", ignore_errors=True)
    cold_nocache = lint(graph, "--no-cache")
    cold = lint(graph)
    warm = lint(graph)
    page = sorted((graph / "pages").glob("*.md"))[len(list((graph / "pages").glob("*.md"))) // 2]
    original = page.read_bytes()
    try:
        page.write_bytes(original + b"- one more block for the warm run\n")
        warm_one = lint(graph)
    finally:
        page.write_bytes(original)
    (graph / ".bench-lint.json").unlink(missing_ok=True)
    print(f"graph: {graph}")
    print(f"cold, --no-cache:             {cold_nocache:6.2f} s")
    print(f"cold, writing the cache:      {cold:6.2f} s")
    print(f"warm, nothing changed:        {warm:6.2f} s")
    print(f"warm, one page changed:       {warm_one:6.2f} s")


if __name__ == "__main__":
    main()
