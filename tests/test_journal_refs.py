"""The journal-ref resolver is a parameter of the readers, not hidden state: what a reader is
given decides whether a ref to a journal day gets the journal page's name, on every route the
text takes (block text, drawer properties, comma-separated values, page properties)."""

from __future__ import annotations

from bmtools.loader import read_pages
from bmtools.model import Config, Page
from bmtools.syntax.blocks import parse_outline
from bmtools.syntax.inline import JournalRefs, refs_in
from bmtools.syntax.properties import parse_value

PAGE = (
    "day:: [[2024-01-04]]\n"
    "\n"
    "- on [[2024-01-05]] and #[[Jan 7th, 2024]]\n"
    "  when:: [[2024-01-08]]\n"
    "  tags:: 2024-01-09, [[Plan]]\n"
)


def targets(text: str, journals: JournalRefs | None) -> list[str]:
    page = Page(name="p", title="p", file="pages/p.md", source=text)
    parse_outline(page, Config(), [], journals)
    return [r.target for b in page.blocks for r in b.refs if r.kind != "property"]


def test_a_reader_given_a_resolver_names_journal_days_canonically():
    got = targets(PAGE, JournalRefs("MMM do, yyyy"))
    assert got == [
        "jan 4th, 2024",
        "jan 5th, 2024",
        "jan 7th, 2024",
        "jan 8th, 2024",
        "jan 9th, 2024",
        "plan",
    ]


def test_a_reader_without_one_keeps_targets_as_written():
    assert targets(PAGE, None) == [
        "2024-01-04",
        "2024-01-05",
        "jan 7th, 2024",
        "2024-01-08",
        "2024-01-09",
        "plan",
    ]
    # parsing with a resolver first leaves nothing behind for a later reader without one
    targets(PAGE, JournalRefs("MMM do, yyyy"))
    assert targets(PAGE, None)[0] == "2024-01-04"


def test_text_helpers_take_the_resolver_too():
    iso = JournalRefs("yyyy-MM-dd")
    refs, _ = refs_in("see [[2024_01_05]]", journals=iso)
    assert [r.target for r in refs] == ["2024-01-05"]
    assert [r.target for r in refs_in("see [[2024_01_05]]")[0]] == ["2024_01_05"]
    value, refs = parse_value("tags", "2024_01_06, x", 1, 0, journals=iso)
    assert (value, [r.target for r in refs]) == (["2024_01_06", "x"], ["2024-01-06", "x"])
    _, refs = parse_value("on", "[[2024_01_07]]", 1, 0, journals=iso)
    assert [r.target for r in refs] == ["2024-01-07"]


def test_read_pages_reads_journal_refs_as_load_graph_does(make_graph, tmp_path):
    files = {
        "pages/p.md": "- [[2024_01_05]] [[2024-01-06]]\n  on:: [[2024_01_07]]\n",
        "journals/2024_01_05.md": "- x\n",
    }
    graph = make_graph(files, config='{:journal/page-title-format "yyyy-MM-dd"}')
    loaded = graph.pages["p"]
    page, _ = read_pages(graph.root, ["pages/p.md"], graph.config)["pages/p.md"]
    assert page is not None
    assert [r.target for b in page.blocks for r in b.refs] == [
        r.target for b in loaded.blocks for r in b.refs
    ]
    assert [r.target for r in loaded.blocks[0].refs if r.kind == "page-ref"] == [
        "2024-01-05",
        "2024-01-06",
        "2024-01-07",
    ]
