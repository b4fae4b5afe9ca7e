"""Hostile values stay inert: no new lines, blocks, properties, refs, tags, macros or tasks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bmtools.loader import load_graph, read_page
from bmtools.model import Config
from bmtools.render.engine import make_environment
from bmtools.render.escape import escape_logseq, page_ref, tag
from bmtools.render.new import new_artifact, new_item

HOSTILE = [
    "line one\nline two",
    "a\r\n- injected block",
    "x\n  evil:: property",
    "owner:: [[Mallory]]",
    "see [[Secret page]] and ((6650a1b2-0000-4000-8000-000000000001))",
    "{{embed [[Secret page]]}} {{query (todo now)}}",
    "- looks like a bullet",
    "# looks like a heading",
    "## also a heading\n# and another",
    "TODO pay me",
    "#tag and x#mid and #[[multi word]]",
    "<!-- hide the rest",
    "id:: 6650a1b2-0000-4000-8000-000000000001",
    "tabs\tand\x00nulls\u2028and separators",
    "```\ncode fence",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_escaped_value_is_one_inert_line(value, tmp_path):
    text = escape_logseq(value)
    assert "\n" not in text and "\r" not in text
    for bad in ("::", "[[", "]]", "((", "{{", "<!--"):
        assert bad not in text
    page_text = f"- {text}\n  description:: {text}\n"
    (tmp_path / "p.md").write_text(page_text, encoding="utf-8")
    page, _ = read_page(tmp_path, "p.md", Config(), None)
    blocks = [b for b in page.blocks if not b.pre_block]
    assert len(blocks) == 1
    block = blocks[0]
    assert not block.refs or {r.kind for r in block.refs} == {"property"}
    assert not block.macros and block.marker is None and block.heading is None
    assert set(block.properties) == {"description"}


def test_escape_is_idempotent_and_keeps_ordinary_text():
    for value in HOSTILE:
        once = escape_logseq(value)
        assert escape_logseq(once) == once
    plain = "Budget: 90,000,000 USD (€ 1.5M), due 2026-03-01 — 100% sure; C# ok"
    assert escape_logseq(plain) == plain
    assert escape_logseq(None) == "" and escape_logseq(True) == "true"


def test_ref_and_tag_filters():
    assert page_ref("Elon Musk") == "[[Elon Musk]]"
    assert page_ref("[[Elon Musk]]") == "[[Elon Musk]]"
    assert page_ref("a]] [[b") == "[[a b]]"
    assert tag("milestone") == "#milestone" and tag("plan review") == "#[[plan review]]"
    with pytest.raises(ValueError):
        page_ref("  ")


def test_every_template_value_is_escaped():
    env = make_environment()
    out = env.from_string("- {{ v }} {{ v|ref }}").render(v="x\n- y [[z]]")
    assert out == "- x - y [ [z] ] [[x - y z]]"


def test_undefined_values_fail_loudly():
    from jinja2.exceptions import UndefinedError

    with pytest.raises(UndefinedError):
        make_environment().from_string("{{ nope }}").render()


def test_hostile_definition_and_item_values_in_pages(tmp_path):
    root = tmp_path / "graph"
    shutil.copytree(Path(__file__).resolve().parent.parent / "graph", root)
    evil = "Bad\n- block\n  owner:: [[Mallory]] {{embed [[x]]}} #tag TODO"
    new_artifact(root, "threats", definition=evil, classes=["milestone"], weight="1",
                 relations=["milestones"])  # fmt: skip
    new_item(
        root,
        "milestone",
        "threats/info",
        {
            "description": evil,
            "due": "2026-01-01",
            "budget": "1 USD",
            "owner": "Ann]] [[Mallory",
            "milestone-type": "implementation",
        },
        title="Hostile",
    )
    graph = load_graph(root)
    page = graph.pages["threats/info"]
    refs = {r.target for b in page.blocks for r in b.refs if r.kind != "property"}
    assert "mallory" not in refs and "x" not in refs and "tag" not in refs
    assert "ann mallory" in refs  # the owner ref, cleaned to one name
    definition = [b for b in page.blocks if b.parent is not None][0]
    assert definition.marker is None and not definition.properties
    item_block = [b for b in page.blocks if b.title.startswith("[[Hostile]]")][0]
    assert set(item_block.properties) == {
        "description",
        "due",
        "budget",
        "owner",
        "milestone-type",
    }


def test_property_keys_are_cleaned():
    from bmtools.render.escape import property_key

    assert property_key("depends-on") == "depends-on"
    assert property_key("My Field") == "My-Field"
    assert property_key("a(b),c") == "abc"
    with pytest.raises(ValueError):
        property_key("#:")
