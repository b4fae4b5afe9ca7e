"""`bmtools site` on bench graphs: cold and incremental times, output size, peak RSS.

    python bench/bench_site.py [--pages 1500 10000] [--repeat 1]

For each size N, generates N pages once into bench/.cache/graph-N/ (bench/make_graph.py),
copies the graph to a temporary folder (the edits below never touch the cached graph) and
times fresh `bmtools site --all` processes (interpreter start included):

- cold: an empty output folder;
- unchanged: the same graph again (nothing is written);
- one-page edit: a block with a reference appended to one page (that page, the page it
  refers to and the search index are written).

Each process's peak RSS comes from ``wait4``. The output size is the bytes of every file of
the site except copied assets, against the bytes of the graph's Markdown files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def graph_of(pages: int) -> Path:
    path = HERE / ".cache" / f"graph-{pages}"
    if not path.is_dir():
        subprocess.run(
            [sys.executable, str(HERE / "make_graph.py"), str(path), "--pages", str(pages)],
            check=True,
        )
    return path


def site(graph: Path, out: Path) -> tuple[float, float, str, float]:
    """(seconds, peak RSS in MiB, the command's output, CPU seconds) of one `bmtools site`
    process (CPU: user + system of it and its forked child; on a busy machine the wall
    time grows with the load, the CPU time much less). Its cache goes beside the output
    folder (removed with it; ~45 MB for the 10k-page graph)."""
    args = [
        sys.executable,
        "-c",
        "from bmtools.cli import main; main()",
        "site",
        str(graph),
        "--all",
        "--today",
        "2026-11-22",
        "-o",
        str(out),
    ]
    t = time.perf_counter()
    env = dict(ENV, BMTOOLS_CACHE_DIR=str(out.parent / "cache"))
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read().decode() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    spent = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bmtools site failed:\n{output}")
    return spent, usage.ru_maxrss / 1024, output.strip(), usage.ru_utime + usage.ru_stime


def size(folder: Path, suffix: str | None = None, skip: str | None = None) -> int:
    total = 0
    for p in folder.rglob("*"):
        if not p.is_file() or (suffix and p.suffix != suffix):
            continue
        if skip and p.relative_to(folder).parts[0] == skip:
            continue
        total += p.stat().st_size
    return total


def bench(pages: int, repeat: int) -> None:
    source = graph_of(pages)
    with tempfile.TemporaryDirectory() as tmp:
        graph = Path(tmp) / "graph"
        shutil.copytree(source, graph)
        edited = sorted((graph / "pages").glob("*.md"))[
            len(list((graph / "pages").glob("*.md"))) // 2
        ]
        original = edited.read_bytes()
        rows = {"cold": [], "unchanged": [], "one-page edit": []}
        for run in range(repeat):
            out = Path(tmp) / f"site-{run}"
            rows["cold"].append(site(graph, out))
            rows["unchanged"].append(site(graph, out))
            edited.write_bytes(original + f"\n- bench edit {run} [[Person 14]]\n".encode())
            rows["one-page edit"].append(site(graph, out))
            edited.write_bytes(original)
        md = size(graph, ".md")
        html = size(out, skip="assets")
        print(f"\n{pages} pages ({md / 1e6:.1f} MB of Markdown), best of {repeat}:")
        for name, results in rows.items():
            best = min(results, key=lambda r: r[0])
            print(
                f"  {name:14} {best[0]:6.2f} s wall  {best[3]:6.2f} s CPU   peak RSS "
                f"{max(r[1] for r in results):5.0f} MiB   {best[2]}"
            )
        print(f"  output {html / 1e6:.1f} MB = {html / md:.2f} x the Markdown (assets aside)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, nargs="+", default=[1500, 10000])
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for n in args.pages:
        bench(n, args.repeat)


if __name__ == "__main__":
    main()
