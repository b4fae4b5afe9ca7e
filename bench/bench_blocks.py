"""Benchmark the block reader alone: ``parse_outline`` over every Markdown page of a graph.

The files are read and decoded first; only cutting them into blocks is timed (process time,
best and median of ``--repeat`` runs, the cyclic GC off as load_graph runs it). Use it on the
synthetic graph (bench/make_graph.py) and on the real-shaped one (bench/make_real_shaped.py):
long pages, big fences and deep trees cost the reader differently from many short pages.

Usage: ``python bench/bench_blocks.py GRAPH_DIR [--repeat 5]``
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bmtools.model import Config, Page  # noqa: E402
from bmtools.syntax.blocks import parse_outline  # noqa: E402
from bmtools.syntax.inline import JournalRefs  # noqa: E402


def sources(root: Path) -> list[str]:
    """The text of every .md page under ``root`` (``logseq/`` and hidden folders left out)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "logseq")
        for f in sorted(filenames):
            if f.endswith(".md"):
                with open(os.path.join(dirpath, f), "rb") as fh:
                    data = fh.read()
                out.append(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("graph", type=Path)
    ap.add_argument("--repeat", type=int, default=5, help="runs (default 5)")
    args = ap.parse_args(argv)
    texts = sources(args.graph)
    config = Config()
    journals = JournalRefs(config.journal_title_format)
    times = []
    blocks = 0
    gc.disable()
    for _ in range(args.repeat):
        pages = [Page(name="p", title="p", file="p.md", source=t) for t in texts]
        started = time.process_time()
        for page in pages:
            parse_outline(page, config, [], journals)
        times.append(time.process_time() - started)
        blocks = sum(len(p.blocks) for p in pages)
        del pages
        gc.collect()
    lines = sum(t.count("\n") for t in texts)
    best, median = min(times), statistics.median(times)
    print(f"{args.graph}: {len(texts)} pages, {lines} lines, {blocks} blocks")
    print(f"parse_outline  best {best:.3f} s  median {median:.3f} s  ({lines / best:,.0f} lines/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
