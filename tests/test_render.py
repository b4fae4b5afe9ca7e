"""Round trips of `bmtools new` and `bmtools render` on copies of the bundled graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bmtools.cli import main
from bmtools.items import extract_items
from bmtools.loader import load_graph
from bmtools.metamodel import load_metamodel
from bmtools.model import PAGE_EMBED
from bmtools.render import render_graph
from bmtools.render.new import NewError, new_artifact, new_class, new_example
from bmtools.render.regions import find_regions
from tests.conftest import BUNDLED_GRAPH as BUNDLED
from tests.conftest import RENDERED, REPO

# graph_copy (conftest): a copy of the bundled graph


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def lint_errors(root: Path) -> list:
    try:
        from bmtools.lint import lint_graph
    except ImportError:  # pragma: no cover - lint is another feature
        return []
    return [d for d in lint_graph(load_graph(root)) if d.severity == "error"]


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


# ------------------------------------------------------------------------------------------
# The committed graph


def test_bundled_graph_is_up_to_date():
    before = snapshot(BUNDLED)
    result = run("render", str(BUNDLED), "--check")
    assert result.exit_code == 0, result.output
    assert "5 pages up to date" in result.output
    assert snapshot(BUNDLED) == before


def test_bundled_rendered_pages_carry_sealed_regions():
    for rel in RENDERED:
        regions = find_regions((BUNDLED / rel).read_text(encoding="utf-8"))
        assert regions, rel
        assert all(not r.edited for r in regions), rel


def test_bundled_graph_lints_without_errors():
    assert lint_errors(BUNDLED) == []


def test_config_hides_region_markers():
    graph = load_graph(BUNDLED)
    assert {"bmtools-managed", "bmtools-hash"} <= set(graph.config.raw["block-hidden-properties"])


# ------------------------------------------------------------------------------------------
# render


def test_second_render_changes_nothing(graph_copy):
    before = snapshot(graph_copy)
    plan = render_graph(graph_copy)
    assert plan.up_to_date and plan.written == []
    assert snapshot(graph_copy) == before


def test_new_example_appears_in_artifact_examples(graph_copy):
    result = run("new", "example", "milestones", "Lunar greenhouse", "--graph", str(graph_copy))
    assert result.exit_code == 0, result.output
    assert "created pages/milestones___examples___Lunar greenhouse.md" in result.output
    check = run("render", str(graph_copy), "--check")
    assert check.exit_code == 1
    assert "pages/milestones___info.md: out of date (examples)" in check.output
    diff = run("render", str(graph_copy), "--dry-run", "--diff")
    assert "+\t- ### milestones/examples/Lunar greenhouse" in diff.output
    assert run("render", str(graph_copy)).exit_code == 0
    graph = load_graph(graph_copy)
    info = graph.pages["milestones/info"]
    embeds = [r.target for b in info.blocks for r in b.refs if r.kind == PAGE_EMBED]
    assert "milestones/examples/lunar greenhouse" in embeds
    assert run("render", str(graph_copy), "--check").exit_code == 0
    assert lint_errors(graph_copy) == []


def test_field_added_to_class_appears_on_class_page(graph_copy):
    page = graph_copy / "pages/tactic.md"
    text = page.read_text(encoding="utf-8")
    addition = "\t- field:: horizon\n\t  type:: date\n\t  description:: When the tactic ends.\n"
    text = text.replace("- ## Field summary", addition + "- ## Field summary", 1)
    page.write_text(text, encoding="utf-8")
    plan = render_graph(graph_copy)
    assert [p.file for p in plan.changed] == ["pages/tactic.md"]
    new = page.read_text(encoding="utf-8")
    assert "\t- **horizon** · date — When the tactic ends.\n" in new
    assert new.startswith(text.split("- ## Field summary")[0])
    assert render_graph(graph_copy).written == []


def test_edited_description_survives_byte_for_byte(graph_copy):
    page = graph_copy / "pages/milestones___info.md"
    text = page.read_text(encoding="utf-8")
    edited = text.replace(
        "- ## 📖 Description\n",
        "- ## 📖 Description\n\t- My own words, with [[links]] and  two  spaces.   \n",
    )
    page.write_text(edited, encoding="utf-8")
    run("new", "example", "milestones", "Orbital hotel", "--graph", str(graph_copy))
    assert run("render", str(graph_copy)).exit_code == 0
    after = page.read_text(encoding="utf-8")
    assert "\t- My own words, with [[links]] and  two  spaces.   \n" in after
    head = edited.split("- ## 👉 Examples")[0]
    tail = edited.split("- ## 🗄️ Topics")[1]
    assert after.startswith(head) and after.endswith("- ## 🗄️ Topics" + tail)
    assert "Orbital hotel" in after


def test_edited_region_survives_and_is_reported(graph_copy):
    page = graph_copy / "pages/milestones___info.md"
    text = page.read_text(encoding="utf-8")
    edited = text.replace("\t- Content is of type list.", "\t- Content is a list I rewrote.")
    page.write_text(edited, encoding="utf-8")
    run("new", "example", "milestones", "Orbital hotel", "--graph", str(graph_copy))
    result = CliRunner().invoke(main, ["render", str(graph_copy)])
    assert result.exit_code == 1
    line = edited.split("\n").index("- ## 📰 Content type (milestone)") + 1
    assert (
        f"pages/milestones___info.md:{line}: region 'content-type' was edited by hand"
        in result.stderr
    )
    after = page.read_text(encoding="utf-8")
    assert "Content is a list I rewrote." in after
    assert "Orbital hotel" in after  # the other regions were still rendered
    forced = run("render", str(graph_copy), "--force")
    assert forced.exit_code == 0
    assert "I rewrote" not in page.read_text(encoding="utf-8")
    assert run("render", str(graph_copy), "--check").exit_code == 0


def test_check_and_dry_run_write_nothing(graph_copy):
    run("new", "example", "milestones", "Orbital hotel", "--graph", str(graph_copy))
    before = snapshot(graph_copy)
    assert run("render", str(graph_copy), "--check").exit_code == 1
    assert run("render", str(graph_copy), "--dry-run").exit_code == 0
    assert snapshot(graph_copy) == before


def test_user_templates_shadow_file_by_file(graph_copy, tmp_path):
    mine = tmp_path / "tpl"
    mine.mkdir()
    (mine / "questions.md.j2").write_text(
        "What is the one {{ artifact.name }} that matters, and {{ '[[x]]' }}?\n", encoding="utf-8"
    )
    result = run("render", str(graph_copy), "--templates", str(mine))
    assert result.exit_code == 0, result.output
    text = (graph_copy / "pages/milestones___info.md").read_text(encoding="utf-8")
    assert "\t\t- What is the one milestones that matters, and [ [x] ]?\n" in text
    assert "Content uses the following classes:" in text  # artifact.md.j2 still shipped


def test_templates_are_sandboxed(graph_copy, tmp_path):
    mine = tmp_path / "tpl"
    mine.mkdir()
    (mine / "questions.md.j2").write_text(
        "{{ artifact.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["render", str(graph_copy), "--templates", str(mine)])
    assert result.exit_code != 0
    assert "rendering the artifact template failed" in result.stderr


# ------------------------------------------------------------------------------------------
# new


def test_new_pages_parse_back_and_lint(graph_copy):
    a = new_artifact(
        graph_copy,
        "risks",
        definition="Risks are uncertain events that would hurt the business model.",
        classes=["risk"],
        relations=["milestones"],
        weight="30",
    )
    c = new_class(graph_copy, "risk", description="An uncertain event.", extends="milestone")
    e = new_example(graph_copy, "risks", "Space X")
    assert (a.file, c.file, e.file) == (
        "pages/risks___info.md",
        "pages/risk.md",
        "pages/risks___examples___Space X.md",
    )
    graph = load_graph(graph_copy)
    info = graph.pages["risks/info"]
    assert info.properties["page-type"].value == ["artifact info"]
    assert info.properties["metamodel-id"].value == ["risks"]
    assert info.properties["item-classes"].value == ["risk"]
    assert info.properties["relations"].value == ["milestones"]
    assert info.properties["weight"].value == 30
    headings = [b.title for b in info.top_blocks()]
    assert headings == [
        "🔍 Definition",
        "📰 Content type (risk)",
        "🔑 Keys",
        "🤖 innCoPilot",
        "📖 Description",
        "👉 Examples",
        "🗄️ Topics",
        "🧰 Tools",
    ]
    refs = {(r.kind, r.target) for b in info.blocks for r in b.refs}
    assert {(PAGE_EMBED, "risk"), ("page-ref", "risk"), ("page-ref", "milestones")} <= refs
    questions = [b for b in info.blocks if b.properties.get("bmtools-managed")]
    assert [b.properties["bmtools-managed"].raw for b in questions] == [
        "content-type",
        "inncopilot",
        "examples",
    ]
    inncopilot = questions[1]
    assert len(info.children(inncopilot)) == 6
    assert info.children(inncopilot)[0].title.startswith('We define risks as: "Risks are')
    class_page = graph.pages["risk"]
    assert class_page.properties["extends"].value == ["milestone"]
    summary = [b for b in class_page.top_blocks() if b.title == "Field summary"][0]
    lines = [c.title for c in class_page.children(summary)]
    assert "**due** · date, required · from milestone — The day the milestone must be reached." in (
        lines
    )
    mm = load_metamodel(graph)
    risk = mm.classes["risk"]
    assert risk.extends == "milestone" and "due" in risk.fields
    assert risk.fields["description"].is_required
    assert [x.page.title for x in mm.artifacts if x.page.name == "risks/info"] == ["risks/info"]
    example = graph.pages["risks/examples/space x"]
    assert example.properties["artifact"].value == ["risks/info"]
    # The fresh pages are already rendered: render finds the new example, nothing else.
    plan = render_graph(graph_copy)
    assert [(p.file, p.changed_ids) for p in plan.changed] == [
        ("pages/risks___info.md", ["examples"])
    ]
    assert render_graph(graph_copy).written == []
    assert lint_errors(graph_copy) == []


def test_new_item_appends_and_parses_back(graph_copy):
    page = graph_copy / "pages/milestones___examples___Space X.md"
    before = page.read_bytes()
    result = run(
        "new", "item", "milestone", "--page", "milestones/examples/Space X",
        "--graph", str(graph_copy),
        "--title", "Starship orbital flight",
        "--set", "description=Starship reaches orbit and splashes down on target.",
        "--set", "due=2026-06-30",
        "--set", "budget=250,000,000 USD",
        "--set", "owner=[[Elon Musk]]",
        "--set", "milestone-type=implementation",
        "--set", "tactic=Reusable launch vehicles",
        "--set", "status=planned",
        "--set", "value=9",
        "--set", "depends-on=Orbital booster reflown, Merlin engine qualified",
        "--task", "Stack ship and booster",
        "--task", "Obtain the launch licence",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    after = page.read_bytes()
    assert after.startswith(before)
    graph = load_graph(graph_copy)
    items = [i for i in extract_items(graph, load_metamodel(graph))]
    item = next(i for i in items if i.title == "Starship orbital flight")
    assert item.cls == "milestone" and item.page.file == "pages/milestones___examples___Space X.md"
    assert item.raw("owner") == ["Elon Musk"]
    assert item.raw("depends-on") == ["Orbital booster reflown", "Merlin engine qualified"]
    assert item.raw("value") == 9 and item.raw("due") == "2026-06-30"
    assert [t.title for t in item.tasks] == ["Stack ship and booster", "Obtain the launch licence"]
    assert all(t.marker == "TODO" for t in item.tasks)
    assert lint_errors(graph_copy) == []


@pytest.mark.parametrize(
    "args,message",
    [
        (["milestone", "--title", "X", "--set", "colour=red"], "not a field"),
        (["milestone", "--title", "X", "--set", "due=2026-01-01"], "required field"),
        (["nope", "--title", "X"], "no class"),
        (["milestone", "--set", "due=2026-01-01"], "needs a title"),
    ],
)
def test_new_item_refuses_bad_input(graph_copy, args, message):
    result = CliRunner().invoke(
        main, ["new", "item", *args, "--page", "p", "--graph", str(graph_copy)]
    )
    assert result.exit_code == 2 and message in result.stderr


def test_new_refuses_to_overwrite(graph_copy):
    before = snapshot(graph_copy)
    for args in (
        ["artifact", "milestones"],
        ["class", "milestone"],
        ["class", "Milestone"],
        ["example", "milestones", "Space X"],
    ):
        result = CliRunner().invoke(main, ["new", *args, "--graph", str(graph_copy)])
        assert result.exit_code == 2, args
        assert "already exists" in result.stderr
    assert snapshot(graph_copy) == before


@pytest.mark.parametrize(
    "name", ["../../x", "../x", "a/../../b", "/etc/passwd", "a//b", "x\ny", "a [[b]]", " x"]
)
def test_new_refuses_escaping_and_broken_names(graph_copy, name):
    before = snapshot(graph_copy)
    with pytest.raises(NewError):
        new_class(graph_copy, name)
    with pytest.raises(NewError):
        new_example(graph_copy, "milestones", name)
    assert snapshot(graph_copy) == before
    assert not (graph_copy.parent / "x.md").exists()


def test_new_follows_legacy_name_format(tmp_path):
    root = tmp_path / "legacy"
    (root / "pages").mkdir(parents=True)
    (root / "logseq").mkdir()
    (root / "logseq/config.edn").write_text("{:meta/version 1}", encoding="utf-8")
    created = new_artifact(root, "risks", definition="Things that may go wrong.")
    assert created.file == "pages/risks.info.md"
    assert load_graph(root).resolve("risks/info") is not None
    ex = new_example(root, "risks", "v1.0 launch")
    assert ex.file == "pages/risks.examples.v1%2E0 launch.md"
    assert load_graph(root).resolve("risks/examples/v1.0 launch") is not None


def test_new_dry_run_writes_nothing(graph_copy):
    before = snapshot(graph_copy)
    result = run("new", "class", "risk", "--graph", str(graph_copy), "--dry-run")
    assert result.exit_code == 0
    assert "page-type:: [[class]]" in result.output
    assert snapshot(graph_copy) == before


def test_templates_are_packaged():
    """The shipped templates are package data of ``bmtools.templates`` (a non-editable
    ``pip install .`` was checked to ship them; building a wheel here needs the network)."""
    import fnmatch
    import tomllib

    from bmtools.render.engine import TEMPLATE_NAMES, shipped_templates_dir

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    tool = config["tool"]["setuptools"]
    assert "bmtools.templates" in tool["packages"]
    assert tool["package-dir"]["bmtools.templates"] == "templates"
    patterns = tool["package-data"]["bmtools.templates"]
    folder = shipped_templates_dir()
    for name in TEMPLATE_NAMES.values():
        assert (folder / name).is_file()
        assert any(fnmatch.fnmatch(name, pat) for pat in patterns), name
    # Every Python package of bmtools is listed (a missing one breaks non-editable installs).
    found = {
        ".".join(p.parent.relative_to(REPO).parts)
        for p in (REPO / "bmtools").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found <= set(tool["packages"]), found - set(tool["packages"])


def test_templates_folder_from_config_edn(graph_copy):
    (graph_copy / "tpl").mkdir()
    (graph_copy / "tpl/questions.md.j2").write_text("Why {{ artifact.name }}?\n", encoding="utf-8")
    config = graph_copy / "logseq/config.edn"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("{:meta/version 1", '{:meta/version 1 :bmtools/templates "tpl"'))
    assert run("render", str(graph_copy)).exit_code == 0
    page = (graph_copy / "pages/milestones___info.md").read_text(encoding="utf-8")
    assert "\t\t- Why milestones?\n" in page


def test_new_pages_follow_a_space_indented_graph(tmp_path):
    root = tmp_path / "spaces"
    (root / "pages").mkdir(parents=True)
    (root / "logseq").mkdir()
    (root / "logseq/config.edn").write_text("{:file/name-format :triple-lowbar}", encoding="utf-8")
    (root / "pages/notes.md").write_text("- a\n  - b\n    - c\n", encoding="utf-8")
    created = new_artifact(root, "risks", classes=["milestone"], weight="1", relations=["x"])
    assert "\n  - Content is of type list.\n" in created.text and "\t" not in created.text
    assert render_graph(root).written == []
    graph = load_graph(root)
    info = graph.pages["risks/info"]
    section = [b for b in info.top_blocks() if b.title.startswith("📰")][0]
    assert [c.title for c in info.children(section)][0] == "Content is of type list."


def test_render_refuses_to_write_through_a_symlink_out_of_the_graph(graph_copy, tmp_path):
    outside = tmp_path / "outside"
    shutil.move(str(graph_copy / "pages"), outside)
    (graph_copy / "pages").symlink_to(outside, target_is_directory=True)
    before = (outside / "milestones___info.md").read_bytes()
    (outside / "milestones___examples___Orbital hotel.md").write_text("- x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(graph_copy)])
    assert "Traceback" not in result.output
    assert (outside / "milestones___info.md").read_bytes() == before
    assert (outside / "milestones___examples___Orbital hotel.md").read_text() == "- x\n"
    # the linked folder is not read at all (docs/security.md); lint says why
    lint = CliRunner().invoke(main, ["lint", str(graph_copy), "--no-cache"])
    assert "pages: BM008 symbolic link to a folder outside the graph" in lint.output


def test_render_keeps_bom_and_crlf(graph_copy):
    page = graph_copy / "pages/tactic.md"
    crlf = page.read_bytes().replace(b"\n", b"\r\n")
    # a BOM hides the first line from Logseq (BM024): here it stands on a blank line of its own
    body = crlf.replace(b"The strategy this tactic serves.", b"Why.")
    page.write_bytes(b"\xef\xbb\xbf\r\n" + body)
    plan = render_graph(graph_copy)
    assert [p.file for p in plan.changed] == ["pages/tactic.md"]
    data = page.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\n" not in data.replace(b"\r\n", b"")
    assert b"\t- **strategy** \xc2\xb7 page of [[strategy]], required \xe2\x80\x94 Why.\r\n" in data
    assert render_graph(graph_copy).written == []


def test_real_seed_page_is_left_alone_until_adopted(tmp_path):
    root = tmp_path / "seed"
    (root / "pages").mkdir(parents=True)
    (root / "logseq").mkdir()
    (root / "logseq/config.edn").write_text("{:file/name-format :triple-lowbar}", encoding="utf-8")
    page = root / "pages/business project___milestones___info.md"
    shutil.copy(REPO / "tests/fixtures/seed_milestones_info.md", page)
    (root / "pages/milestones___examples___Space X.md").write_text("- x\n", encoding="utf-8")
    before = page.read_bytes()
    plan = render_graph(root)  # relations:: [[]] and mojibake do not get in the way
    assert plan.pages[0].missing_ids == ["content-type", "inncopilot", "examples"]
    assert page.read_bytes() == before
    text = before.decode("utf-8")
    lines = text.split("\n")
    k = next(i for i, line in enumerate(lines) if line.startswith("- ## ") and "Examples" in line)
    lines.insert(k + 1, "  bmtools-managed:: examples")
    page.write_text("\n".join(lines), encoding="utf-8")
    adopted = render_graph(root)
    assert [c.reason for c in adopted.pages[0].conflicts] == ["has no bmtools-hash"]
    forced = render_graph(root, force=True)
    assert forced.written == ["pages/business project___milestones___info.md"]
    after = page.read_text(encoding="utf-8")
    assert "{{embed [[milestones/examples/Space X]]}}" in after
    assert after.split("- ## ")[1] == text.split("- ## ")[1]  # Definition untouched
    assert render_graph(root).written == []
