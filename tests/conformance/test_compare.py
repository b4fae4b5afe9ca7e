"""The comparison layer itself: Logseq's records become views, bmtools' model too, and they differ
exactly where the readings differ (so a conformance pass means agreement, not a blind spot)."""

from __future__ import annotations

import bmtools
from tests.conformance.compare import (
    BUILTIN_PAGES,
    bmtools_view,
    compare_views,
    logseq_file_order,
    oracle_view,
)

U = "6571d5a5-0000-4000-8000-00000000000{}"


def _record(name: str, blocks: list[dict], file: str | None = None) -> dict:
    return {
        "name": name,
        "title": name.title(),
        "file": file,
        "journal": False,
        "namespace": None,
        "alias": [],
        "tags": [],
        "props": {},
        "blocks": blocks,
    }


def _block(uuid: str, content: str, parent: str | None, left: str, refs=()) -> dict:
    return {
        "uuid": uuid,
        "content": content + "\n\n",
        "pre": False,
        "props": {"tags": {"b", "a"}} if content == "a" else {},
        "refs": list(refs),
        "marker": None,
        "priority": None,
        "scheduled": None,
        "deadline": None,
        "parent": parent,
        "left": left,
    }


def test_oracle_view_rebuilds_document_order_from_parent_and_left(tmp_path):
    page = "6b0f0000-0000-4000-8000-000000000000"
    # Database order (what the oracle prints) is not document order: c was inserted first.
    blocks = [
        _block(U.format(3), "c", None, U.format(1)),
        _block(U.format(2), "b", U.format(1), U.format(1), refs=["x", "x", U.format(3)]),
        _block(U.format(1), "a", None, page),
        _block(U.format(4), "d", U.format(1), U.format(2)),
    ]
    root = tmp_path / "g"
    (root / "pages").mkdir(parents=True)
    (root / "pages" / "p.md").write_text(f"- a\n  - b\n  - d\n- c\n  id:: {U.format(3)}\n")
    view = oracle_view([_record("p", blocks, str(root / "pages" / "p.md"))], root)
    got = view["pages"]["p"]
    assert got["file"] == "pages/p.md"
    assert [(b["content"], b["parent"]) for b in got["blocks"]] == [
        ("a", None),
        ("b", 0),
        ("d", 0),
        ("c", None),
    ]
    assert got["blocks"][1]["refs"] == [U.format(3), "x"]  # a set, sorted
    assert got["blocks"][0]["props"] == {"tags": ["a", "b"]}
    # Only a uuid written in the graph is kept: a's is fresh, c's is its id::.
    assert got["blocks"][0]["uuid"] is None and got["blocks"][3]["uuid"] == U.format(3)


def test_bmtools_view_derives_what_the_model_lacks(tmp_path):
    root = tmp_path / "g"
    (root / "pages").mkdir(parents=True)
    (root / "journals").mkdir()
    (root / "pages" / "a.md").write_text(
        "alias:: other, [[Third]]\n- [[shared name]] #Proj/Sub\n- ## Head\n"
    )
    (root / "journals" / "2024_01_05.md").write_text(
        "- [[Shared Name]] {{embed ((" + U.format(9) + "))}}\n"
    )
    view = bmtools_view(bmtools.load_graph(root))
    pages = view["pages"]
    assert set(BUILTIN_PAGES) <= set(pages) and pages["todo"]["title"] == "TODO"
    # Journals are parsed first, newest first: the journal's spelling titles the page.
    assert pages["shared name"]["title"] == "Shared Name" and pages["shared name"]["file"] is None
    assert pages["proj"]["title"] == "Proj" and pages["proj/sub"]["namespace"] == "proj"
    assert pages[U.format(9)]["file"] is None  # the embed placeholder page
    assert pages["other"]["alias"] == ["a", "third"] and pages["third"]["alias"] == ["a", "other"]
    heading = pages["a"]["blocks"][-1]
    assert heading["content"] == "## Head" and heading["props"] == {"heading": 2}
    assert logseq_file_order(["pages/b.md", "journals/2024_01_01.md", "journals/2024_01_05.md",
                              "pages/contents.md"]) == [
        "journals/2024_01_05.md", "journals/2024_01_01.md", "pages/contents.md", "pages/b.md"
    ]  # fmt: skip


def test_compare_views_counts_fields_and_names_causes(tmp_path):
    root = tmp_path / "g"
    (root / "pages").mkdir(parents=True)
    (root / "pages" / "p.md").write_text("- see [[x]] and #tag\n- plain\n")
    bm = bmtools_view(bmtools.load_graph(root))
    assert bm["pages"]["p"]["blocks"][0]["refs"] == ["tag", "x"]
    logseq = {"pages": dict(bm["pages"])}
    page = logseq["pages"]["p"] = dict(bm["pages"]["p"])
    page["blocks"] = [dict(b) for b in page["blocks"]]
    page["blocks"][0]["refs"] = ["tag"]  # as if Logseq did not read [[x]]
    page["blocks"][1]["content"] = "plain\nmore"  # and its second block went on
    page["title"] = "P"
    logseq["pages"]["only-logseq"] = dict(bm["pages"]["x"])
    cmp = compare_views(logseq, bm)
    assert sorted(d.field for d in cmp.differences) == [
        "block.content",
        "block.refs",
        "page.title",
        "pages",
    ]
    assert cmp.total["block.content"] == 2 and cmp.agree["block.content"] == 1
    assert cmp.total["pages"] == len(bm["pages"]) + 1
    causes = {d.field: d.cause for d in cmp.differences}
    assert causes["block.content"] == "block.content: Logseq's block goes on further"
    assert causes["block.refs"] == "block.refs: only bmtools refs [[ref]]"
    assert causes["page.title"] == "page.title: letter case"
    assert causes["pages"] == "pages: only Logseq has a page named by nothing in any block"
    content = next(d for d in cmp.differences if d.field == "block.content")
    assert content.where() == "pages/p.md:2"
