"""Org-mode pages are read into the same model as Markdown pages.

Expected values are Logseq 0.10.15's reading of these very pages (its graph-parser, run once):
facts about Logseq, written out. Where bmtools keeps more (a block's title, a property's line)
the test says so."""

from __future__ import annotations

import datetime as dt

from bmtools.lint import Settings
from bmtools.lint.engine import lint_graph
from tests.conftest import load, write_graph

PLAN = """#+TITLE: Launch Plan
#+ALIAS: launch, go-live
#+TAGS: project

Intro text before any headline with [[Intro Ref]].

* TODO [#A] First headline about [[Beta]] and #tag1
  SCHEDULED: <2026-12-10 Thu>
  :PROPERTIES:
  :owner: [[Amara Okafor]]
  :budget: 1200 EUR
  :id: 6571f2d0-0000-4000-8000-00000000a001
  :END:
  Body line with [[https://example.com][a link]] and [[Gamma][label]]
  and ((6571f2d0-0000-4000-8000-00000000a002))
** DONE Child headline :tagA:tagB:
   DEADLINE: <2026-12-20 Sun>
*** Grandchild with {{embed [[Delta]]}}
* Second top
- a dash line is text in Org
* Third with id
  :PROPERTIES:
  :ID: 6571f2d0-0000-4000-8000-00000000a002
  :END:
"""
JOURNAL = "* Morning notes [[Launch Plan]]\n** nested item\n"


def org_graph(tmp_path):
    root = write_graph(
        tmp_path / "g", {"pages/plan.org": PLAN, "journals/2026_12_01.org": JOURNAL}, "{}\n"
    )
    return load(root)


def test_title_aliases_and_tags_come_from_directives(tmp_path):
    page = org_graph(tmp_path).pages["launch plan"]
    assert (page.title, page.format) == ("Launch Plan", "org")
    assert page.aliases == ["launch", "go-live"]
    assert page.tags == ["project"]
    assert {k: p.value for k, p in page.properties.items()} == {
        "title": "Launch Plan",
        "alias": ["launch", "go-live"],
        "tags": ["project"],
    }


def test_headlines_are_blocks_nested_by_their_stars(tmp_path):
    page = org_graph(tmp_path).pages["launch plan"]
    shape = [(b.pre_block, b.level, b.parent, b.content.split("\n")[0]) for b in page.blocks]
    assert shape == [
        (True, 0, None, "#+TITLE: Launch Plan"),
        (False, 1, None, "TODO [#A] First headline about [[Beta]] and #tag1"),
        (False, 2, 1, "DONE Child headline :tagA:tagB:"),
        (False, 3, 2, "Grandchild with {{embed [[Delta]]}}"),
        (False, 1, None, "Second top"),
        (False, 1, None, "Third with id"),
    ]
    # Other lines belong to the headline before them, with their indentation (as in Logseq)
    assert (
        page.blocks[2].content == "DONE Child headline :tagA:tagB:\n   DEADLINE: <2026-12-20 Sun>"
    )
    assert page.blocks[4].content == "Second top\n- a dash line is text in Org"


def test_markers_priority_planning_drawers_and_ids(tmp_path):
    blocks = org_graph(tmp_path).pages["launch plan"].blocks
    first, child, third = blocks[1], blocks[2], blocks[5]
    assert (first.marker, first.priority) == ("TODO", "A")
    assert first.scheduled.date == dt.date(2026, 12, 10)
    assert child.marker == "DONE" and child.deadline.date == dt.date(2026, 12, 20)
    assert {k: p.value for k, p in first.properties.items()} == {
        "owner": ["Amara Okafor"],
        "budget": "1200 EUR",
        "id": "6571f2d0-0000-4000-8000-00000000a001",
    }
    assert first.uuid == "6571f2d0-0000-4000-8000-00000000a001"
    assert third.uuid == "6571f2d0-0000-4000-8000-00000000a002"


def test_refs_as_logseq_reads_them(tmp_path):
    blocks = org_graph(tmp_path).pages["launch plan"].blocks
    refs = [sorted({r.target for r in b.refs}) for b in blocks]
    assert refs == [
        ["go-live", "intro ref", "launch", "project"],
        [
            "6571f2d0-0000-4000-8000-00000000a002",
            "a",
            "amara okafor",
            "beta",
            "budget",
            "gamma",  # [[Gamma][label]] is a ref to Gamma; [[https://…][a link]] is none
            "owner",
            "tag1",
            "todo",
        ],
        ["done", "taga", "tagb"],  # headline tags are tags
        ["delta"],
        [],
        [],
    ]


def test_org_journals_and_refs_into_org_pages_resolve(tmp_path):
    graph = org_graph(tmp_path)
    day = graph.pages["dec 1st, 2026"]
    assert day.kind == "journal" and [b.title for b in day.blocks] == [
        "Morning notes [[Launch Plan]]",
        "nested item",
    ]
    assert day.blocks[1].parent == 0
    found = {d.code for d in lint_graph(graph, Settings(select=["BM101", "BM102", "BM103"]))}
    assert "BM103" not in found  # ((…a002)) is the id of an Org block


def test_a_deeper_first_headline_hangs_under_the_page_properties(tmp_path):
    about = "#+TITLE: About\n\n** Hi there\n*** deeper\n* top again\n** under top\n"
    root = write_graph(tmp_path / "g", {"pages/about.org": about}, "{}\n")
    page = load(root).pages["about"]
    parents = [
        (b.content.split("\n")[0], None if b.parent is None else page.blocks[b.parent].title)
        for b in page.blocks
    ]
    assert [p for _, p in parents] == [None, "", "Hi there", None, "top again"]
    assert page.blocks[1].parent == 0 and page.blocks[0].pre_block


def test_a_headline_that_opens_a_drawer_holds_its_properties(tmp_path):
    """`** :PROPERTIES:` (seen in Logseq's own docs): the headline line starts the drawer."""
    text = (
        "* Parent\n** :PROPERTIES:\n:id: 6571f2d0-0000-4000-8000-00000000b001\n:END:\n"
        "3. Time tracker\n"
    )
    md = "- see {{embed ((6571f2d0-0000-4000-8000-00000000b001))}}\n"
    root = write_graph(tmp_path / "g", {"pages/t.org": text, "pages/m.md": md}, "{}\n")
    graph = load(root)
    block = graph.pages["t"].blocks[1]
    assert block.uuid == "6571f2d0-0000-4000-8000-00000000b001" and block.parent == 0
    assert {k: p.value for k, p in block.properties.items()} == {"id": block.uuid}
    assert [d.code for d in lint_graph(graph, Settings(select=["BM102", "BM103"]))] == []
