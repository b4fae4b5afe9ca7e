"""Every scanner is linear in its input (hostile-graph item 7). No test here times anything:
each counts work, on a pathological line of n and of 4n repeats, and asserts it grows no faster
than the input. The wall-clock figures for 5 MB lines are in bench/bench_hostile.py."""

from __future__ import annotations

import random
import re
import sys

import pytest

from bmtools.model import BLOCK_REF, PAGE_REF, TAG
from bmtools.syntax import inline
from bmtools.syntax.blocks import body, markdown
from bmtools.syntax.inline import RefSink, refs_in, scan_line
from bmtools.syntax.properties import PROPERTY_LINE, parse_value

PATHOLOGICAL = {
    "page-ref openers": "[[",
    "macro openers": "{{",
    "tag openers": "#[[",
    "openers with text": "[[a ",
    "nested, unclosed": "[[x [[",
    "block-ref openers": "((",
    "emphasis around tags": "_#x_ ",
    "bold around tags": "**#x ",
    "links without end": "[x](",
    "word before a URL": "aaaaaaaaaa",
    "macro with braces": "{{a #{",
}
N = 2000


def calls_during(text: str) -> int:
    """Python and C function calls made while reading ``text``: a per-character loop or a
    search repeated from every opener shows up here as work growing faster than the text."""
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        refs_in(text)
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize("pattern", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_reading_a_pathological_line_grows_linearly(pattern):
    tail = " http://example.org/#x ]] }}"  # closers far away, and a URL: the worst case
    small = pattern * N + tail
    large = pattern * (4 * N) + tail
    before = inline.WORK
    refs_in(small)
    work_small = inline.WORK - before
    before = inline.WORK
    refs_in(large)
    work_large = inline.WORK - before
    assert work_large <= 4.5 * work_small + 100, (work_small, work_large)
    calls_small, calls_large = calls_during(small), calls_during(large)
    assert calls_large <= 4.5 * calls_small + 100, (calls_small, calls_large)


def test_searches_are_remembered_per_text():
    """Each search continues where an earlier one ended: all of a line's searches cost one
    pass over it (here: 8,000 openers, one closer at the end)."""
    text = "[[" * 8000 + "]]"
    before = inline.WORK
    refs_in(text)
    assert inline.WORK - before <= 4 * len(text)


def test_nested_refs_are_read_to_a_bounded_depth():
    deep = "[[a " * 40 + "]]" * 40
    refs, _ = refs_in(deep)
    assert len({r.target for r in refs}) <= inline.NESTED_DEPTH + 2
    refs, _ = refs_in("[[a [[b [[c]]]]]]")
    assert {r.target for r in refs} == {"a [[b [[c]]]]", "b [[c]]", "c"}


def test_emphasis_spans_are_the_regex_spans():
    """The linear emphasis reader finds exactly what the regex it replaced found."""
    rng = random.Random(7)
    alphabet = "a1é_*~=^#\t\n .x"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert inline.emphasis_spans(text) == [m.span() for m in inline._EMPHASIS.finditer(text)]


LAZY = {  # the value patterns before they were made greedy (quadratic on long blank runs)
    "property": (r"([ \t]*)([^\s:]+)::(?:[ \t]*$|[ \t]+(.*?)[ \t]*$)", PROPERTY_LINE),
    "org property": (r"[ \t]*:([^\s:]+):[ \t]*(.*?)[ \t]*$", body.ORG_PROPERTY),
    "directive": (r"#\+([A-Za-z][\w-]*):[ \t]*(.*?)[ \t]*$", body.DIRECTIVE),
    "front matter": (r"([^\s:][^:]*):[ \t]*(.*?)[ \t]*$", markdown._FRONT_MATTER_LINE),
}


@pytest.mark.parametrize("name", LAZY)
def test_greedy_value_patterns_read_what_the_lazy_ones_read(name):
    old, new = re.compile(LAZY[name][0]), LAZY[name][1]
    rng = random.Random(11)
    alphabet = "ab :\t#+\r\n\f-"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        for method in ("match", "fullmatch"):
            a, b = getattr(old, method)(text), getattr(new, method)(text)
            assert (a and [a.span(i) for i in range(old.groups + 1)]) == (
                b and [b.span(i) for i in range(new.groups + 1)]
            ), (name, method, text)


def test_url_scheme_starts_where_its_word_starts():
    """A URL's scheme is a whole word of letters and digits (each word tried once: a long word
    before "://" costs its length), and a URL starts only where Logseq starts an element: not
    glued to "+" or "(" (those refs are read), after a space yes (those are hidden)."""
    text = "see xhttp://a.org/[[a]] and mailto://b/[[b]] and a.b+c://d/[[c]] (http://e/[[d]])"
    refs, _ = refs_in(text)
    assert [r.target for r in refs] == ["c", "d"]


# -- counted on the line itself ---------------------------------------------------------------
# The counters above live in the code they count. These count from outside: the line is a str
# subclass that adds up the characters each string search on it examines (``find`` from an
# opener to its hit or to the end, slices, ``in``), besides the calls ``sys.setprofile`` sees.
# The old ``match_page_ref`` (a ``find`` of "]]" from every "[[") fails them; work inside one C
# regex call is invisible to both counters, which is what bench/bench_hostile.py times.

UUID = "6583a1b2-1111-4222-8333-444455556666"


class Tally(str):
    """A line that counts the characters its own string searches examine."""

    examined = 0

    def _add(self, n: int) -> None:
        Tally.examined += max(n, 1)

    def find(self, sub, start=0, end=None):  # type: ignore[override]
        hit = str.find(self, sub, start, end)
        stop = len(self) if end is None else min(end, len(self))
        self._add((hit + len(sub) if hit >= 0 else stop) - (start or 0))
        return hit

    def rfind(self, sub, start=0, end=None):  # type: ignore[override]
        hit = str.rfind(self, sub, start, end)
        stop = len(self) if end is None else min(end, len(self))
        self._add(stop - (hit if hit >= 0 else (start or 0)))
        return hit

    def index(self, sub, start=0, end=None):  # type: ignore[override]
        hit = self.find(sub, start, end)
        if hit < 0:
            raise ValueError(sub)
        return hit

    def count(self, sub, start=0, end=None):  # type: ignore[override]
        stop = len(self) if end is None else min(end, len(self))
        self._add(stop - (start or 0))
        return str.count(self, sub, start, end)

    def startswith(self, prefix, start=0, end=None):  # type: ignore[override]
        self._add(max(map(len, prefix)) if isinstance(prefix, tuple) else len(prefix))
        return str.startswith(self, prefix, start, end)

    def endswith(self, suffix, start=0, end=None):  # type: ignore[override]
        self._add(max(map(len, suffix)) if isinstance(suffix, tuple) else len(suffix))
        return str.endswith(self, suffix, start, end)

    def __contains__(self, sub) -> bool:  # type: ignore[override]
        hit = str.find(self, sub)
        self._add(hit + len(sub) if hit >= 0 else len(self))
        return hit >= 0

    def __getitem__(self, key):  # type: ignore[override]
        part = str.__getitem__(self, key)
        self._add(len(part))
        return part

    def lower(self) -> str:  # type: ignore[override]
        self._add(len(self))
        return str.lower(self)

    def split(self, *args, **kwargs):  # type: ignore[override]
        self._add(len(self))
        return str.split(self, *args, **kwargs)

    def strip(self, *args):  # type: ignore[override]
        self._add(len(self))
        return str.strip(self, *args)


def work(text: str) -> int:
    """Calls made plus characters examined while scanning ``text`` as one line."""
    Tally.examined = 0
    line = Tally(text)
    calls = 0

    def count(frame, event, arg) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sink = RefSink([], [])
    sys.setprofile(count)
    try:
        scan_line(line, 1, 0, sink)
    finally:
        sys.setprofile(None)
    return calls + Tally.examined


# Each family repeats one unit; "closed" adds closers for every opener kind after the run, and
# "markdown" also makes the line take the Markdown route (a link opener, "](").
UNITS = [
    "[[",
    "#[[",
    "((",
    "{{",
    "{{{",
    "[",
    "]]",
    "`",
    "``",
    "$",
    "$$",
    "<",
    "<span>",
    "<a:",
    "<!--",
    "\\(",
    "[[a",
    "[[[",
    "[[a]",
    "[[ [[a]]",
    "[a [",
    "[x](",
    "![",
    "#",
    "#t ",
    "**#a ",
    " _#a",
    "~~#a ",
    "http://x/#a[[b ",
    "[[a, ",
    f"(({UUID}",
    "[[a #b ((c {{d `e $f <g [h](i \\j **k ~~l ",
]
CLOSERS = " ]] }} }}} ) )) ` `` $ $$ </span> --> \\) > "


def _line(unit: str, n: int, variant: str) -> str:
    text = unit * n
    if variant == "closed":
        text += CLOSERS
    elif variant == "markdown":
        text += CLOSERS + "[x](y.md) ](z)"
    return text


@pytest.mark.parametrize("variant", ["alone", "closed", "markdown"])
@pytest.mark.parametrize("unit", UNITS)
def test_four_times_the_openers_cost_about_four_times_the_work(unit: str, variant: str) -> None:
    n = 400
    small = work(_line(unit, n, variant))
    large = work(_line(unit, 4 * n, variant))
    assert large <= 5 * small, f"{unit!r} {variant}: work {small} -> {large} for 4x the openers"


def test_the_old_quadratic_page_ref_search_is_what_the_count_catches() -> None:
    """The counter sees a search from every opener: the old reading of ``[[``, written out."""

    def old_style(text: str) -> None:
        for m in re.finditer(r"\[\[", text):
            text.find("]]", m.start() + 2)

    def counted(n: int) -> int:
        Tally.examined = 0
        old_style(Tally("[[" * n))
        return Tally.examined

    assert counted(1600) > 10 * counted(400)


def test_a_five_megabyte_line_of_one_opener_scans_in_one_pass() -> None:
    """The issue's line, at full size: a few passes over it (each "is there a … in it" test
    is one), never a search from every opener (counted, not timed)."""
    text = "[[" * 2_500_000  # 5 MB
    Tally.examined = 0
    scan_line(Tally(text), 1, 0, RefSink([], []))
    assert Tally.examined <= 10 * len(text)


def test_nesting_thousands_deep_is_read_to_the_bounded_depth() -> None:
    depth = 5000
    text = "[[" * depth + "a" + "]]" * depth
    refs, _ = refs_in(text)
    assert refs[0].kind == PAGE_REF and refs[0].text == text[2:-2]
    assert len(refs) == inline.MAX_NESTING + 1
    assert refs_in("[[a [[b [[c]]]]]]")[0][-1].target == "c"


def test_a_long_comma_separated_value_splits_in_linear_work() -> None:
    def value_work(n: int) -> int:
        raw = "[[a, b]], c, #d, " * n
        Tally.examined = 0
        calls = 0

        def count(frame, event, arg) -> None:
            nonlocal calls
            calls += event in ("call", "c_call")

        sys.setprofile(count)
        try:
            value, _ = parse_value("tags", Tally(raw), 1, 0)
        finally:
            sys.setprofile(None)
        assert value
        return calls + Tally.examined

    assert value_work(1600) <= 5 * value_work(400)


# -- the tables agree with the plain readings they replace -------------------------------------


def _nested_by_characters(text: str, i: int) -> int:
    """The reading of ``[[…]]`` one character at a time (the old loop): its end, or -1."""
    depth = 0
    j = i
    while j < len(text) - 1:
        pair = text[j : j + 2]
        if pair == "[[":
            depth += 1
            j += 2
            continue
        if pair == "]]":
            depth -= 1
            j += 2
            if depth == 0:
                return j
            continue
        if text[j] == "\n":
            return -1
        j += 1
    return -1


def test_page_ref_nesting_agrees_with_reading_character_by_character() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(
            rng.choice(["[[", "]]", "[", "]", "a", " ", "[[[", "]]]"]) for _ in range(12)
        )
        line = inline.Line(text)
        for m in re.finditer(r"(?=\[\[)", text):
            i = m.start()
            hit = line.page_ref(i)
            end = _nested_by_characters(text, i)
            inner = text[i + 2 : end - 2] if end > 0 else ""
            expected = end if end > 0 and inline.is_page_name(inner) else -1
            assert (hit[0] if hit else -1) == expected, (text, i)


def test_refs_inside_markdown_are_found_once_and_in_place() -> None:
    text = f"`[[code]]` [[a]] $[[m]]$ #t [l]([[P]]) (({UUID})) {{{{embed [[E]]}}}} <b>[[h]]</b>"
    refs, macros = refs_in(text)
    assert [(r.kind, r.target, r.col) for r in refs] == [
        (PAGE_REF, "a", 12),
        (TAG, "t", 26),
        (PAGE_REF, "p", 33),
        (BLOCK_REF, UUID, 40),
        ("page-embed", "e", 81),
    ]
    assert [m.name for m in macros] == ["embed"]
