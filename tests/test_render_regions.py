"""The managed-region machinery: hashes, conflicts, byte-for-byte preservation outside regions."""

from __future__ import annotations

import pytest

from bmtools.loader import read_page
from bmtools.model import Config
from bmtools.render.regions import (
    RegionError,
    detect_indent,
    extract_regions,
    find_regions,
    new_page_with_regions,
    region_hash,
    render_region,
    seal_regions,
    update_page_regions,
)

BODY = "- ## Roadmap\n\t- M1\n\t  owner:: [[Ann]]\n\t\t- TODO task"


def page_text(indent: str = "\t") -> str:
    return new_page_with_regions(
        {"page-type": "[[roadmap]]"},
        ["- Hand-written intro.", ("roadmap", BODY), "- ## Notes\n\t- mine"],
        indent=indent,
    )


def test_new_page_parses_back(tmp_path):
    text = page_text()
    (tmp_path / "r.md").write_text(text, encoding="utf-8")
    page, _ = read_page(tmp_path, "r.md", Config(), None)
    assert page.properties["page-type"].value == ["roadmap"]
    head = page.blocks[2]
    assert head.heading == 2 and head.title == "Roadmap"
    assert head.properties["bmtools-managed"].raw == "roadmap"
    assert head.properties["bmtools-hash"].raw == region_hash(find_regions(text)[0].text)
    child = page.blocks[head.children[0]]
    assert child.properties["owner"].value == ["Ann"]
    assert page.blocks[child.children[0]].marker == "TODO"
    assert text.endswith("mine\n") and not text.endswith("\n\n")


@pytest.mark.parametrize("indent", ["\t", "  ", "    "])
def test_update_is_idempotent_and_keeps_outside_bytes(indent):
    text = page_text(indent)
    assert detect_indent(text) == indent
    same = update_page_regions(text, {"roadmap": BODY})
    assert same.text == text and not same.changed and not same.conflicts
    new = update_page_regions(text, {"roadmap": BODY + "\n\t- M2"})
    assert new.changed_ids == ["roadmap"]
    assert "M2" in new.text
    before, after = text.split("- ## Roadmap")[0], text.split("- ## Notes")[1]
    assert new.text.startswith(before) and new.text.endswith("- ## Notes" + after)
    again = update_page_regions(new.text, {"roadmap": BODY + "\n\t- M2"})
    assert again.text == new.text and not again.changed


def test_edited_region_is_a_conflict_unless_forced():
    text = page_text().replace("- M1", "- M1 (my edit)")
    res = update_page_regions(text, {"roadmap": BODY + "\n\t- M2"})
    assert res.text == text
    assert [(c.region_id, c.line) for c in res.conflicts] == [("roadmap", 4)]
    forced = update_page_regions(text, {"roadmap": BODY + "\n\t- M2"}, force=True)
    assert "my edit" not in forced.text and not forced.conflicts


def test_edit_equal_to_new_output_is_accepted():
    text = page_text().replace("- TODO task", "- TODO task\n\t- M2")
    res = update_page_regions(text, {"roadmap": BODY + "\n\t- M2"})
    assert not res.conflicts and res.changed_ids == ["roadmap"]
    assert not find_regions(res.text)[0].edited


def test_logseq_collapsed_and_id_are_carried_over():
    text = page_text()
    lines = text.split("\n")
    i = lines.index("- ## Roadmap")
    lines.insert(i + 3, "  collapsed:: true")
    lines.insert(i + 4, "  id:: 6650a1b2-0000-4000-8000-000000000001")
    text = "\n".join(lines)
    region = find_regions(text)[0]
    assert not region.edited
    res = update_page_regions(text, {"roadmap": BODY + "\n\t- M2"})
    assert res.changed_ids == ["roadmap"]
    assert "  collapsed:: true\n  id:: 6650a1b2" in res.text


def test_missing_hash_duplicates_missing_and_unknown_ids():
    text = "- ## A\n  bmtools-managed:: a\n\t- x\n- ## B\n  bmtools-managed:: b\n- ## B\n"
    text += "  bmtools-managed:: b\n"
    res = update_page_regions(text, {"a": "- ## A\n\t- y", "b": "- ## B", "c": "- C"})
    assert {c.region_id for c in res.conflicts} == {"a", "b"}
    assert res.missing_ids == ["c"] and res.text == text
    appended = update_page_regions(text, {"c": "- C"}, append_missing=True)
    assert appended.text.startswith(text) and appended.text.endswith(
        f"- C\n  bmtools-managed:: c\n  bmtools-hash:: {region_hash('- C')}\n"
    )
    assert appended.unknown_ids == ["a", "b"]


def test_crlf_and_trailing_blank_lines_preserved():
    text = page_text().replace("\n", "\r\n").replace("- ## Notes", "\r\n- ## Notes")
    res = update_page_regions(text, {"roadmap": BODY + "\n\t- M2"})
    assert "\r\n\t- M2\r\n\r\n- ## Notes" in res.text
    assert "\n" not in res.text.replace("\r\n", "")


def test_seal_and_extract_round_trip():
    raw = "- intro\n- ## R\n  bmtools-managed:: r\n\t- a\n"
    sealed = seal_regions(raw)
    assert not find_regions(sealed)[0].edited
    assert extract_regions(sealed) == {"r": "- ## R\n\t- a"}


@pytest.mark.parametrize(
    "region_id,body", [("bad id", "- x"), ("ok", "no bullet"), ("ok", "- a\n- b")]
)
def test_bad_bodies_are_refused(region_id, body):
    with pytest.raises(RegionError):
        render_region(region_id, body)


def test_reindenting_a_region_is_not_an_edit():
    text = page_text("\t")
    respaced = text.replace("\t", "    ")
    (region,) = find_regions(respaced)
    assert not region.edited and region.text == find_regions(text)[0].text
    res = update_page_regions(respaced, {"roadmap": BODY + "\n\t- M2"})
    assert res.changed_ids == ["roadmap"] and not res.conflicts
    assert "\n    - M2\n" in res.text
