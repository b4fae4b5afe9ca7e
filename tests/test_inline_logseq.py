"""Inline syntax read as Logseq 0.10.15 reads it (issue 10 items 1, 2, 6, 7, 10, and around).

Each expected value below is what Logseq's own parser (the oracle in shared/oracle, run once
on these pages) stored for the block: its refs, or its property value. Where the issue's text
said otherwise, the oracle's reading is what is asserted, and the test says so.
"""

from __future__ import annotations

import pytest

from bmtools.model import BLOCK_EMBED, BLOCK_REF, PAGE_EMBED, PROPERTY, TAG

UUID = "6583a1b2-1111-4222-8333-444455556666"


def block_refs(page_of, line: str) -> list[str]:
    """The names (or uuids) a one-block page's block refs, sorted like the oracle prints them."""
    page = page_of(f"- {line}\n")
    block = next(b for b in page.blocks if not b.pre_block)
    return sorted({r.target for r in block.refs if r.kind != PROPERTY})


def value_of(page_of, prop_line: str) -> object:
    page = page_of(f"- b\n  {prop_line}\n")
    block = next(b for b in page.blocks if not b.pre_block)
    key = prop_line.split("::")[0].strip().lower()
    return block.properties[key].value


# -- item 1: a "#" inside a Markdown link label is no tag ---------------------------------------


@pytest.mark.parametrize(
    ("line", "refs"),
    [
        ("[#10127](https://github.com/x/y/issues/10127)", []),
        ("[see #x here](https://e.com)", []),
        ("[[BUG] fix #1230](https://e.com)", []),
        ("[a #[[mt]] b](https://e.com)", []),
        ("[a [[pr]] b](https://e.com)", []),  # no ref in a label at all
        ("[a **[[bold]]** b](https://e.com)", []),
        ("[#lab](https://e.com) #after", ["after"]),
        ("[link](https://x.org)#after", ["after"]),  # the link's URL hides nothing after it
        ("[see #q](other page) #r", ["r"]),  # a url may hold spaces
        ("[a [[pr]] b]([[P4]])", ["p4"]),
        ("[#lab2]", ["lab2]"]),  # no "(" after the label: no link, the tag is read
        ("[x #y] z", ["y]"]),
        ("![#img](https://e.com/a.png)", []),
        ("[outer [inner](https://x.com) rest](https://y.com) #k18", ["k18"]),
        ("[a `]` b](https://e.com) #k17", ["k17"]),
    ],
)
def test_link_labels_hide_tags_and_refs(page_of, line, refs):
    assert block_refs(page_of, line) == refs


# -- item 2 (the inline side): "#+" in the middle of a line is a tag ----------------------------


def test_hash_plus_inside_a_line_is_a_tag(page_of):
    assert block_refs(page_of, "see #+BEGIN_NOTE inline and #+x") == ["+begin_note", "+x"]


# -- item 6: relations:: [[]] -------------------------------------------------------------------


def test_an_empty_ref_is_text_as_logseq_keeps_it(page_of):
    # The issue expected a set holding "": Logseq 0.10.15 keeps the string "[[]]", and in a
    # list drops it; for tags (split at commas) it is the name "[[]]".
    assert value_of(page_of, "relations:: [[]]") == "[[]]"
    assert value_of(page_of, "relations:: [[]], [[Risk]]") == ["Risk"]
    assert value_of(page_of, "tags:: [[]]") == ["[[]]"]
    assert value_of(page_of, "tags:: [[a]], [[]], b") == ["a", "[[]]", "b"]


# -- item 7: commas inside [[…]] never split a value --------------------------------------------


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        (
            "tags:: [[Docker: Up & Running, 3rd Edition@Books]]",
            ["Docker: Up & Running, 3rd Edition@Books"],
        ),
        ("tags:: [[Docker: Up, Running]], x, [[y]]", ["Docker: Up, Running", "x", "y"]),
        ("alias:: [[x, y]]", ["x, y"]),
        ("alias:: foo, [[bar, baz]], #qux", ["foo", "bar, baz", "qux"]),
        ("tags:: paper [[MOT]]", ["paper", "MOT"]),  # plain words beside a ref stay
        ("tags:: paper [[MOT]], z", ["paper", "MOT", "z"]),
        ("tags:: x [[y, z]] w, q", ["x", "y, z", "w", "q"]),
        ("tags:: [[a]]b, c", ["a", "b", "c"]),
        ("tags:: #x y, z", ["x", "y", "z"]),
        ("tags:: [[nest [[in]] x]], y", ["nest [[in]] x", "y"]),  # no nested ref in a value
        ("tags:: a **b** c", ["a", "c"]),  # what emphasis, code or math holds is no name
        ("tags:: a `b` c", ["a", "c"]),
        ("tags:: x $y$ z", ["x", "z"]),
        ("tags:: x, [y](z.md)", ["x"]),  # a file link in a value names no page
        ("tags:: a, , b", ["a", "b"]),
        ("tags:: a，b", ["a", "b"]),
        ("tags:: x, {{embed [[e12]]}}", ["x", "e12"]),
        ("m:: [[a, b]], c", ["a, b"]),  # not split at commas: the plain "c" is lost
        ("tags:: [[a]b]], c", ["a]b", "c"]),
    ],
)
def test_comma_values_split_between_elements_only(page_of, prop, value):
    assert value_of(page_of, prop) == value


def test_comma_value_refs_are_in_written_order_with_columns(page_of):
    page = page_of("- b\n  tags:: paper [[MOT]], z\n")
    prop = next(b for b in page.blocks if not b.pre_block).properties["tags"]
    assert [(r.target, r.col) for r in prop.refs] == [("paper", 10), ("mot", 16), ("z", 25)]


# -- item 10 --------------------------------------------------------------------------------


def test_set_literal_tags_end_at_the_quote(page_of):
    # The issue expected the tag '{"artifact"}': Logseq ends a tag at '"', so the tag is "{"
    # (and, in tags::, the rest is a plain name).
    assert block_refs(page_of, '#{"artifact"}') == ["{"]
    assert value_of(page_of, 'done:: #{"{"}') == ["{"]
    assert value_of(page_of, 'tags:: #{"artifact"}') == ["{", '"artifact"}']


def test_triple_brace_embed_is_an_embed(page_of):
    page = page_of(f"- {{{{{{embed [[emb]]}}}}}} {{{{{{embed (({UUID}))}}}}}}\n")
    block = page.blocks[0]
    assert [(r.kind, r.target) for r in block.refs] == [(PAGE_EMBED, "emb"), (BLOCK_EMBED, UUID)]
    assert [m.name for m in block.macros] == ["embed", "embed"]
    assert block_refs(page_of, "{{{{embed [[e9]]}}}}") == []  # the macro "{embed"
    assert block_refs(page_of, "{{{x}}} #after13") == ["after13"]


def test_a_tag_glued_to_a_character_is_a_tag(page_of):
    # The issue expected no tag after an emoji: Logseq reads one after any character.
    assert block_refs(page_of, "💊#solution ✅#check é#acc 中#cjk )#paren") == [
        "acc",
        "check",
        "cjk",
        "paren",
        "solution",
    ]


def test_a_ref_in_backticks_in_a_property_value_is_code(page_of):
    # The issue expected a ref: Logseq reads code, keeps the string and refs nothing.
    assert value_of(page_of, "code:: `[[inbt]]`") == "`[[inbt]]`"
    assert value_of(page_of, "tags:: `[[c3]]`") == "`[[c3]]`"
    assert value_of(page_of, "code:: `[[inbt]]` [[outside1]]") == ["outside1"]
    assert block_refs(page_of, "`x` #[[z14]] `y`") == ["z14"]


@pytest.mark.parametrize(
    ("line", "refs"),
    [
        (
            "[f](foo.md) [g](pages/bar.md) [h](../pages/baz.md) [i](qq.markdown)",
            ["f", "g", "h", "i"],
        ),
        ("[Label X](foo.md)", ["label x"]),  # the page is the label's
        ("[[BUG] fix](foo.md)", ["[bug] fix"]),
        ("[a](foo.md#frag) [b](foo.MD) [c](<foo bar.md>)", ["b", "c"]),
        (
            "[j](./loc.md) [k](https://e.com/w.md) [l](My%20Page.md) [m](Some Page.md)",
            ["j", "l", "m"],
        ),
        ("[a](file:///x/y.md) [b](/abs/y.md) [c](assets/y.md)", ["b", "c"]),
        ("![alt](foo.md) [y](foo.org)", ["alt"]),
        ("[`code` rest](z.md) [**b** c](y.md)", ["**b** c", "code"]),
        ("[](e.md) [ ](f.md)", []),
        ("[a](x.md){:width 100} #k34", ["a", "k34"]),
        (f"[a]({UUID})", [UUID]),  # a link to a bare uuid is a block ref
        (f"[l]((({UUID})))", [UUID]),
        ('[x]([[P30]] "t")', ["p30"]),
        ("[a]([[P16]] x) #k16", ["k16"]),
    ],
)
def test_links_to_markdown_files_ref_their_label(page_of, line, refs):
    assert block_refs(page_of, line) == refs


@pytest.mark.parametrize(
    ("line", "refs"),
    [
        ("<span>[[inspan]]</span> [[outside]]", ["outside"]),
        ('<span class="x">#tgs</span>', []),
        ("<b>[[inb]]</b> <div>[[indiv]]</div>", []),
        ("<span>[[a20]]<span>x</span>[[b20]]</span> [[c20]]", ["c20"]),  # same tags nest
        ("<SPAN>[[u21]]</span> [[v21]]", ["v21"]),
        ("x <a href='y'>[[ina10]]</a> [[post10]]", ["post10"]),
        ("<br> text [[mid19]] <img/>", []),  # <br …/> runs to the first "/>"
        ("<div>[[indiv9]]", ["indiv9"]),  # never closed: no element
        ("<span>x</div> [[after16]]", ["after16"]),
        ("<notatag [[inside20]]", ["inside20"]),
        ("<!-- [[c22]] --> <? [[p22]] ?> [[after22]]", ["after22"]),
        ("<https://e.com/[[q23]]> [[after23]]", ["after23"]),
        ("a<span>[[s17]]</span>", ["s17"]),  # glued to a word: plain text
        ("(<span>[[h1]]</span>)", ["h1"]),
    ],
)
def test_refs_inside_html_elements_are_not_refs(page_of, line, refs):
    assert block_refs(page_of, line) == refs


# -- the rest of the inline grammar, as the oracle read it --------------------------------------


@pytest.mark.parametrize(
    ("line", "refs"),
    [
        (f"x(({UUID}))", []),  # "((" glued to a word is text
        (f")(({UUID}))", []),
        (f'"(({UUID}))"', []),
        (f"((({UUID})))", []),
        (f"[(({UUID}))]", [UUID]),
        ("x{{embed [[m1]]}}", ["m1"]),
        ("(https://x.com/[[p1]])", ["p1"]),  # a URL glued to "(" is no URL
        ("see:https://x.com/[[p2]]", ["p2"]),
        ("x https://x.com/[[p4]]", []),
        ("xhttps://x.com/[[p5]]", []),
        ("https://x.com/a,[[p6]]", []),
        ("https://x.com/#t7 more", []),
        ("https://x.com/(a)[[p8]]", []),
        ("[[p11]]https://x.com/[[p11b]]", ["p11"]),
        ("http://x.com/[[p13]]. [[p13b]]", ["p13b"]),
        ("https://x.com/a]]#t14", ["t14"]),  # a "]" that closes nothing ends the URL
        ("a-b://x/[[p16]]", ["p16"]),  # a scheme is letters and digits
        ("$[[m24]]$ $$[[d24]]$$ \\([[l24]]\\) \\[[[l24b]]\\] [[after24]]", ["after24"]),
        (
            "$ [[notmath25]] $ and $x [[m25]] ($ and 5$ [[dollar25]]",
            ["dollar25", "m25", "notmath25"],
        ),
        ("``[[dbl26]]`` ```[[tri26]]``` [[after26]]", ["after26"]),
        ("`a``b` [[after27]]", ["after27"]),
        ("\\#notag28 \\[[esc28]] #yes28", ["yes28"]),
        ("&#35;ent29 [[after29]]", ["35;ent29", "after29"]),
        ("#tag[[x38]] #t[a", ["t[a", "tag[[x38]]", "x38"]),  # a ref inside a tag counts
        ("#[[a]]b", ["[[a]]b", "a"]),
        ("#[[a [[n2]]]]", ["a [[n2]]", "n2"]),
        ("[[a #n1 b]] [[c [[d]] #n1b]]", ["a #n1 b", "c [[d]] #n1b", "d"]),  # no tag in a ref
        ("**[[b39]]** _#t39_ #z39", ["b39", "z39"]),
        ("[[a40]][[b40]]", ["a40", "b40"]),
        ("{{ embed [[e10]] }}", ["e10"]),
    ],
)
def test_inline_elements_read_as_logseq_reads_them(page_of, line, refs):
    assert block_refs(page_of, line) == refs


def test_a_tag_ref_keeps_its_kind_and_column(page_of):
    page = page_of("- #[[a]]b x\n")
    assert [(r.kind, r.target, r.col) for r in page.blocks[0].refs] == [
        (TAG, "[[a]]b", 3),
        ("page-ref", "a", 4),
    ]
    page = page_of(f"- [a]({UUID}) [f](foo.md)\n")
    assert [(r.kind, r.target, r.col) for r in page.blocks[0].refs] == [
        (BLOCK_REF, UUID, 7),
        ("page-ref", "f", 46),
    ]
