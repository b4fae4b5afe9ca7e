"""The block reader against Logseq 0.10.15's own reading (issue 10, block-level items).

Every expected value here was read from Logseq's parser (the oracle in /work/shared/oracle)
on the same page and is written out as a fact; the tests never run the oracle.
"""

from __future__ import annotations

from bmtools.model import PAGE_REF, TAG


def names(block, kinds=(PAGE_REF, TAG)) -> list[str]:
    return sorted({r.target for r in block.refs if r.kind in kinds})


def contents(page) -> list[str]:
    return [b.content for b in page.blocks]


# -- item 2: #+BEGIN blocks ----------------------------------------------------------------


def test_refs_inside_begin_note_count_inside_begin_query_not(page_of):
    page = page_of(
        "- a\n  #+BEGIN_NOTE\n  [[n1]]\n  #+END_NOTE\n"
        "- b\n  #+BEGIN_QUERY\n  [[q1]]\n  #+END_QUERY\n"
        "- #+BEGIN_TIP\n  [[t1]]\n  #+END_TIP\n"
        "- #+BEGIN_QUERY\n  [[q2]]\n  #+END_QUERY\n"
    )
    assert [names(b) for b in page.blocks] == [["n1"], [], ["t1"], []]
    assert contents(page) == [
        "a\n#+BEGIN_NOTE\n[[n1]]\n#+END_NOTE",
        "b\n#+BEGIN_QUERY\n[[q1]]\n#+END_QUERY",
        "#+BEGIN_TIP\n[[t1]]\n#+END_TIP",
        "#+BEGIN_QUERY\n[[q2]]\n#+END_QUERY",
    ]


def test_which_begin_blocks_hold_refs(page_of):
    kinds = ["QUOTE", "CENTER", "VERSE", "WARNING", "IMPORTANT", "PINNED", "FOO", "note"]
    raw = ["EXAMPLE", "SRC python", "EXPORT html", "COMMENT"]
    text = "".join(
        f"- {k.split()[0].lower()}\n  #+BEGIN_{k}\n  [[in {k.split()[0].lower()}]]\n"
        f"  #+END_{k.split()[0]}\n"
        for k in kinds + raw
    )
    page = page_of(text)
    assert [names(b) for b in page.blocks] == [[f"in {k.lower()}"] for k in kinds] + [
        [] for _ in raw
    ]


def test_the_begin_line_is_no_tag(page_of):
    page = page_of("#+BEGIN_NOTE\n[[pren]]\n#+END_NOTE\n- top\n")
    assert page.blocks[0].pre_block
    assert names(page.blocks[0]) == ["pren"]


def test_a_begin_without_its_end_is_text(page_of):
    unclosed = page_of("- a\n  #+BEGIN_NOTE\n  x [[u1]]\n- b [[u2]]\n  more\n", name="u")
    assert contents(unclosed) == ["a\n#+BEGIN_NOTE\nx [[u1]]", "b [[u2]]\nmore"]
    assert [names(b) for b in unclosed.blocks] == [["+begin_note", "u1"], ["u2"]]
    wrong_end = page_of("- a\n  #+BEGIN_NOTE [[onbegin]]\n  x\n  #+END_TIP\n- b [[after]]\n")
    assert [names(b) for b in wrong_end.blocks] == [
        ["+begin_note", "+end_tip", "onbegin"],
        ["after"],
    ]


def test_inside_a_begin_block_no_bullets_headings_or_properties(page_of):
    page = page_of(
        "- a\n  #+BEGIN_NOTE\n  - inner [[i1]]\n  #+END_NOTE\n"
        "- b\n  #+BEGIN_QUOTE\n  # H [[h1]]\n  k:: v\n  #+END_QUOTE\n"
        "- c\n  #+BEGIN_NOTE\n  z\n- not a bullet\n  #+END_NOTE\n"
    )
    assert len(page.blocks) == 3
    assert names(page.blocks[0]) == ["i1"]
    assert names(page.blocks[1]) == ["h1"]
    assert page.blocks[1].properties == {}
    assert page.blocks[2].content == "c\n#+BEGIN_NOTE\nz\n- not a bullet\n#+END_NOTE"


def test_first_end_closes_and_a_fence_inside_a_note_holds_no_refs(page_of):
    page = page_of(
        "- a\n  #+BEGIN_NOTE\n  ```\n  [[code]]\n  ```\n  [[note]]\n  #+END_NOTE\n"
        "- b\n  #+begin_src\n  [[s]]\n  #+END_SRCX\n  [[after]]\n"
    )
    assert names(page.blocks[0]) == ["note"]
    assert names(page.blocks[1]) == ["after"]


def test_properties_after_a_begin_block_are_the_drawer(page_of):
    page = page_of("- #+BEGIN_QUERY\n  x\n  #+END_QUERY\n  k:: v\n")
    assert page.blocks[0].prop("k") == "v"


# -- item 3: indentation inside fences and #+BEGIN blocks -----------------------------------


def test_fence_lines_lose_the_block_indentation(page_of):
    page = page_of(
        "- a\n  ```\n  code\n    more\n  ```\n"
        "\t- b\n\t  ```js\n\t  x\n\t    y\n\t  ```\n\t  after\n"
        "\t- c\n\t  ~~~\n\t  t\n\t  ~~~\n"
        "  - d\n    #+BEGIN_NOTE\n    n\n      nn\n    #+END_NOTE\n"
        "- e\n      deep\n  two\nzero\n"
    )
    assert contents(page) == [
        "a\n```\ncode\n  more\n```",
        "b\n```js\nx\n  y\n```\nafter",
        "c\n~~~\nt\n~~~",
        "d\n#+BEGIN_NOTE\nn\n  nn\n#+END_NOTE",
        "e\n    deep\ntwo\nzero",
    ]
    assert [b.parent for b in page.blocks] == [None, 0, 0, 2, None]


def test_a_fence_line_less_indented_than_the_block_loses_what_it_has(page_of):
    page = page_of("- a\n   ```\n   x\n     ```\n   y [[y1]]\n   ```\n- b\n")
    assert contents(page) == ["a\n ```\n x\n   ```\n y [[y1]]\n ```", "b"]
    assert names(page.blocks[0]) == ["y1"]


def test_any_fence_line_closes_a_fence(page_of):
    page = page_of(
        "- a\n  ```\n  [[x1]]\n  ~~~\n  [[x2]]\n"
        "- b\n  ```\n  [[c1]]\n  ```trailing\n  [[c2]]\n"
        "- c\n  ````\n  ```\n  [[in4]]\n"
        "- ``` [[x]] ```\n- ~~~ [[y]]\n  ~~~\n"
    )
    assert [names(b) for b in page.blocks] == [["x2"], ["c2"], ["in4"], []]
    assert page.blocks[3].content == "``` [[x]] ```\n- ~~~ [[y]]\n~~~"


def test_a_fence_nothing_closes_is_text(make_graph):
    graph = make_graph({"pages/f.md": "- a\n  ```\n  code [[c]]\n- b [[f2]]\n"})
    page = graph.pages["f"]
    assert contents(page) == ["a\n```\ncode [[c]]", "b [[f2]]"]
    assert [names(b) for b in page.blocks] == [["c"], ["f2"]]
    (diag,) = [d for d in graph.diagnostics if d.code == "BM005"]
    assert (diag.file, diag.line) == ("pages/f.md", 2)


def test_a_fence_swallows_bullets_up_to_its_closing_line(page_of):
    page = page_of("- a\n```\n- notbullet [[n]]\n```\n- b\n")
    assert contents(page) == ["a\n```\n- notbullet [[n]]\n```", "b"]
    assert names(page.blocks[0]) == []


def test_a_raw_html_block_swallows_bullets_up_to_its_closing_tag(page_of):
    page = page_of(
        "- warnings\n  <pre>\n  [!] the [[Debug]] target\n      - use the flag\n  </pre>\n"
        "  - child [[Kept]]\n- <div>\n  <div>in</div>\n  - still [[Html]]\n  </div>\n"
        "- x\n  <!-- a\n  - gone [[Gone]]\n  -->\n"
    )
    assert contents(page) == [
        "warnings\n<pre>\n[!] the [[Debug]] target\n    - use the flag\n</pre>",
        "child [[Kept]]",
        "<div>\n<div>in</div>\n- still [[Html]]\n</div>",  # the nesting of <div> is counted
        "x\n<!-- a\n- gone [[Gone]]\n-->",
    ]
    assert [names(b) for b in page.blocks] == [[], ["kept"], [], []]


def test_no_raw_html_block_without_its_end_or_for_other_tags(page_of):
    page = page_of(
        "- <div>\n  - open [[A]]\n- <foo>\n  - made up [[B]]\n  </foo>\n"
        "- <div/>\n  - self-closed [[C]]\n"
    )
    assert [(b.content, b.parent) for b in page.blocks][1::2] == [
        ("open [[A]]", 0),
        ("made up [[B]]\n</foo>", 2),
        ("self-closed [[C]]", 4),
    ]


def test_raw_html_blocks_are_found_in_one_pass(page_of):
    # Thousands of unclosed openers: each line is looked up, not searched to the end again.
    from bmtools.syntax.blocks import html

    calls = []
    real = html._pairs
    html._pairs = lambda lines, name: calls.append(name) or real(lines, name)
    try:
        page = page_of("".join(f"- <div>\n  <!-- {i}\n" for i in range(3000)))
    finally:
        html._pairs = real
    assert calls == ["div"] and len(page.blocks) == 3000


# -- item 4: bullets indented under the page-properties block ----------------------------------


def parents(page) -> list[tuple[str, int | None]]:
    return [(b.content.split("\n")[0], b.parent) for b in page.blocks]


def test_bullets_indented_under_page_properties_are_its_children(page_of):
    page = page_of("k:: v\n  - child\n    - grand\n  - child2\n- top\n  - sub\n")
    assert parents(page) == [
        ("k:: v", None),
        ("child", 0),
        ("grand", 1),
        ("child2", 0),
        ("top", None),
        ("sub", 4),
    ]
    assert [b.level for b in page.blocks] == [0, 1, 2, 1, 1, 2]
    # a reader's first level: the page-properties block is shown as properties, its children
    # stand where top-level blocks do (the site and section lookups read them there)
    assert [b.title for b in page.top_blocks()] == ["child", "child2", "top"]
    assert [b.title for b in page.children(page.blocks[0])] == ["child", "child2"]


def test_any_pre_block_holds_the_bullets_indented_under_it(page_of):
    front = page_of("---\ntitle: FMQ\n---\n  - under fm\n- top\n", name="q4")
    directive = page_of("#+title: Q6\n  - under directive\n- top\n", name="q6")
    text = page_of("text only\n\t- under text\n- top\n", name="q7")
    for page in (front, directive, text):
        assert [b.parent for b in page.blocks] == [None, 0, None]


def test_without_page_properties_an_indented_first_bullet_is_top_level(page_of):
    page = page_of("  - first indented\n  - second\n    - child\n- top\n")
    assert [b.parent for b in page.blocks] == [None, None, 1, None]


# -- item 9: the page-properties drawer need not be the first line -------------------------


def test_page_properties_below_a_first_line_of_text(make_graph):
    graph = make_graph(
        {
            "pages/pre4.md": "some text\nfoo:: bar\nalias:: zz\n- a\n",
            "pages/p7.md": "some text\n\nfoo:: bar\nmore text\nbaz:: q\n- a\n",
            "pages/q2.md": "text [[t0]]\nfoo:: [[f1]]\nmore [[m1]]\nbaz:: [[b1]]\n- a\n",
        }
    )
    pre4, p7, q2 = graph.pages["pre4"], graph.pages["p7"], graph.pages["q2"]
    assert {k: p.value for k, p in pre4.properties.items()} == {"foo": "bar", "alias": ["zz"]}
    assert pre4.aliases == ["zz"] and graph.aliases["zz"] == "pre4"
    assert {k: p.value for k, p in p7.properties.items()} == {"foo": "bar"}
    assert [p.key for p in p7.blocks[0].ignored_properties] == ["baz"]
    assert {k: p.value for k, p in q2.properties.items()} == {"foo": ["f1"]}
    assert sorted({r.target for r in q2.blocks[0].refs}) == ["f1", "foo", "m1", "t0"]


def test_a_title_below_text_is_a_property_but_no_page_name(make_graph):
    graph = make_graph({"pages/q5.md": "\ntext\ntitle:: Q5T\nalias:: q5a\n- a\n"})
    page = graph.pages["q5"]
    assert (page.title, page.prop("title"), page.aliases) == ("q5", "Q5T", ["q5a"])
    assert [(d.code, d.line) for d in graph.diagnostics] == [("BM021", 3)]


def test_a_later_property_run_is_ignored_with_its_refs(page_of):
    block = page_of("- b\n  k1:: v1\n  more\n  k2:: [[v2]]\n").blocks[0]
    assert set(block.properties) == {"k1"}
    assert [p.key for p in block.ignored_properties] == ["k2"]
    assert sorted({r.target for r in block.refs}) == ["k1"]


def test_a_property_line_continuing_a_quote_is_text(page_of):
    block = page_of("- a\n  > quote\n  foo:: bar\n").blocks[0]
    assert block.properties == {}
    assert [p.key for p in block.ignored_properties] == []


# -- item 5: blank files -------------------------------------------------------------------


def test_a_blank_file_makes_no_page_for_logseq(make_graph):
    graph = make_graph(
        {
            "pages/blank1.md": "   \n",
            "pages/blank2.md": b"\xef\xbb\xbf\n",
            "pages/blank3.md": "",
            "pages/blank4.md": "\n\n",
            "pages/blank5.md": "\t\n  \n",
            "pages/ideographic.md": "\u3000\n",
            "pages/dot.md": " .\n",
            "pages/refs.md": "- [[blank1]]\n",
        }
    )
    blank = {name for name, page in graph.pages.items() if page.blank}
    assert blank == {"blank1", "blank2", "blank3", "blank4", "blank5", "ideographic"}
    # bmtools keeps them: the file is known, its bytes reassemble, a ref to it resolves
    assert graph.resolve("blank1").file == "pages/blank1.md"


# -- item 8: front-matter keys -------------------------------------------------------------


def test_front_matter_keys_with_spaces_are_dashed(page_of):
    page = page_of("---\npublication date: 2020\nTitle Case: x\nfoo_bar: y\n---\n- a\n", name="fm")
    assert {k: p.value for k, p in page.properties.items()} == {
        "publication-date": 2020,
        "title-case": "x",
        "foo-bar": "y",
    }
    assert page.properties["publication-date"].raw_key == "publication date"
    assert sorted(r.target for r in page.blocks[0].refs) == [
        "foo-bar",
        "publication-date",
        "title-case",
    ]


# -- item 14: content and heading as Logseq stores them --------------------------------------


def logseq_reading(page) -> list[tuple[str, dict]]:
    from bmtools.syntax.blocks.logseq import logseq_content, logseq_properties

    return [(logseq_content(page, b), logseq_properties(page, b)) for b in page.blocks]


def test_content_keeps_the_blank_lines_logseq_drops_them(page_of):
    page = page_of("- a\n\n\n- b\n  text\n\n- ### X\n- c\n### Y\nmore\n\n", name="blanks")
    assert [b.content for b in page.blocks] == ["a\n\n", "b\ntext\n", "### X", "c", "### Y\nmore\n"]
    assert logseq_reading(page) == [
        ("a", {}),
        ("b\ntext", {}),
        ("### X", {"heading": 3}),
        ("c", {}),
        ("### Y\nmore", {"heading": 3}),
    ]


def test_logseq_content_rules(page_of):
    cases = {
        "-\n  text\n- b\n": [("  text", {}), ("b", {})],
        "- a\r\n  b\r\n\r\n- c\r\n": [("a\nb", {}), ("c", {})],
        "  - a\n    b\n   c\n  d\n\n": [("a\nb\nc\nd", {})],
        "- a\n  :PROPERTIES:\n  :foo: bar\n  :END:\n  after\n": [
            ("a\nfoo:: bar\nafter", {"foo": "bar"})
        ],
        "# H\n  x\n    y\n": [("# H\nx\n  y", {"heading": 1})],
        "- a\n\t\tdeep tab\n - b\n": [("a\ndeep tab", {}), ("b", {})],
        "- --x\n- a\n  - \n": [("--x", {}), ("a", {}), ("", {})],
        "k:: v\n\n- a\n": [("k:: v\n\n", {"k": "v"}), ("a", {})],
    }
    for i, (text, expected) in enumerate(cases.items()):
        assert logseq_reading(page_of(text, name=f"c{i}")) == expected, text


def test_a_markdown_heading_is_the_heading_property_whatever_its_size(page_of):
    page = page_of("- ## x\n  heading:: true\n- ### y\n- ####### seven\n######## top8\n")
    assert [b.heading for b in page.blocks] == [2, 3, 7, 8]
    assert [b.title for b in page.blocks] == ["x", "y", "seven", "top8"]
    assert logseq_reading(page) == [
        ("## x\nheading:: true", {"heading": 2}),
        ("### y", {"heading": 3}),
        ("####### seven", {"heading": 7}),
        ("######## top8", {"heading": 8}),
    ]


def test_a_duplicate_id_leaves_logseq_content_and_properties(page_of):
    uuid = "6650f0b4-3333-4a3b-9e4e-aaaaaaaaaaaa"
    page = page_of(f"- a\n  id:: {uuid}\n- b\n  id:: {uuid}\n  more\n")
    assert logseq_reading(page) == [(f"a\nid:: {uuid}", {"id": uuid}), ("b\nmore", {})]


# -- items 11 and 12: the pages Logseq holds, and their titles --------------------------------

BUILTIN_TITLES = {
    "todo": "TODO",
    "doing": "DOING",
    "done": "DONE",
    "later": "LATER",
    "now": "NOW",
    "wait": "WAIT",
    "waiting": "WAITING",
    "canceled": "CANCELED",
    "cancelled": "CANCELLED",
    "in-progress": "IN-PROGRESS",
    "a": "A",
    "b": "B",
    "c": "C",
    "card": "card",
    "favorites": "Favorites",
    "contents": "Contents",
}


def test_every_graph_holds_the_built_in_pages(make_graph):
    from bmtools.loader import logseq_pages

    graph = make_graph({"pages/p.md": "- x\n"})
    assert logseq_pages(graph) == {**BUILTIN_TITLES, "p": "p"}
    assert graph.logseq_titles is logseq_pages(graph)  # computed once, kept on the graph


def test_pages_created_by_refs_embeds_and_property_keys(make_graph):
    from bmtools.loader import logseq_pages

    uuid = "6650f0b4-1111-4a3b-9e4e-aaaaaaaaaaaa"
    graph = make_graph(
        {
            "pages/emb.md": f"- TODO t [#B]\n- {{{{embed (({uuid}))}}}}\n",
            "pages/fm.md": "---\npublication date: 2020\n---\n- [[Other Page]] #tag [[Ns/Child]]\n",
        }
    )
    titles = logseq_pages(graph)
    assert {n: t for n, t in titles.items() if n not in BUILTIN_TITLES} == {
        "emb": "emb",
        "b]": "B]",
        uuid: uuid,
        "fm": "fm",
        "publication-date": "publication-date",
        "other page": "Other Page",
        "tag": "tag",
        "ns/child": "Ns/Child",
        "ns": "Ns",
    }
    assert uuid not in graph.pages and "other page" not in graph.pages  # bmtools: no file


def test_a_title_comes_from_the_file_or_ref_that_made_the_page_first(make_graph):
    from bmtools.loader import logseq_pages

    graph = make_graph(
        {
            "pages/foo.md": "- self ref [[FOO]]\n",
            "pages/a.md": "- [[Bar Baz]] [[BAR BAZ]]\n- [[bar BAZ]]\n",
            "pages/b.md": "- [[bar baz]] [[Qux]]\n",
            "journals/2024_01_01.md": "- [[qux]] #Tagged [[Zed]]\n",
            "journals/2024_01_02.md": "- [[ZED]]\n",
            "pages/c.md": "tags:: TagP, [[Other T]]\n\n- x [[tagp]] [[other t]]\n",
            "pages/d.md": "title:: Titled Page\n\n- y\n",
            "pages/e.md": "- ref [[titled page]] [[TITLED PAGE]] [[Ns/Child]] [[ns]]\n",
            "pages/NS.md": "- x\n",
            "pages/f.md": "alias:: Ali One\n\n- [[ali one]]\n",
            "pages/g.md": "- TODO x [[Todo]] [[Done]] [[CARD]]\n",
        }
    )
    titles = logseq_pages(graph)
    expected = {
        "foo": "FOO",  # the file's own ref, later in the file, wins over its file name
        "bar baz": "bar BAZ",  # the last way the first file writes it
        "qux": "qux",  # journals are read first, newest first
        "zed": "ZED",
        "tagged": "Tagged",
        "tagp": "tagp",
        "other t": "other t",
        "titled page": "Titled Page",
        "ns/child": "Ns/Child",
        "ns": "NS",  # e.md made it first as 'ns'; its own file, read later, titles it
        "ali one": "ali one",
        "todo": "TODO",  # built-in pages keep their titles
        "done": "DONE",
        "card": "card",
        "jan 1st, 2024": "Jan 1st, 2024",
    }
    assert {n: titles[n] for n in expected} == expected
    assert graph.pages["foo"].title == "foo"  # bmtools' page title stays its file name


# -- item 13: two files, one page ------------------------------------------------------------


def test_two_files_one_page_read_as_logseq_merges_them(make_graph):
    from bmtools.loader import logseq_kept, logseq_page_blocks, logseq_pages

    uuid = "6650f0b4-2222-4a3b-9e4e-aaaaaaaaaaaa"
    graph = make_graph(
        {
            "pages/sub/Dup.md": f"- first dup\n  id:: {uuid}\n",
            "pages/dup.md": "tags:: t1\n\n- second dup\n",
        }
    )
    page = graph.pages["dup"]
    assert page.file == "pages/dup.md"  # bmtools: the first file in path order, as before
    assert [p.file for p in page.merged] == ["pages/sub/Dup.md"]
    assert logseq_kept(page).file == "pages/sub/Dup.md"  # Logseq: the file it parses last
    assert [(p.file, b.line, b.content) for p, b in logseq_page_blocks(page)] == [
        ("pages/dup.md", 1, "tags:: t1\n"),
        ("pages/dup.md", 3, "second dup"),
        ("pages/sub/Dup.md", 1, f"first dup\nid:: {uuid}"),
    ]
    assert logseq_pages(graph)["dup"] == "Dup"
    (diag,) = [d for d in graph.diagnostics if d.code == "BM011"]
    assert (diag.file, diag.line) == ("pages/sub/Dup.md", 1)
    assert diag.message == (
        "pages/sub/Dup.md and pages/dup.md are both page 'Dup'; Logseq reads the blocks of both"
        " into one page and keeps pages/sub/Dup.md (title 'Dup')"
    )


def test_every_bm011_of_three_files_names_the_file_logseq_keeps_in_the_end(make_graph):
    # bmtools reads a, b, c in path order; Logseq keeps the file it parses last (c), so the
    # finding on b must name c too, not the last file read when b came in
    graph = make_graph(
        {
            "pages/a/dup.md": "- from a\n",
            "pages/b/Dup.md": "- from b\n",
            "pages/c/DUP.md": "- from c\n",
        }
    )
    found = sorted((d.file, d.message) for d in graph.diagnostics if d.code == "BM011")
    assert found == [
        (
            "pages/b/Dup.md",
            "pages/b/Dup.md and pages/a/dup.md are both page 'Dup'; Logseq reads the blocks of"
            " all 3 files into one page and keeps pages/c/DUP.md (title 'DUP')",
        ),
        (
            "pages/c/DUP.md",
            "pages/c/DUP.md and pages/a/dup.md are both page 'DUP'; Logseq reads the blocks of"
            " all 3 files into one page and keeps pages/c/DUP.md (title 'DUP')",
        ),
    ]


def test_block_ids_and_refs_of_a_merged_file_belong_to_the_page(make_graph):
    from bmtools.graph import to_networkx
    from bmtools.lint import Settings
    from bmtools.lint.engine import lint_graph

    uuid = "6650f0b4-2222-4a3b-9e4e-bbbbbbbbbbbb"
    graph = make_graph(
        {
            "pages/dup.md": "- first file\n",
            "pages/sub/Dup.md": f"- second file\n  - held [[Only Here]]\n    id:: {uuid}\n",
            "pages/user.md": f"- points at (({uuid}))\n",
        }
    )
    page, second = graph.pages["dup"], graph.pages["dup"].merged[0]
    part, block = graph.block(uuid)
    assert part is second and (part.file, block.line, block.title) == (
        "pages/sub/Dup.md", 2, "held [[Only Here]]"
    )  # fmt: skip
    assert graph.uuids[uuid] == ("dup", 1)  # the block's index in its own file's Page
    assert not [d for d in lint_graph(graph, Settings(select=["BM103"]))]
    G = to_networkx(graph)
    assert G.has_edge("user", "dup") and G.has_edge("dup", "only here")
    B = to_networkx(graph, blocks=True)
    node = f"dup#L2@{second.file}"  # a merged file's block names its file
    assert B.nodes[node]["file"] == "pages/sub/Dup.md" and B.has_edge("user#L1", node)
    assert B.has_edge(f"dup#L1@{second.file}", node) and B.has_edge("dup", "dup#L1")
    assert page.file == "pages/dup.md"


def test_duplicate_id_in_a_merged_file_names_the_file_holding_the_first(make_graph):
    uuid = "6650f0b4-2222-4a3b-9e4e-cccccccccccc"
    graph = make_graph(
        {
            "pages/dup.md": "- plain\n",
            "pages/sub/dup.md": f"- first\n  id:: {uuid}\n",
            "pages/zz.md": f"- again\n  id:: {uuid}\n",
        }
    )
    (diag,) = [d for d in graph.diagnostics if d.code == "BM010"]
    assert diag.file == "pages/zz.md" and "first in pages/sub/dup.md" in diag.message
    assert graph.block(uuid)[0].file == "pages/sub/dup.md"


def test_pages_only_refs_make_take_logseqs_titles_in_the_networkx_graph(make_graph):
    from bmtools.graph import to_networkx

    graph = make_graph(
        {
            "pages/a.md": "- [[shared name]] [[NS/leaf]] [[other]] [[OTHER]]\n",
            "pages/contents.md": "- [[Shared Name]] [[ns/Leaf]]\n",
        }
    )
    for blocks in (False, True):
        G = to_networkx(graph, blocks=blocks)
        titles = {n: G.nodes[n]["title"] for n in ("shared name", "ns/leaf", "other")}
        # Logseq parses contents.md before a.md; in a block the first spelling in the text wins
        assert titles == {"shared name": "Shared Name", "ns/leaf": "ns/Leaf", "other": "other"}
    assert graph.logseq_titles is None  # only the referring pages were read for them


def test_logseq_parses_journals_newest_first_then_contents_then_the_rest():
    from bmtools.loader import logseq_file_order

    files = [
        "pages/b.md",
        "journals/2024_01_01.md",
        "pages/contents.md",
        "journals/2024_01_02.md",
        "pages/a.md",
        "whiteboards/w.edn",
    ]
    assert logseq_file_order(files) == [
        "journals/2024_01_02.md",
        "journals/2024_01_01.md",
        "pages/contents.md",
        "whiteboards/w.edn",
        "pages/a.md",
        "pages/b.md",
    ]
