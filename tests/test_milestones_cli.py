"""``bmtools milestones``: CLI output, formats (Mermaid, ICS, SVG, JSON, CSV), roadmap page."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from bmtools import load_graph
from bmtools.cli import main
from bmtools.milestones import load_milestones
from bmtools.milestones.formats.ics import stable_uid
from bmtools.milestones.roadmap import REGION_ID
from bmtools.render.regions import find_regions

BUNDLED = Path(__file__).resolve().parent.parent / "graph"
OVERDUE = [
    "Climate-controlled transport van fitted",
    "Concrete hull towed and sunk in place",
    "ISO 13485 quality system certified",
    "Serum-free medium below 1 USD per litre",
]


def run(*args: str, graph: Path | str = BUNDLED):
    result = CliRunner().invoke(main, ["milestones", str(graph), "--today", "2026-11-22",
                                       *args])
    return result


def ok(*args: str, graph: Path | str = BUNDLED):
    result = run(*args, graph=graph)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def test_list_table_bundled():
    out = ok("--width", "200").stdout
    lines = out.splitlines()
    assert lines[0].split() == ["Due", "Milestone", "Page", "Owner", "Type", "Status", "Budget",
                                "Value"]
    body = [ln for ln in lines[2:] if re.match(r"\d{4}-\d\d-\d\d ", ln)]
    assert len(body) == 46
    assert ("50 milestones (4 unscheduled), 4 overdue, budget 7,438,100 EUR + 115,750 GBP + "
            "600,407,000 USD") in out
    assert "Unscheduled: 4 without a due date" in out
    assert ("Three candidate bays surveyed [legacy milestone notes, legacy item]  "
            "(pages/legacy milestone notes.md:4)") in out
    assert "in progress (37d late)" in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_list_narrow_width_truncates():
    out = ok("--width", "80", "--overdue").stdout
    table = [ln for ln in out.splitlines() if ln and not ln.startswith("4 milestones")]
    assert all(len(ln) <= 80 for ln in table)
    assert "…" in out


def test_filters_cli():
    out = ok("--owner", "Elon Musk", "--status", "done", "--format", "json").stdout
    data = json.loads(out)
    assert [m["title"] for m in data["milestones"]] == ["Falcon 1 reaches orbit",
                                                        "First Falcon 9 booster landing"]
    out = ok("--overdue", "--format", "json").stdout
    assert sorted(m["title"] for m in json.loads(out)["milestones"]) == OVERDUE
    out = ok("--type", "plan review", "--artifact", "vein visualizer", "--sort", "value",
             "--format", "json").stdout
    assert len(json.loads(out)["milestones"]) == 3
    out = ok("--due-within", "26d", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["due"] for r in rows] == ["2026-12-11"] * 3 + ["2026-12-18"]
    assert rows[0]["budget_currency"] in {"GBP", "EUR"}
    out = ok("--tactic", "reusable launch vehicles", "--sort", "budget").stdout
    assert out.index("First Falcon 9 booster landing") < out.index("Orbital booster reflown")
    bad = run("--due-within", "soon")
    assert bad.exit_code == 2 and "not a period" in bad.output


def test_report_overdue_and_due_soon():
    out = ok("--report", "overdue").stdout
    assert "Overdue as of 2026-11-22 (4)" in out
    for title in OVERDUE:
        assert title in out
    out = ok("--report", "due-soon", "--within", "30d").stdout
    assert "Due from 2026-11-22 to 2026-12-22 (5)" in out


def test_report_budget_json_and_csv():
    data = json.loads(ok("--report", "budget", "--format", "json").stdout)
    lines = {ln["currency"]: ln for ln in data["total"]["lines"]}
    assert set(lines) == {"EUR", "GBP", "USD"}
    assert lines["USD"]["budget"] == "600407000"
    assert lines["USD"]["variance"] == "5586500" and lines["USD"]["tracked_items"] == 5
    assert len(data["plan_vs_actual"]) == 17
    rows = list(csv.DictReader(io.StringIO(ok("--report", "budget", "--format", "csv").stdout)))
    assert {(r["group"], r["key"], r["currency"]) for r in rows if r["group"] == "total"} == {
        ("total", "total", c) for c in ("EUR", "GBP", "USD")}
    text = ok("--report", "budget", "--width", "200").stdout
    assert "never added" in text and "By owner" in text and "Plan vs actual" in text


def test_report_review():
    out = ok("--report", "review").stdout
    assert out.startswith("Next plan review: 2026-12-11 (last: 2026-11-13)")
    assert "Coming due by the review (2026-11-22 to 2026-12-11): 3" in out
    assert "Done since the last review (2026-11-13): 3" in out
    data = json.loads(ok("--report", "review", "--format", "json").stdout)
    assert data["next_review"] == "2026-12-11"
    custom = json.loads(ok("--report", "review", "--format", "json", "--rrule",
                           "FREQ=MONTHLY;BYDAY=-1FR").stdout)
    assert custom["next_review"] == "2026-11-27" and custom["rrule_source"] == "--rrule"
    assert run("--report", "review", "--rrule", "FREQ=NEVER").exit_code == 2


def test_report_critical_path():
    out = ok("--report", "critical-path", "--width", "200").stdout
    assert ("Merlin engine qualified → Falcon 9 maiden flight → First Falcon 9 booster landing"
            " → Orbital booster reflown") in out
    data = json.loads(ok("--report", "critical-path", "--format", "json").stdout)
    assert len(data["critical_paths"]) == 5
    merlin = next(t for t in data["tasks"] if t["title"] == "Merlin engine qualified")
    assert (merlin["es"], merlin["ef"], merlin["total_float"]) == (306, 1140, 0)


def test_mermaid_structure():
    out = ok("--format", "mermaid").stdout
    lines = out.splitlines()
    assert lines[:4] == ["gantt", "    title Milestones", "    dateFormat YYYY-MM-DD",
                         "    axisFormat %Y-%m"]
    sections = [ln.strip()[8:] for ln in lines if ln.strip().startswith("section ")]
    assert "Reusable launch vehicles" in sections and "Monthly plan review cadence" in sections
    tasks = [ln.strip() for ln in lines if " :" in ln and not ln.strip().startswith("%%")]
    assert len(tasks) == 46
    ids = [t.split(" :", 1)[1].split(", ") for t in tasks]
    task_ids = []
    for meta in ids:
        tid = next(x for x in meta if x not in ("done", "active", "crit", "milestone"))
        assert re.fullmatch(r"[a-z][a-z0-9_]*", tid)
        task_ids.append(tid)
    assert len(set(task_ids)) == 46
    reflown = next(t for t in tasks if t.startswith("Orbital booster reflown"))
    assert reflown == ("Orbital booster reflown :done, crit, orbital_booster_reflown, "
                       "after first_falcon_9_booster_landing, 2017-03-30")
    review = next(t for t in tasks if t.startswith("Exotic Pet Rental plan review December"))
    assert "milestone" in review and review.endswith("2026-12-11, 0d")
    van = next(t for t in tasks if t.startswith("Climate-controlled transport van fitted"))
    assert van.split(" :")[1].startswith("active")
    for t in tasks:  # every after-reference names a task of the chart
        m = re.search(r"after ([a-z0-9_ ]+),", t)
        if m:
            assert set(m.group(1).split()) <= set(task_ids)
    by_type = ok("--format", "mermaid", "--group-by", "type").stdout
    assert [ln.strip() for ln in by_type.splitlines() if "section" in ln] == [
        "section implementation", "section assumptions validation", "section plan review"]


def test_ics_round_trip(tmp_path):
    target = tmp_path / "plan.ics"
    ok("--format", "ics", "-o", str(target))
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 47
    review = next(e for e in events if str(e["summary"]) == "Plan review")
    assert review["rrule"].to_ical() == b"FREQ=MONTHLY;BYDAY=+2FR"
    assert review.decoded("dtstart").isoformat() == "2026-11-13"
    van = next(e for e in events if str(e["summary"]) == OVERDUE[0])
    assert van.decoded("dtstart").isoformat() == "2026-10-16"
    assert van.decoded("dtend").isoformat() == "2026-10-17"
    assert str(van["uid"]) == stable_uid(
        "pages/milestones___examples___Exotic Pet Rental.md", OVERDUE[0])
    assert len({str(e["uid"]) for e in events}) == 47
    again = ok("--format", "ics").stdout_bytes
    assert again == target.read_bytes()  # stable: same plan, same bytes


def test_svg_timeline(tmp_path):
    target = tmp_path / "t.svg"
    ok("--format", "svg", "--artifact", "Exotic Pet Rental", "-o", str(target))
    data = target.read_bytes()
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    rows = {m.group(1) for i in ids if (m := re.match(r"milestone-(\d+)-", i))}
    assert rows == {str(n) for n in range(1, 11)}
    assert b"today 2026-11-22" in data and b"<dc:date>" not in data
    assert b"37d late" in data
    again = tmp_path / "again.svg"
    ok("--format", "svg", "--artifact", "Exotic Pet Rental", "-o", str(again))
    assert again.read_bytes() == data


@pytest.fixture
def graph_copy(tmp_path):
    dst = tmp_path / "graph"
    shutil.copytree(BUNDLED, dst)
    return dst


def test_write_page_round_trip(graph_copy):
    result = ok("--write-page", "milestones/roadmap", graph=graph_copy)
    assert "wrote pages/milestones___roadmap.md" in result.stderr
    page_file = graph_copy / "pages" / "milestones___roadmap.md"
    text = page_file.read_text(encoding="utf-8")
    regions = find_regions(text)
    assert [r.id for r in regions] == [REGION_ID] and not regions[0].edited
    assert "```mermaid" in text and "gantt" in text
    graph = load_graph(graph_copy)
    page = graph.resolve("milestones/roadmap")
    assert page is not None and page.file == "pages/milestones___roadmap.md"
    assert len(load_milestones(graph).milestones) == 46  # the page adds no milestones
    # second run: nothing changes
    result = ok("--write-page", "milestones/roadmap", graph=graph_copy)
    assert "unchanged" in result.stderr
    assert page_file.read_text(encoding="utf-8") == text
    # a hand edit outside the region survives a re-render with new data
    edited = text + "- My own notes about the roadmap\n"
    page_file.write_text(edited, encoding="utf-8")
    ok("--write-page", "milestones/roadmap", "--today", "2026-12-20", graph=graph_copy)
    new = page_file.read_text(encoding="utf-8")
    assert new.endswith("- My own notes about the roadmap\n")
    assert "as of 2026-12-20" in new and new != edited
    # a hand edit inside the region is not overwritten
    tampered = new.replace("### Gantt", "### Gantt (my edit)")
    page_file.write_text(tampered, encoding="utf-8")
    result = run("--write-page", "milestones/roadmap", graph=graph_copy)
    assert result.exit_code == 1 and "edited by hand" in result.stderr
    assert page_file.read_text(encoding="utf-8") == tampered
    ok("--write-page", "milestones/roadmap", "--force", graph=graph_copy)
    assert "(my edit)" not in page_file.read_text(encoding="utf-8")


def test_write_page_into_existing_page_keeps_text(graph_copy):
    page_file = graph_copy / "pages" / "Gantt Chart.md"
    before = page_file.read_text(encoding="utf-8")
    ok("--write-page", "Gantt Chart", graph=graph_copy)
    after = page_file.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))
    assert [r.id for r in find_regions(after)] == [REGION_ID]


def test_bad_input_cli(tmp_path):
    root = tmp_path / "bad"
    (root / "pages").mkdir(parents=True)
    (root / "pages" / "p.md").write_text(
        "- [[Fine]] #milestone\n  due:: 2026-12-01\n  budget:: 10 EUR\n  status:: planned\n"
        "- [[Broken]] #milestone\n  due:: 31/31/2026\n  budget:: ten euros\n"
        "  value:: high\n  depends-on:: [[Fine]]\n"
        "- #milestone [[Legacy one]]\n  no fields\n",
        encoding="utf-8",
    )
    for args in ([], ["--report", "budget"], ["--report", "critical-path"],
                 ["--report", "review"], ["--format", "mermaid"], ["--format", "ics"],
                 ["--format", "svg"], ["--sort", "value"], ["--sort", "budget"]):
        result = run(*args, graph=root)
        assert result.exit_code == 0, (args, result.output)
        assert "pages/p.md:6:" in result.stderr and "31/31/2026" in result.stderr
        assert "pages/p.md:7:" in result.stderr and "ten euros" in result.stderr
    out = ok(graph=root).stdout
    assert "Broken" in out and "Legacy one" in out
    assert "budget 10 EUR" in out
    mer = ok("--format", "mermaid", graph=root).stdout
    assert "Broken" not in mer and "Fine" in mer
    assert ok("-q", graph=root).stderr == ""


def test_color_only_when_asked():
    plain = ok("--overdue").stdout
    coloured = ok("--overdue", "--color").stdout
    assert "\x1b[" not in plain
    assert "\x1b[31m" in coloured  # overdue rows in red
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
