"""The test vectors of logseq-format §8: what Logseq 0.10.15 reads from each input."""

from __future__ import annotations

import datetime as dt

import pytest

from bmtools.model import BLOCK_EMBED, BLOCK_REF, NAMESPACE, PAGE_EMBED, PAGE_REF, PROPERTY, TAG
from bmtools.names import title_from_file_stem

UUID = "6583a1b2-1111-4222-8333-444455556666"


def first_block(page):
    return next(b for b in page.blocks if not b.pre_block)


def ref_targets(block, kinds=(PAGE_REF, TAG, PAGE_EMBED, NAMESPACE)):
    return [r.target for r in block.refs if r.kind in kinds]


# 1–6: page identity and page properties -------------------------------------------------------


def test_01_title_and_aliases(page_of):
    page = page_of("title:: My Page\nalias:: foo, [[bar]]\n\n- x")
    assert (page.title, page.name) == ("My Page", "my page")
    assert page.aliases == ["foo", "bar"]


def test_02_title_in_first_bullet_is_a_block_property(page_of):
    page = page_of("- title:: Bar\n- b", name="foo")
    assert page.title == "foo"
    assert page.blocks[0].properties["title"].value == "Bar"
    assert "title" not in page.properties


def test_03_leading_blank_line_ignores_title_keeps_alias(make_graph):
    graph = make_graph({"pages/w.md": "\ntitle:: Bar\nalias:: z\n- a"})
    page = graph.pages["w"]
    assert page.title == "w"
    assert page.aliases == ["z"]
    assert graph.aliases["z"] == "w"
    assert any(d.code == "BM021" and d.line == 2 for d in graph.diagnostics)


def test_04_front_matter_values_are_raw_strings(page_of):
    page = page_of("---\ntitle: FM\ntags: [a, b]\n---\n- a", name="x")
    assert page.title == "FM"
    assert page.tags == ["[a", "b]"]


def test_05_front_matter_with_a_block_list_is_dropped(make_graph):
    graph = make_graph({"pages/x.md": "---\ntitle: X\ntags:\n  - a\n---\n- b"})
    page = graph.pages["x"]
    assert page.properties == {}
    assert page.title == "x"
    diag = next(d for d in graph.diagnostics if d.code == "BM020")
    assert diag.message.endswith("(lost: title, tags)") and diag.line == 1


def test_06_directives_anywhere_at_top_level(page_of):
    page = page_of("#+title: Dir\n- a\n#+alias: late", name="d")
    assert page.title == "Dir"
    assert page.aliases == ["late"]


# 7–14: block properties -----------------------------------------------------------------------


def test_07_only_the_first_drawer_counts(page_of):
    block = first_block(page_of("- b\n  k1:: v1\n  more\n  k2:: v2"))
    assert set(block.properties) == {"k1"}
    assert [p.key for p in block.ignored_properties] == ["k2"]
    block = first_block(page_of("- b\n  key::value"))
    assert block.properties == {}
    assert "key::value" in block.content


def test_08_keys_normalised_and_invalid_keys_kept_aside(page_of):
    block = first_block(page_of("- b\n  Foo_Bar:: x\n  a(b:: z\n  a,b:: v\n  custom_id:: q"))
    assert set(block.properties) == {"foo-bar", "id"}
    assert block.properties["foo-bar"].raw_key == "Foo_Bar"
    assert [p.raw_key for p in block.invalid_properties] == ["a(b", "a,b"]


def test_09_value_types(page_of):
    block = first_block(
        page_of("- b\n  n:: 007\n  f:: 1.5\n  b:: true\n  c:: TRUE\n  e::\n  e2:: [[]]")
    )
    values = {k: p.value for k, p in block.properties.items()}
    assert values == {"n": 7, "f": "1.5", "b": True, "c": "TRUE", "e": "", "e2": "[[]]"}


def test_10_value_with_refs_is_the_set_of_names(page_of):
    block = first_block(page_of("- b\n  d:: [[Logseq]] is the fastest #triples #[[text editor]]"))
    assert block.properties["d"].value == ["Logseq", "triples", "text editor"]


def test_11_comma_parts_without_refs_are_lost_unless_configured(make_graph):
    text = "- b\n  m:: [[m1]], m2, #m3"
    graph = make_graph({"pages/p.md": text})
    assert first_block(graph.pages["p"]).properties["m"].value == ["m1", "m3"]
    graph = make_graph({"pages/p.md": text}, config="{:property/separated-by-commas #{:m}}")
    assert first_block(graph.pages["p"]).properties["m"].value == ["m1", "m2", "m3"]


def test_12_tags_split_and_quoted_values(page_of):
    block = first_block(page_of('- b\n  tags:: [[t a]], t b, #tc\n  q:: "[[x]]"'))
    assert block.properties["tags"].value == ["t a", "t b", "tc"]
    assert block.properties["q"].value == '"[[x]]"'
    assert "x" not in ref_targets(block)


def test_13_unparsed_title_and_urls(make_graph):
    graph = make_graph({"pages/t.md": "title:: [[tt]]\n\n- b\n  u:: https://x.com/[[p]]"})
    assert "[[tt]]" in graph.pages
    block = first_block(graph.pages["[[tt]]"])
    assert block.properties["u"].value == "https://x.com/[[p]]"
    assert "p" not in ref_targets(block)


def test_14_property_keys_are_pages_unless_disabled(make_graph):
    graph = make_graph({"pages/p.md": "- a\n  rating:: 5"})
    assert [(r.kind, r.target) for r in first_block(graph.pages["p"]).refs] == [
        (PROPERTY, "rating")
    ]
    graph = make_graph({"pages/p.md": "- a\n  rating:: 5"}, "{:property-pages/enabled? false}")
    assert first_block(graph.pages["p"]).refs == []


# 15–19: references ----------------------------------------------------------------------------


def test_15_tags(page_of):
    block = first_block(page_of("- #tag, #tag. (#p) x#mid #a/b/c C# (C#) **#b** ~~#s~~ #a.b."))
    assert set(ref_targets(block)) == {"tag", "p)", "mid", "a", "a/b", "a/b/c", ")", "a.b"}
    assert "b" not in ref_targets(block) and "s" not in ref_targets(block)


def test_16_page_refs(page_of):
    block = first_block(page_of("- [[a [[b]]]] [[ Foo ]] [[/s/]] [[]] [[https://e.com]]"))
    assert set(ref_targets(block, (PAGE_REF,))) == {"a [[b]]", "b", " foo ", "s", "https://e.com"}


def test_17_no_refs_in_code_math_links_macros_comments(page_of):
    text = (
        "- `[[c]]` $[[m]]$ [l](https://x/[[u]]) ![i](../assets/a.png) [x](some page) "
        "{{query [[q]]}} <!-- [[h]] -->"
    )
    block = first_block(page_of(text))
    assert block.refs == []
    assert [m.name for m in block.macros] == ["query"]


def test_18_link_forms_emphasis_and_quotes(page_of):
    block = first_block(page_of(f"- [l]([[P]]) [b]((({UUID}))) **[[bold]]**\n  > [[bq]]"))
    assert set(ref_targets(block)) == {"p", "bold", "bq"}
    assert ref_targets(block, (BLOCK_REF,)) == [UUID]


def test_19_embeds_and_other_macros(page_of):
    block = first_block(
        page_of(f"- {{{{embed [[P]]}}}} {{{{embed (({UUID}))}}}} {{{{renderer :x, [[r]]}}}}")
    )
    assert [(r.kind, r.target) for r in block.refs] == [(PAGE_EMBED, "p"), (BLOCK_EMBED, UUID)]
    assert [m.name for m in block.macros] == ["embed", "embed", "renderer"]


# 20–23: tasks, dates, ids ---------------------------------------------------------------------


def test_20_markers_and_priorities(page_of):
    block = first_block(page_of("- TODO [#A] x"))
    assert (block.marker, block.priority, block.title) == ("TODO", "A", "x")
    assert set(ref_targets(block)) == {"todo", "a"}
    for text in ("- todo x", "- TODOx"):
        assert first_block(page_of(text)).marker is None
    block = first_block(page_of("- TODO [#AB] l"))
    assert block.priority is None
    assert ref_targets(block, (TAG,)) == ["ab]"]


def test_21_scheduled_and_deadline(page_of):
    block = first_block(
        page_of("- TODO m\n  SCHEDULED: <2024-01-01 Mon 10:00 .+1d>\n  DEADLINE: <2024-02-01 Thu>")
    )
    assert block.scheduled.date == dt.date(2024, 1, 1)
    assert block.scheduled.repeater == ".+1d" and block.scheduled.time == "10:00"
    assert block.deadline.date == dt.date(2024, 2, 1)
    assert first_block(page_of("- TODO m\n  SCHEDULED: <2024-01-01>")).scheduled is None


def test_22_timestamp_after_text_is_ignored(page_of):
    assert first_block(page_of("- a\n  text\n  SCHEDULED: <2024-01-01 Mon>")).scheduled is None


def test_23_duplicate_ids_in_one_file(make_graph):
    graph = make_graph({"pages/p.md": f"- y\n  id:: {UUID}\n- z\n  id:: {UUID}\n- w\n  id:: nope"})
    y, z, w = graph.pages["p"].blocks
    assert (y.uuid, z.uuid, w.uuid) == (UUID, None, None)
    assert w.properties["id"].value == "nope"
    assert graph.block(UUID)[1] is y
    assert any(d.code == "BM010" and d.line == 3 for d in graph.diagnostics)


# 24–25: outline -------------------------------------------------------------------------------


def test_24_nesting_jumps(page_of):
    a, b, c, d, e = page_of("- a\n      - b\n   - c\n - d\n- e").blocks
    assert [x.parent for x in (b, c, d)] == [a.index] * 3
    assert e.parent is None and a.children == [1, 2, 3]


def test_25_heading_line_splits_the_block(page_of):
    a, h = page_of("- a\n  # H\nplain").blocks
    assert (a.parent, h.parent, a.content, h.content, h.heading) == (
        None,
        None,
        "a",
        "# H\nplain",
        1,
    )
    assert first_block(page_of("- ## x")).heading == 2


# 26–28: journals and namespaces ---------------------------------------------------------------


def test_26_journal_files_and_journal_refs(make_graph):
    graph = make_graph({"journals/2024_01_05.md": "- [[2024-01-07]] [[jan 6th, 2024]]"})
    page = graph.pages["jan 5th, 2024"]
    assert (page.title, page.kind, page.journal_day) == (
        "Jan 5th, 2024",
        "journal",
        dt.date(2024, 1, 5),
    )
    assert ref_targets(page.blocks[0]) == ["jan 7th, 2024", "jan 6th, 2024"]


def test_27_journal_title_format(make_graph):
    graph = make_graph(
        {"journals/2024_01_05.md": "- x"}, config='{:journal/page-title-format "yyyy-MM-dd"}'
    )
    assert list(graph.pages) == ["2024-01-05"]


def test_28_namespace_parents_exist(make_graph):
    graph = make_graph({"pages/leaf.md": "title:: Proj/Sub/Leaf\n\n- x"})
    leaf = graph.pages["proj/sub/leaf"]
    assert leaf.namespace == "proj/sub"
    assert graph.pages["proj"].kind == graph.pages["proj/sub"].kind == "implied-namespace"
    assert graph.pages["proj/sub"].namespace == "proj"


# 29: file names -------------------------------------------------------------------------------

FILE_NAMES = [
    ("a___b", "a___b", "a/b"),
    ("a.b", "a/b", "a.b"),
    ("a%2Fb", "a/b", "a/b"),
    ("New to Logseq%3F", "New to Logseq?", "New to Logseq?"),
    ("A%5F%5F%5FB", "A___B", "A___B"),
    ("100%", "100%", "100%"),
]


@pytest.mark.parametrize(("stem", "legacy", "triple"), FILE_NAMES)
def test_29_file_names(stem, legacy, triple):
    assert title_from_file_stem(stem, "legacy") == legacy
    assert title_from_file_stem(stem, "triple-lowbar") == triple


@pytest.mark.parametrize(("stem", "legacy", "triple"), FILE_NAMES)
def test_29_file_names_in_a_loaded_graph(make_graph, stem, legacy, triple):
    for config, title in ((None, legacy), ("{:file/name-format :triple-lowbar}", triple)):
        graph = make_graph({f"pages/{stem}.md": "- x"}, config)
        assert [p.title for p in graph.pages.values() if p.file] == [title]


def test_html_rendering_escapes_raw_html_and_renders_refs():
    from bmtools.syntax.mdit import render_html

    out = render_html("<script>alert(1)</script> see [[Plan]] #tag and `[[code]]`")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<a class="page-ref" data-page="plan">Plan</a>' in out
    assert '<a class="tag" data-page="tag">#tag</a>' in out
    assert "<code>[[code]]</code>" in out
