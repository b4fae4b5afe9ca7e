"""§9: what hand-made graphs of this field look like, and the real seed artifact page."""

from __future__ import annotations

import unicodedata

from bmtools.items import extract_items
from bmtools.metamodel import load_metamodel, read_artifact
from bmtools.model import PAGE_EMBED
from tests.conftest import FIXTURES

TRIPLE = "{:file/name-format :triple-lowbar}"


def test_seed_artifact_page_reads_like_logseq(make_graph):
    seed = (FIXTURES / "seed_milestones_info.md").read_text(encoding="utf-8")
    graph = make_graph({"pages/milestones___info.md": seed}, TRIPLE)
    page = graph.pages["milestones/info"]
    assert page.namespace == "milestones"
    assert page.prop("page-type") == ["artifact info"]
    assert page.prop("xbok-type") == "internal"
    assert page.prop("item-classes") == ["milestone"]
    assert page.prop("weight") == 40
    assert page.prop("relations") == "[[]]"
    # The mojibake is kept as written (UTF-8 read as Mac Roman); lint reports it.
    assert page.prop("icon") == "\uf8ffüßø"
    assert page.prop("icon").encode("mac_roman").decode("utf-8") == "🧿"
    headings = [b.title for b in page.blocks if b.heading == 2]
    assert len(headings) == 8 and headings[0].endswith("Definition")
    embeds = [r.target for b in page.blocks for r in b.refs if r.kind == PAGE_EMBED]
    assert embeds[0] == "milestone"
    assert "milestones/examples/underwater restaurant" in embeds and len(embeds) == 6
    examples = next(b for b in page.blocks if b.title.endswith("Examples"))
    assert [page.blocks[i].heading for i in examples.children] == [3] * 5
    artifact = read_artifact(graph, page)
    assert set(artifact.sections) >= {
        "definition",
        "content type",
        "keys",
        "innCoPilot",
        "description",
        "examples",
        "topics",
        "tools",
    }


def test_several_items_in_one_block(make_graph):
    text = (
        "- #milestone [[Prototype ready]]\n  Build the first prototype.\n"
        "  #milestone [[First 100 customers]]\n"
        "  Reach a hundred paying customers.\n  Track churn.\n"
    )
    graph = make_graph({"pages/notes.md": text})
    items = extract_items(graph, load_metamodel(graph))
    assert [(i.title, i.line, i.legacy) for i in items] == [
        ("Prototype ready", 1, True),
        ("First 100 customers", 3, True),
    ]
    assert items[1].description == "Reach a hundred paying customers.\nTrack churn."


def test_tabs_and_spaces_mixed(page_of):
    # A tab counts as one character: "  - c" (2) is deeper than "\t- b" (1), the trap of §9.
    page = page_of("- a\n\t- b\n\t  b2:: x\n  - c\n\t\t- d\n- e")
    a, b, c, d, e = page.blocks
    assert b.parent == a.index and c.parent == b.index and d.parent == b.index
    assert b.properties["b2"].value == "x"
    assert e.parent is None


def test_indented_first_bullet(page_of):
    page = page_of("   - first\n   - second\n     - child")
    first, second, child = page.blocks
    assert not any(b.pre_block for b in page.blocks)
    assert first.parent is None and second.parent is None and child.parent == second.index


def test_both_info_page_name_styles(make_graph):
    graph = make_graph({"pages/a___info.md": "- x", "pages/b_info.md": "- y"}, TRIPLE)
    assert {p.title for p in graph.pages.values() if p.file} == {"a/info", "b_info"}
    assert graph.pages["a"].kind == "implied-namespace"


def test_empty_file_and_whitespace_file(make_graph):
    graph = make_graph({"pages/empty.md": "", "pages/blank.md": "\n\n"})
    assert graph.pages["empty"].blocks == []
    assert graph.pages["blank"].blocks[0].pre_block
    assert [d for d in graph.diagnostics if d.severity != "info"] == []


def test_non_ascii_file_names_are_nfc(make_graph):
    nfd = unicodedata.normalize("NFD", "Lucía Ferrer")
    graph = make_graph({f"pages/{nfd}.md": "- x", "pages/Ünïcödé ✓.md": "- [[lucía ferrer]]"})
    assert "lucía ferrer" in graph.pages
    assert graph.resolve("LUCÍA FERRER").title == "Lucía Ferrer"
    assert "ünïcödé ✓" in graph.pages


def test_crlf_reads_like_lf(page_of):
    page = page_of("title:: T\r\n\r\n- a\r\n  k:: v\r\n\t- b [[x]]\r\n")
    a, b = [x for x in page.blocks if not x.pre_block]
    assert page.title == "T" and a.properties["k"].value == "v" and a.title == "a"
    assert b.parent == a.index and b.refs[0].target == "x"


def test_code_fences_are_opaque(page_of):
    page = page_of("- a\n  ```python\n  - not a block\n  k:: v [[no]]\n  ```\n  after [[yes]]\n- b")
    a, b = page.blocks
    assert [r.target for r in a.refs] == ["yes"]
    assert a.properties == {} and not a.ignored_properties
    assert b.title == "b"


def test_ref_positions_point_at_the_source(page_of):
    text = "- intro\n\t- TODO see [[Alpha]] and #beta\n\t  owner:: [[Gamma]]\n"
    page = page_of(text)
    lines = text.split("\n")
    for block in page.blocks:
        for ref in block.refs:
            line = lines[ref.line - 1]
            if ref.kind in ("page-ref", "tag") and ref.property is None and ref.text != "TODO":
                assert line[ref.col - 1] in "[#", (ref, line)
    owner = page.blocks[1].properties["owner"]
    assert (owner.line, lines[owner.line - 1][owner.col - 1 :]) == (3, "[[Gamma]]")


def test_fidelity_check_runs_on_every_loaded_page(make_graph, every_page_reassembles):
    before = len(every_page_reassembles)
    make_graph({"pages/a.md": "- x\r\n\t- y\n", "pages/b.md": "title:: B\n\n- z"})
    assert every_page_reassembles[before:] == ["pages/a.md", "pages/b.md"]
