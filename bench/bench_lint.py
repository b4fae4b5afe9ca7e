"""Cold and warm `bmtools lint` times on a bench graph.

    python bench/bench_lint.py [GRAPH_DIR] [--pages N] [--repeat R]

Without GRAPH_DIR, generates N pages (default 10000) once into bench/.cache/graph-N/ with
bench/make_graph.py. Each run is a fresh `bmtools lint` process (interpreter start included):
cold (no cache), warm with nothing changed, warm with one page changed (a plain-text block
appended: only that page is read again), and warm with one page changed in a way other pages
can see (a block with a reference appended: that page and the class and artifact pages are
linted again, on a graph whose other pages are stubs from the cache), warm with a new item
on a page (every item page is linted again), and warm with a new journal page (its name may
resolve refs elsewhere). Each figure is the best of R runs (default
3), with the median. The page edited is restored afterwards.

The processes run as an installed bmtools does, with compiled bytecode cached: this script
drops ``PYTHONDONTWRITEBYTECODE`` from their environment (pip compiles bytecode on install;
compiling bmtools from source costs about 0.1 s per process).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
CACHE = HERE / ".cache" / "lint-caches"  # the runs' own cache folder, emptied for cold runs
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["BMTOOLS_CACHE_DIR"] = str(CACHE)


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
        env=ENV,
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
    pages = sorted((graph / "pages").glob("*.md"))
    page = pages[len(pages) // 2]
    original = page.read_bytes()
    subprocess.run([sys.executable, "-c", "import bmtools.cli, bmtools.lint.cache"], env=ENV)

    def edited(extra: bytes) -> float:
        page.write_bytes(original + extra)
        try:
            return lint(graph)
        finally:
            page.write_bytes(original)
            lint(graph)  # back to the cached state of the original page

    runs: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        shutil.rmtree(CACHE, ignore_errors=True)
        runs.setdefault("cold, --no-cache:", []).append(lint(graph, "--no-cache"))
        runs.setdefault("cold, writing the cache:", []).append(lint(graph))
        runs.setdefault("warm, nothing changed:", []).append(lint(graph))
        runs.setdefault("warm, one page changed:", []).append(
            edited(b"- one more block for the warm run\n")
        )
        runs.setdefault("warm, one page's exports changed:", []).append(
            edited(b"- one more block, linking [[somewhere new]]\n")
        )
        runs.setdefault("warm, a new item on one page:", []).append(
            edited(b"- [[Bench milestone]] #milestone\n  due:: 2026-12-01\n")
        )
        day = graph / "journals" / "2099_01_01.md"
        day.write_text("- a new day, about [[somewhere new]]\n")
        try:
            runs.setdefault("warm, a new journal page:", []).append(lint(graph))
        finally:
            day.unlink()
            lint(graph)
    (graph / ".bench-lint.json").unlink(missing_ok=True)
    print(f"graph: {graph} (best of {args.repeat}, median)")
    for label, times in runs.items():
        runs_text = ", ".join(f"{t:.2f}" for t in times)
        print(
            f"{label:36s} {min(times):6.2f} s  {statistics.median(times):6.2f} s"
            f"   (runs: {runs_text})"
        )


if __name__ == "__main__":
    main()
