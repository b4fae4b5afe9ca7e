"""Cold and warm `bmtools lint` times on a bench graph.

    python bench/bench_lint.py [GRAPH_DIR] [--pages N] [--repeat R]

Without GRAPH_DIR, generates N pages (default 10000) once into bench/.cache/graph-N/ with
bench/make_graph.py. Each run is a fresh `bmtools lint` process (interpreter start included):
cold (no cache), warm with nothing changed, warm with one page changed (a plain-text block
appended: only that page is read again), and warm with one page changed in a way other pages
can see (a block with a reference appended: the whole graph is read again). Each figure is the
best of R runs (default 3). The page edited is restored afterwards.
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
    ap.add_argument("--repeat", type=int, default=3)
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
    page = sorted((graph / "pages").glob("*.md"))[len(list((graph / "pages").glob("*.md"))) // 2]
    original = page.read_bytes()

    def edited(extra: bytes) -> float:
        page.write_bytes(original + extra)
        try:
            return lint(graph)
        finally:
            page.write_bytes(original)
            lint(graph)  # back to the cached state of the original page

    runs: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        shutil.rmtree(graph / ".bmtools_cache", ignore_errors=True)
        runs.setdefault("cold, --no-cache:", []).append(lint(graph, "--no-cache"))
        runs.setdefault("cold, writing the cache:", []).append(lint(graph))
        runs.setdefault("warm, nothing changed:", []).append(lint(graph))
        runs.setdefault("warm, one page changed:", []).append(
            edited(b"- one more block for the warm run\n")
        )
        runs.setdefault("warm, one page's exports changed:", []).append(
            edited(b"- one more block, linking [[somewhere new]]\n")
        )
    (graph / ".bench-lint.json").unlink(missing_ok=True)
    print(f"graph: {graph} (best of {args.repeat})")
    for label, times in runs.items():
        print(f"{label:36s} {min(times):6.2f} s   (runs: {', '.join(f'{t:.2f}' for t in times)})")

if __name__ == "__main__":
    main()
