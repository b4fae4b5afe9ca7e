"""Legacy items are items; BM401/BM408 report once; charts count what they leave out; titles
and owners with HTML in them stay text in every output (tmp graphs)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from bmtools.cli import main
from bmtools.items import extract_items
from bmtools.lint import Settings, lint_graph
from bmtools.metamodel import load_metamodel
from bmtools.milestones import load_milestones
from bmtools.milestones.formats.ics import generate_ics
from bmtools.milestones.formats.mermaid import generate_mermaid
from bmtools.milestones.formats.svg import UNSCHEDULED_ID, generate_svg
from bmtools.milestones.model import Milestone
from tests.conftest import load, write_graph

TODAY = dt.date(2026, 3, 2)
CONFIG = "{:file/name-format :triple-lowbar}\n"

LEGACY_BLOCK = (
    "- Notes from the first workshop.\n"
    "- #milestone [[Permit filed]] (spring)\n"
    "  The harbour office gets the full application.\n"
    "  Two copies, one signed.\n"
    "  #milestone [[Boat bought]]\n"
    "  A second-hand trawler, refitted.\n"
    "  #[[milestone]] [[Crew hired]]\n"
    "  Four people for the first season.\n"
)
CATALOGUE = (
    "- milestone\n"
    "  - #[[milestone]]  [[First paying customer]]\n"
    "  - #[[milestone]]  [[Seed round closed]]\n"
)
DATED = (
    "- [[Dock rented]] #milestone\n"
    "  description:: A berth for the season.\n"
    "  due:: 2026-04-30\n"
    "  budget:: 2,000 EUR\n"
    "  owner:: [[Ines Haldor]]\n"
    "  milestone-type:: implementation\n"
)


def graph_of(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_graph(tmp_path / "g", files, CONFIG)


def lint(root: Path, code: str) -> list:
    return lint_graph(load(root), Settings(select=[code]))


def milestones(root: Path, *args: str):
    return CliRunner().invoke(main, ["milestones", str(root), "--today", TODAY.isoformat(), *args])


# --- legacy items are items ----------------------------------------------------------------


def test_each_item_line_and_the_lines_under_it_are_one_item(tmp_path):
    root = graph_of(tmp_path, {"pages/harbour.md": LEGACY_BLOCK})
    graph = load(root)
    items = extract_items(graph, load_metamodel(graph))
    assert [(i.title, i.file, i.line, i.legacy) for i in items] == [
        ("Permit filed", "pages/harbour.md", 2, True),
        ("Boat bought", "pages/harbour.md", 5, True),
        ("Crew hired", "pages/harbour.md", 7, True),
    ]
    assert items[0].description == (
        "(spring)\nThe harbour office gets the full application.\nTwo copies, one signed."
    )
    assert items[2].description == "Four people for the first season."
    assert all(i.fields == {} and i.tasks == [] for i in items)


def test_catalogue_lines_are_items_and_bm408_stays_quiet(tmp_path):
    root = graph_of(tmp_path, {"pages/milestone___list.md": CATALOGUE})
    graph = load(root)
    items = extract_items(graph, load_metamodel(graph))
    assert [(i.title, i.line) for i in items] == [
        ("First paying customer", 2),
        ("Seed round closed", 3),
    ]
    assert lint(root, "BM408") == []
    assert lint(root, "BM401") == []  # a catalogue entry is not asked for fields


def test_bm408_once_per_multi_item_block(tmp_path):
    second = "- #milestone [[Nets mended]]\n  Before the season.\n  #milestone [[Ice machine]]\n"
    root = graph_of(tmp_path, {"pages/harbour.md": LEGACY_BLOCK + second + CATALOGUE})
    found = lint(root, "BM408")
    assert [(d.file, d.line, d.col) for d in found] == [
        ("pages/harbour.md", 2, 3),
        ("pages/harbour.md", 9, 3),
    ]
    assert found[0].message.startswith(
        "3 legacy milestone items ('Permit filed' and 2 more, lines 2-7) share one block"
    )
    assert found[0].severity == "info"


def test_bm401_one_finding_per_item_listing_every_missing_field(tmp_path):
    text = (
        "- [[Bare]] #milestone\n"
        "- [[Half]] #milestone\n"
        "  description:: Half done.\n"
        "  due:: 2026-05-01\n"
        "  budget:: 10 EUR\n"
        "  owner::\n"
        "- [[Only empty]] #milestone\n"
        "  description:: x\n"
        "  due:: 2026-05-01\n"
        "  budget:: 10 EUR\n"
        "  owner:: [[Ann]]\n"
        "  milestone-type::\n"
    )
    root = graph_of(tmp_path, {"pages/plan.md": text + LEGACY_BLOCK.replace("- Notes", "- N")})
    found = lint(root, "BM401")
    assert [(d.line, d.message) for d in found] == [
        (
            1,
            "milestone 'Bare' has no description:: (text, required), due:: (date, required), "
            "budget:: (money, required), owner:: (person, required), milestone-type:: "
            "(select, required)",
        ),
        (
            2,
            "milestone 'Half' has no milestone-type:: (select, required) and an empty "
            "owner:: (person, required)",
        ),
        (12, "milestone 'Only empty' has an empty milestone-type:: (select, required)"),
    ]


# --- bmtools milestones ----------------------------------------------------------------------


def test_milestones_lists_legacy_and_undated_items_as_unscheduled(tmp_path):
    undated = "- [[Website live]] #milestone\n  owner:: [[Ines Haldor]]\n  budget:: 300 EUR\n"
    root = graph_of(tmp_path, {"pages/harbour.md": LEGACY_BLOCK, "pages/plan.md": DATED + undated})
    r = milestones(root, "-q")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[2].startswith("2026-04-30  Dock rented")
    i = lines.index("Unscheduled: 4 without a due date (not in schedules, charts or calendars):")
    assert lines[i + 1 : i + 5] == [
        "  Permit filed [harbour, legacy item]  (pages/harbour.md:2)",
        "  Boat bought [harbour, legacy item]  (pages/harbour.md:5)",
        "  Crew hired [harbour, legacy item]  (pages/harbour.md:7)",
        "  Website live [plan, Ines Haldor, 300 EUR]  (pages/plan.md:7)",
    ]
    assert (
        lines[-1] == "5 milestones (4 unscheduled), 0 overdue, budget 2,300 EUR (as of 2026-03-02)"
    )


def test_filters_apply_to_legacy_items(tmp_path):
    root = graph_of(tmp_path, {"pages/harbour.md": LEGACY_BLOCK, "pages/plan.md": DATED})
    out = milestones(root, "-q", "--artifact", "harbour").stdout
    assert "3 milestones (3 unscheduled)" in out and "Dock rented" not in out
    out = milestones(root, "-q", "--owner", "Ines Haldor").stdout
    assert "1 milestone, 0 overdue" in out and "Permit filed" not in out


def test_library_keeps_legacy_apart_and_every_has_both(tmp_path):
    root = graph_of(tmp_path, {"pages/harbour.md": LEGACY_BLOCK, "pages/plan.md": DATED})
    mset = load_milestones(load(root))
    assert [m.title for m in mset.milestones] == ["Dock rented"]
    assert [m.title for m in mset.legacy] == ["Permit filed", "Boat bought", "Crew hired"]
    assert [m.title for m in mset.every] == [
        "Permit filed",
        "Boat bought",
        "Crew hired",
        "Dock rented",
    ]
    assert mset.legacy[1].to_dict()["description"] == "A second-hand trawler, refitted."


# --- what charts and calendars leave out ---------------------------------------------------


def _two_of_three() -> list[Milestone]:
    return [
        Milestone("Dated", "dated", file="pages/a.md", line=1, due=dt.date(2026, 4, 1)),
        Milestone("Legacy", "legacy", file="pages/a.md", line=3, legacy=True),
        Milestone("No due", "no due", file="pages/a.md", line=5),
    ]


def test_mermaid_says_how_many_it_leaves_out():
    text = generate_mermaid(_two_of_three(), today=TODAY)
    assert "    %% 2 milestones without a due date are left out of this chart\n" in text
    assert "Legacy" not in text and "Dated" in text
    assert "left out" not in generate_mermaid(_two_of_three()[:1])


def test_ics_says_how_many_it_leaves_out():
    cal = icalendar.Calendar.from_ical(generate_ics(_two_of_three(), TODAY))
    assert str(cal["X-WR-CALDESC"]) == (
        "2 milestones without a due date are left out of this calendar"
    )
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Dated"]
    assert "X-WR-CALDESC" not in icalendar.Calendar.from_ical(
        generate_ics(_two_of_three()[:1], TODAY)
    )


def test_svg_says_how_many_it_leaves_out():
    svg = ET.fromstring(generate_svg(_two_of_three(), TODAY))
    notes = [g for g in svg.iter("{http://www.w3.org/2000/svg}g") if g.get("id") == UNSCHEDULED_ID]
    assert len(notes) == 1
    assert "".join(notes[0].itertext()).strip() == (
        "2 milestones without a due date are left out of this timeline"
    )


def test_roadmap_page_lists_unscheduled_items(tmp_path):
    root = graph_of(tmp_path, {"pages/harbour.md": LEGACY_BLOCK, "pages/plan.md": DATED})
    r = milestones(root, "-q", "--write-page", "harbour/roadmap")
    assert r.exit_code == 0, r.output
    text = (root / "pages" / "harbour___roadmap.md").read_text(encoding="utf-8")
    assert "\t- ### Milestones (1)\n" in text
    assert "\t- ### Unscheduled (3)\n" in text
    assert "| [[Boat bought]] | [[harbour]] | - | - | pages/harbour.md:5 (legacy item) |" in text
    assert "%% 3 milestones without a due date are left out of this chart" in text


# --- hostile titles and owners: raw HTML never reaches an output -------------------------

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(document.cookie)</script>"
TAG_START = re.compile(r"<[A-Za-z/!?]")


def hostile_graph(tmp_path: Path, title: str, owner: str) -> Path:
    item = (
        f"- [[Launch {title}]] #milestone\n"
        "  description:: Go live.\n"
        "  due:: 2026-04-30\n"
        "  budget:: 10 EUR\n"
        f"  owner:: {owner}\n"
        "  milestone-type:: implementation\n"
        f"- #milestone [[Legacy {title}]]\n"
        f"  {title}\n"
        f"  #milestone [[Second {title}]]\n"
    )
    return graph_of(tmp_path, {"pages/plan.md": item})


@pytest.mark.parametrize("attack", [IMG, SCRIPT, "<!-- hide the rest", '"><svg onload=alert(1)>'])
def test_html_in_titles_and_owners_is_inert_in_mermaid(tmp_path, attack):
    root = hostile_graph(tmp_path, attack, attack)
    for group in ("tactic", "owner"):
        r = milestones(root, "-q", "--format", "mermaid", "--group-by", group)
        assert r.exit_code == 0, r.output
        assert "<" not in r.stdout and ">" not in r.stdout, r.stdout
        assert "#lt;" in r.stdout  # Mermaid's entity code: shown as "<", never parsed as a tag


def test_img_onerror_title_reads_back_as_text_in_mermaid(tmp_path):
    root = hostile_graph(tmp_path, IMG, "[[Ann]]")
    out = milestones(root, "-q", "--format", "mermaid").stdout
    assert "Launch #lt;img src=x onerror=alert(1)#gt; :" in out


@pytest.mark.parametrize("attack", [IMG, SCRIPT, "<!-- hide the rest", '"><svg onload=alert(1)>'])
def test_html_in_titles_and_owners_is_inert_on_the_roadmap_page(tmp_path, attack):
    root = hostile_graph(tmp_path, attack, attack)
    r = milestones(root, "-q", "--write-page", "plan/roadmap", "--today", "2026-05-05")
    assert r.exit_code == 0, r.output
    text = (root / "pages" / "plan___roadmap.md").read_text(encoding="utf-8")
    assert not TAG_START.search(text), TAG_START.search(text)
    assert f"| Launch {attack.replace('<', '< ')} |" in text  # still there, as text


def test_img_onerror_owner_on_the_roadmap_page_is_text_not_a_link(tmp_path):
    root = hostile_graph(tmp_path, "plain", IMG)
    milestones(root, "-q", "--write-page", "plan/roadmap", "--today", "2026-05-05")
    text = (root / "pages" / "plan___roadmap.md").read_text(encoding="utf-8")
    assert "| < img src=x onerror=alert(1)> |" in text
    assert "[[< img" not in text


def test_code_fence_in_a_title_cannot_close_the_roadmap_chart(tmp_path):
    root = hostile_graph(tmp_path, "x ``` y", "[[Ann]]")
    milestones(root, "-q", "--write-page", "plan/roadmap")
    text = (root / "pages" / "plan___roadmap.md").read_text(encoding="utf-8")
    fences = [ln for ln in text.splitlines() if ln.lstrip("\t -").startswith("```")]
    assert fences == ["\t- ```mermaid", "\t  ```"]


def test_img_onerror_title_is_text_in_the_svg(tmp_path):
    root = hostile_graph(tmp_path, IMG, IMG)
    svg = ET.fromstring(milestones(root, "-q", "--format", "svg").stdout_bytes)
    assert not [e for e in svg.iter() if e.tag.endswith(("img", "script"))]
    assert any(IMG in "".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text"))
