"""Aligned text tables for a terminal: numbers right-aligned, long cells cut with ``…``.

>>> print(render_table(["name", "n"], [["alpha", "1"], ["b", "22"]], aligns="lr"))
name    n
-----  --
alpha   1
b      22
>>> print(render_table(["name"], [["a very long title"]], width=9))
name
---------
a very l…
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

ELLIPSIS = "…"
MIN_COL = 8
PRIMARY_MIN = 24  # columns are dropped before the first flexible one gets narrower


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + ELLIPSIS


def render_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    aligns: str | None = None,
    width: int | None = None,
    flexible: Sequence[int] | None = None,
    styler: Callable[[int, int, str], str] | None = None,
    optional: Sequence[int] = (),
) -> str:
    """A plain-text table. ``width`` (the terminal width) shrinks the ``flexible`` columns
    (default: all), widest first (the first of them counts a third), until the table fits; None
    means no limit. ``styler(row, col, text)`` may colour a padded cell (row −1: the header).
    When even the narrowest table is too wide, the ``optional`` columns are dropped in order."""
    if width is not None and optional:
        natural = [
            max([len(headers[i])] + [len(str(r[i])) for r in rows]) for i in range(len(headers))
        ]
        flex = list(range(len(headers))) if flexible is None else list(flexible)
        floor = [max(MIN_COL, len(h)) for h in headers]
        if flex:
            floor[flex[0]] = max(floor[flex[0]], PRIMARY_MIN)
        need = sum(
            min(natural[i], floor[i]) if i in flex else natural[i] for i in range(len(headers))
        ) + 2 * (len(headers) - 1)
        if need > width:  # even at the narrowest it does not fit: drop a column
            drop = optional[0]

            def keep(seq: Sequence) -> list:
                return [x for i, x in enumerate(seq) if i != drop]

            def shift(idx: Sequence[int]) -> list[int]:
                return [i - (i > drop) for i in idx if i != drop]

            return render_table(
                keep(headers),
                [keep(r) for r in rows],
                "".join(keep(aligns or "l" * len(headers))),
                width,
                None if flexible is None else shift(flexible),
                None if styler is None else (lambda r, c, t: styler(r, c + (c >= drop), t)),
                shift(optional[1:]),
            )
    n = len(headers)
    aligns = (aligns or "l" * n).ljust(n, "l")
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(headers[i])] + [len(r[i]) for r in cells]) for i in range(n)]
    if width is not None:
        gap = 2 * (n - 1)
        flex = list(flexible) if flexible is not None else list(range(n))
        while sum(widths) + gap > width:
            shrinkable = [i for i in flex if widths[i] > max(MIN_COL, len(headers[i]))]
            if not shrinkable:
                break
            # the first flexible column (the title) keeps three times the width of the others
            # and at least PRIMARY_MIN while another column can still give way
            others = [i for i in shrinkable if i != flex[0]]
            if flex[0] in shrinkable and widths[flex[0]] <= PRIMARY_MIN and others:
                shrinkable = others
            widest = max(shrinkable, key=lambda i: widths[i] / (3 if i == flex[0] else 1))
            widths[widest] -= 1

    def line(values: Sequence[str], row: int) -> str:
        out = []
        for i, v in enumerate(values):
            v = _cut(v, widths[i])
            v = v.rjust(widths[i]) if aligns[i] == "r" else v.ljust(widths[i])
            if i == n - 1:
                v = v.rstrip()
            out.append(styler(row, i, v) if styler else v)
        return "  ".join(out)

    lines = [line(headers, -1), "  ".join("-" * w for w in widths)]
    lines.extend(line(r, k) for k, r in enumerate(cells))
    return "\n".join(lines)
