"""Seconds to load a graph whose one page is a pathological line (hostile-graph item 7).

    python bench/bench_hostile.py [--mb 1 5]

Each line repeats one pattern to the size asked (1 MB and 5 MB by default) on a page of an
otherwise empty graph, then times ``load_graph`` (which parses it) in this process. Before the
scanners were made linear, 160,000 "[[" took 10.6 s, 40,000 "{{" 118 s and a value with 40,000
spaces 25 s; every figure here should stay within a few seconds and grow linearly with size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bmtools  # noqa: E402

PATTERNS = {
    "[[ openers": ("- ", "[["),
    "{{ openers": ("- ", "{{"),
    "#[[ openers": ("- ", "#[["),
    "[[ with text": ("- ", "[[a "),
    "emphasis around tags": ("- ", "_#x_ "),
    "bold around tags": ("- ", "**#x "),
    "links without end": ("- ", "[x]("),
    "links with spaces": ("- ", "[x]( "),
    "word before a URL": ("- ", "a"),
    "blanks in a property value": ("- x\n  key:: a", " "),
    "blanks in a directive": ("#+TITLE: a", " "),
    # the Markdown route (the line holds "](", a backtick, "$", "<" or "\\"), and more openers
    "[ openers, then ](": ("- ", "[", "](x) ]] }}\n"),
    "[[ [[a]] unclosed": ("- ", "[[ [[a]]"),
    "(( openers": ("- ", "(("),
    "backticks": ("- ", "`"),
    "dollars": ("- ", "$"),
    "< openers": ("- ", "<", " ](x)\n"),
    "<span> elements": ("- ", "<span>", "</span>\n"),
    "comma value, [[ a,": ("- x\n  tags:: ", "[[a, "),
    "all openers mixed": ("- ", "[[a #b ((c {{d `e $f <g [h](i \\j **k ~~l "),
}
TAIL = "b http://x.org/#t ]] }}\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, nargs="*", default=[1, 5])
    args = ap.parse_args()
    print(f"{'pattern':30s}" + "".join(f"{mb:>8g} MB" for mb in args.mb))
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "pages" / "q.md"
        page.parent.mkdir()
        for label, (head, unit, *tail_given) in PATTERNS.items():
            row = f"{label:30s}"
            for mb in args.mb:
                body = unit * int(mb * 1_000_000 / len(unit))
                tail = tail_given[0] if tail_given else TAIL
                if label == "blanks in a directive":
                    tail = "b\n"
                page.write_text(head + body + tail, encoding="utf-8")
                t = time.perf_counter()
                bmtools.load_graph(tmp)
                row += f"{time.perf_counter() - t:9.2f} s"
            print(row, flush=True)


if __name__ == "__main__":
    main()
