"""Benchmark reading a Logseq graph: raw file I/O, ``load_graph`` and ``to_networkx``.

Each measurement runs in its own fresh Python process so timings and peak memory do not leak
into each other (warm caches in the parser, a grown heap, networkx imports). Peak RSS is the
child's ``ru_maxrss`` taken from ``os.wait4`` for that one child, i.e. the per-child form of
``getrusage(RUSAGE_CHILDREN)``; on Linux it is the largest single process among the child and
the process measured (``load_graph`` runs in one process). Every
measurement is repeated (default 3 runs) and reported as best and median, since the best run
is the least disturbed and the median shows the spread.

Usage: ``python bench/bench_load.py [GRAPH_DIR] [--pages N] [--repeat 3] [--tracemalloc]``
Without GRAPH_DIR a synthetic graph of N pages is generated once and cached under
``bench/.cache/graph-N/``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
MARK = "BENCH-RESULT "  # prefix of the child's one result line on stdout
KINDS = ("baseline", "read", "load", "graph", "blocks")


# -- child side ------------------------------------------------------------------------------


def md_files(root: Path) -> list[Path]:
    """Every .md file of the graph, skipping hidden dirs and ``logseq/`` (backups, recycle)."""
    out = []
    for p in sorted(root.rglob("*.md")):
        rel = p.relative_to(root).parts
        if rel[0] == "logseq" or any(part.startswith(".") for part in rel):
            continue
        out.append(p)
    return out


def count_graph(graph: Any) -> dict[str, Any]:
    """Pages, blocks and refs of a loaded graph, with pages split by kind."""
    kinds: dict[str, int] = {}
    blocks = refs = 0
    for page in graph.pages.values():
        kinds[page.kind] = kinds.get(page.kind, 0) + 1
        blocks += len(page.blocks)
        refs += sum(len(b.refs) for b in page.blocks)
    return {
        "pages": len(graph.pages),
        "page_kinds": kinds,
        "blocks": blocks,
        "refs": refs,
        "uuids": len(graph.uuids),
        "diagnostics": len(graph.diagnostics),
    }


def cpu_seconds() -> float:
    """User + system CPU of this process and of its waited-for children (``load_graph``'s
    forked parser included): steadier than wall time on a machine others share."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def child(kind: str, root: Path, trace: bool) -> dict[str, Any]:
    """Run one measurement in this (fresh) process and return its figures."""
    sys.path.insert(0, str(REPO))
    res: dict[str, Any] = {}
    if kind == "read":
        t0 = time.perf_counter()
        files = md_files(root)
        size = sum(len(p.read_bytes()) for p in files)
        res.update(time=time.perf_counter() - t0, files=len(files), bytes=size)
        return res

    import networkx  # noqa: F401  (imported up front so its cost is not in any timing)

    import bmtools

    if kind == "baseline":
        return res
    if trace:
        import tracemalloc

        tracemalloc.start()
    c0, t0 = cpu_seconds(), time.perf_counter()
    graph = bmtools.load_graph(str(root))
    res["time"] = time.perf_counter() - t0
    res["cpu"] = cpu_seconds() - c0
    if kind == "load":
        res.update(count_graph(graph))
    elif kind in ("graph", "blocks"):
        c0, t0 = cpu_seconds(), time.perf_counter()
        g = bmtools.to_networkx(graph, blocks=kind == "blocks")
        res["load_time"], res["load_cpu"] = res["time"], res["cpu"]
        res["time"] = time.perf_counter() - t0
        res["cpu"] = cpu_seconds() - c0
        res.update(nodes=g.number_of_nodes(), edges=g.number_of_edges())
    if trace:
        res["traced_peak"] = tracemalloc.get_traced_memory()[1]
    return res


# -- parent side -----------------------------------------------------------------------------


def run_child(kind: str, root: Path, trace: bool) -> dict[str, Any]:
    """Start a child for one measurement and return its figures plus its own peak RSS."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(root)]
    if trace:
        cmd.append("--tracemalloc")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=REPO)
        # wait4 gives this child's rusage alone; RUSAGE_CHILDREN would be a max over all runs.
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        sys.exit(f"child {kind!r} failed ({proc.returncode}):\n{stderr}")
    line = next(ln for ln in stdout.splitlines() if ln.startswith(MARK))
    res = json.loads(line[len(MARK) :])
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is bytes on macOS, KiB on Linux
    res["rss"] = usage.ru_maxrss * scale
    return res


def loader_available() -> bool:
    """Whether ``bmtools.load_graph`` exists yet (checked in a child to keep this one clean)."""
    code = "import bmtools; bmtools.load_graph; bmtools.to_networkx"
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, check=False)
    return proc.returncode == 0


def cached_graph(pages: int, seed: int) -> Path:
    """The cached synthetic graph for ``pages``/``seed``, regenerated when the generator changed."""
    name = f"graph-{pages}" if seed == 42 else f"graph-{pages}-s{seed}"
    target = CACHE / name
    stamp_file = CACHE / f"{name}.stamp"
    digest = hashlib.sha256((BENCH / "make_graph.py").read_bytes()).hexdigest()[:16]
    stamp = f"{digest} pages={pages} seed={seed}"
    if target.is_dir() and stamp_file.is_file() and stamp_file.read_text() == stamp:
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{name}.", dir=CACHE))
    print(f"generating {pages} pages (seed {seed}) into {target} ...", flush=True)
    # In a child: a child's ru_maxrss starts from this process's RSS at fork (Linux keeps the
    # high-water mark across exec), so this process must stay small to keep the figures honest.
    gen = [sys.executable, str(BENCH / "make_graph.py"), str(tmp), f"--pages={pages}"]
    subprocess.run([*gen, f"--seed={seed}"], check=True, stdout=subprocess.DEVNULL)
    if target.exists():
        shutil.rmtree(target)
    tmp.chmod(0o755)  # mkdtemp makes it private; the graph is ordinary data
    tmp.rename(target)  # atomic: an interrupted run never leaves a half graph behind
    stamp_file.write_text(stamp)
    return target


def fmt_s(values: list[float]) -> tuple[str, str]:
    return f"{min(values):.3f}", f"{statistics.median(values):.3f}"


def fmt_mib(values: list[int]) -> tuple[str, str]:
    return f"{min(values) / 2**20:.1f}", f"{statistics.median(values) / 2**20:.1f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark bmtools.load_graph and to_networkx.")
    ap.add_argument("graph", nargs="?", type=Path, help="graph dir (default: generated)")
    ap.add_argument("--pages", type=int, default=1000, help="pages to generate (default 1000)")
    ap.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (default 3)")
    ap.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also report Python-heap peak via tracemalloc (slows the timed runs)",
    )
    ap.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        res = child(args.child, args.graph, args.tracemalloc)
        print(MARK + json.dumps(res), flush=True)
        return 0

    if args.graph is None:
        root = cached_graph(args.pages, args.seed)
        origin = f"generated, {args.pages} pages, seed {args.seed}"
    else:
        root = args.graph.resolve()
        origin = "given"
    if not root.is_dir():
        sys.exit(f"not a directory: {root}")

    have_loader = loader_available()
    kinds = list(KINDS) if have_loader else ["read"]
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    load_before = os.getloadavg()
    for kind in kinds:
        for _ in range(1 if kind == "baseline" else args.repeat):
            runs[kind].append(run_child(kind, root, args.tracemalloc))
    load_after = os.getloadavg()

    read = runs["read"][0]
    rows: list[tuple[str, str, str]] = []
    print(f"graph            {root} ({origin})")
    print(f"files            {read['files']}")
    if have_loader:
        load = runs["load"][0]
        kinds_txt = ", ".join(f"{v} {k}" for k, v in sorted(load["page_kinds"].items()))
        print(f"pages            {load['pages']} ({kinds_txt})")
        print(f"blocks           {load['blocks']}")
        print(f"refs             {load['refs']}")
        print(f"block uuids      {load['uuids']}")
        print(f"diagnostics      {load['diagnostics']}")
    print(f"bytes            {read['bytes']}")
    # Other processes on the machine inflate wall times (CPU seconds much less): say how busy.
    print(f"load average     {load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min)")
    print()

    rows.append(("read files s", *fmt_s([r["time"] for r in runs["read"]])))
    if have_loader:
        rows.append(("load_graph s", *fmt_s([r["time"] for r in runs["load"]])))
        rows.append(("to_networkx pages s", *fmt_s([r["time"] for r in runs["graph"]])))
        both = [r["load_time"] + r["time"] for r in runs["graph"]]
        rows.append(("load + page graph s", *fmt_s(both)))
        rows.append(("load_graph CPU s", *fmt_s([r["cpu"] for r in runs["load"]])))
        rows.append(("to_networkx pages CPU s", *fmt_s([r["cpu"] for r in runs["graph"]])))
        rows.append(("to_networkx blocks s", *fmt_s([r["time"] for r in runs["blocks"]])))
        rows.append(("peak RSS baseline MiB", *fmt_mib([r["rss"] for r in runs["baseline"]])))
        rows.append(("peak RSS load MiB", *fmt_mib([r["rss"] for r in runs["load"]])))
        rows.append(("peak RSS load+pages MiB", *fmt_mib([r["rss"] for r in runs["graph"]])))
        rows.append(("peak RSS load+blocks MiB", *fmt_mib([r["rss"] for r in runs["blocks"]])))
        if args.tracemalloc:
            for kind, label in (("load", "load"), ("graph", "load+pages")):
                peaks = [r["traced_peak"] for r in runs[kind]]
                rows.append((f"traced peak {label} MiB", *fmt_mib(peaks)))
    head = f"measure ({args.repeat} runs)"
    width = max(len(head), *(len(r[0]) for r in rows))
    print(f"{head:<{width}}  {'best':>9}  {'median':>9}")
    for label, best, median in rows:
        print(f"{label:<{width}}  {best:>9}  {median:>9}")

    if have_loader:
        g, b = runs["graph"][0], runs["blocks"][0]
        print()
        print(f"page graph       {g['nodes']} nodes, {g['edges']} edges")
        print(f"block graph      {b['nodes']} nodes, {b['edges']} edges")
        if args.tracemalloc:
            print("(timings above include tracemalloc overhead)")
    else:
        print("\nbmtools.load_graph / to_networkx not available yet: only raw reading measured")
    return 0


if __name__ == "__main__":
    sys.exit(main())
