"""Every scanner is linear in its input (hostile-graph item 7). No test here times anything:
each counts work, on a pathological line of n and of 4n repeats, and asserts it grows no faster
than the input. The wall-clock figures for 5 MB lines are in bench/bench_hostile.py."""

from __future__ import annotations

import random
import re
import sys

import pytest

from bmtools.syntax import inline
from bmtools.syntax.blocks import body, markdown
from bmtools.syntax.inline import refs_in
from bmtools.syntax.properties import PROPERTY_LINE

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
    before = "see xhttp://a.org and mailto://b and a.b+c://d"
    assert [m.group() for m in inline._BARE_URL.finditer(before)] == [
        "xhttp://a.org",
        "mailto://b",
        "a.b+c://d",
    ]
