"""Generate a deterministic *real-shaped* Logseq graph: few pages, but long, deep and fenced.

bench/make_graph.py writes many short pages of one-line blocks. Hand-made graphs also hold
pages thousands of lines long, code fences and ``#+BEGIN_QUERY``/``#+BEGIN_NOTE`` blocks of
hundreds of lines, outlines nested a dozen levels deep with tabs and spaces mixed, blocks of
many continuation lines, page properties with bullets indented under them, front matter, CRLF
files and a BOM. This graph stresses the block reader on those shapes. The same ``--seed`` and
``--pages`` always give byte-identical files.

Usage: ``python bench/make_real_shaped.py OUT_DIR [--pages 150] [--seed 7]``, then
``python bench/bench_load.py OUT_DIR`` (or ``bench/bench_blocks.py OUT_DIR``).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

WORDS = (
    "alpha budget cache client config contract customer deadline decision deploy design draft "
    "estimate feature forecast goal growth hiring impact insight interview launch market "
    "meeting metric milestone model onboarding partner pipeline pricing priority product "
    "proposal quota release research review risk roadmap sales schedule scope segment sprint "
    "strategy survey target team timeline vendor vision workflow"
).split()
LANGS = ("python", "clojure", "sql", "js", "bash", "")


class RealShaped:
    """One graph's writer: page names first, then each page's text."""

    def __init__(self, pages: int, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.names = [
            f"{self.rnd.choice(WORDS).title()} {self.rnd.choice(WORDS)} {i}" for i in range(pages)
        ]

    def words(self, n: int) -> str:
        return " ".join(self.rnd.choice(WORDS) for _ in range(n))

    def text(self) -> str:
        """A line of prose with a ref or a tag now and then."""
        r = self.rnd.random()
        base = self.words(self.rnd.randint(4, 14))
        if r < 0.25:
            return f"{base} [[{self.rnd.choice(self.names)}]]"
        if r < 0.35:
            return f"{base} #{self.rnd.choice(WORDS)}"
        return base

    def fence(self, pad: str) -> list[str]:
        """A code fence of 20 to 400 lines, or a #+BEGIN block of 10 to 150."""
        r = self.rnd.random()
        if r < 0.6:
            body = [
                f"{pad}  x_{i} = compute({i}) # [[not a ref]]"
                for i in range(self.rnd.randint(20, 400))
            ]
            mark = "~~~" if r < 0.1 else "```"
            return [f"{pad}  {mark}{self.rnd.choice(LANGS)}", *body, f"{pad}  {mark}"]
        name = "QUERY" if r < 0.8 else "NOTE"
        body = [f"{pad}  {self.text()}" for _ in range(self.rnd.randint(10, 100))]
        return [f"{pad}  #+BEGIN_{name}", *body, f"{pad}  #+END_{name}"]

    def outline(self, blocks: int) -> list[str]:
        """``blocks`` blocks, nested up to 14 deep, tabs or two spaces a level."""
        lines: list[str] = []
        depth = 0
        tab = self.rnd.random() < 0.5
        for _ in range(blocks):
            depth = max(0, min(14, depth + self.rnd.choice((-2, -1, 0, 1, 1, 1))))
            pad = ("\t" if tab else "  ") * depth
            marker = self.rnd.choice(("", "", "", "TODO ", "DONE ", "## "))
            lines.append(f"{pad}- {marker}{self.text()}")
            r = self.rnd.random()
            if r < 0.3:
                lines += [f"{pad}  {self.text()}" for _ in range(self.rnd.randint(1, 12))]
            if r < 0.15:
                lines.append(f"{pad}  status:: {self.rnd.choice(WORDS)}")
                lines.append(f"{pad}  owner:: [[{self.rnd.choice(self.names)}]]")
            if 0.3 <= r < 0.31:
                lines += self.fence(pad)
            if 0.31 <= r < 0.33:
                lines.append("")
        return lines

    def page(self, i: int) -> str:
        r = self.rnd.random()
        head: list[str] = []
        if r < 0.15:
            head = ["---", f"title: {self.names[i]}", "publication date: 2021", "---"]
        elif r < 0.6:
            head = [f"alias:: {self.rnd.choice(WORDS)} {i}", f"tags:: {self.rnd.choice(WORDS)}"]
            if r < 0.3:
                head += [f"  - under the page properties {self.text()}"]
        size = self.rnd.choice((20, 60, 200, 600, 2000))
        lines = head + self.outline(size)
        newline = "\r\n" if self.rnd.random() < 0.1 else "\n"
        text = newline.join(lines) + newline
        return ("\ufeff" if self.rnd.random() < 0.03 else "") + text

    def run(self, out: Path) -> dict[str, int]:
        (out / "pages").mkdir(parents=True, exist_ok=True)
        (out / "logseq").mkdir(exist_ok=True)
        (out / "logseq" / "config.edn").write_text("{:file/name-format :triple-lowbar}\n")
        lines = size = 0
        for i, name in enumerate(self.names):
            text = self.page(i)
            data = text.encode("utf-8")
            (out / "pages" / f"{name}.md").write_bytes(data)
            lines += text.count("\n")
            size += len(data)
        return {"pages": len(self.names), "lines": lines, "bytes": size}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="output graph directory")
    ap.add_argument("--pages", type=int, default=150, help="number of pages (default 150)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = ap.parse_args(argv)
    stats = RealShaped(args.pages, args.seed).run(args.out)
    print(f"{args.out}: {stats['pages']} pages, {stats['lines']} lines, {stats['bytes']} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
