"""`render` and `new` on a hostile graph: templates never come from outside their folders, and
one page with bad bytes is a diagnostic naming it while the other pages are still rendered."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bmtools.cli import main
from bmtools.loader import load_graph
from bmtools.render import plan_render
from tests.conftest import BUNDLED_GRAPH as BUNDLED
from tests.conftest import RENDERED

SECRET = "S3CRET-FROM-OUTSIDE-THE-GRAPH"
# graph_copy (conftest): a copy of the bundled graph


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """A folder next to the graph holding a secret file and a template that would leak it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    (folder / "questions.md.j2").write_text(f"Leaked {SECRET}?\n", encoding="utf-8")
    (folder / "example.md.j2").write_text(f"- {SECRET}\n", encoding="utf-8")
    return folder


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def set_templates(root: Path, value: str) -> None:
    config = root / "logseq/config.edn"
    text = config.read_text(encoding="utf-8")
    assert "{:meta/version 1" in text
    config.write_text(
        text.replace(
            "{:meta/version 1", f"{{:meta/version 1 :bmtools/templates {json.dumps(value)}"
        ),
        encoding="utf-8",
    )


def snapshot(root: Path) -> dict[str, bytes]:
    """The graph's own files (links are not followed: they are what the attack plants)."""
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if not path.is_symlink() and path.is_file():
                files[str(path.relative_to(root))] = path.read_bytes()
    return dict(sorted(files.items()))


def assert_no_leak(root: Path, result) -> None:
    assert SECRET not in result.output
    for rel, data in snapshot(root).items():
        assert SECRET.encode() not in data, rel


def assert_no_crash(result) -> None:
    text = result.output
    assert "internal error" not in text and "Traceback" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), text
    assert result.exit_code in (0, 1, 2), text


# ------------------------------------------------------------------------------------------
# Item 3: templates read only from inside their folders


@pytest.mark.parametrize("how", ["included", "shadowing"])
def test_symlinked_template_file_out_of_the_folder_is_refused(graph_copy, outside, how):
    tpl = graph_copy / "tpl"
    tpl.mkdir()
    if how == "included":  # the attack: leak -> /etc/passwd, {% include "leak" %}
        (tpl / "questions.md.j2").write_text('{% include "leak" %}\n', encoding="utf-8")
        (tpl / "leak").symlink_to(outside / "secret.txt")
        shown = "tpl/leak"
    else:  # the template itself is a link to a file outside
        (tpl / "questions.md.j2").symlink_to(outside / "questions.md.j2")
        shown = "tpl/questions.md.j2"
    set_templates(graph_copy, "tpl")
    before = snapshot(graph_copy)
    result = run("render", str(graph_copy))
    assert result.exit_code == 2, result.output
    assert shown in result.stderr and "template refused" in result.stderr
    assert f"outside {graph_copy / 'tpl'}" in result.stderr
    assert_no_crash(result)
    assert_no_leak(graph_copy, result)
    assert snapshot(graph_copy) == before


def test_symlinked_template_folder_out_of_the_graph_is_ignored(graph_copy, outside):
    (graph_copy / "tpl").symlink_to(outside, target_is_directory=True)
    set_templates(graph_copy, "tpl")
    check = run("render", str(graph_copy), "--check")
    assert check.exit_code == 0, check.output  # the shipped templates: the graph is up to date
    assert 'logseq/config.edn: warning: :bmtools/templates "tpl"' in check.stderr
    assert "outside the graph: ignored, the shipped templates are used" in check.stderr
    before = snapshot(graph_copy)
    result = run("render", str(graph_copy))
    assert result.exit_code == 0, result.output
    assert_no_leak(graph_copy, result)
    assert snapshot(graph_copy) == before


@pytest.mark.parametrize("kind", ["absolute", "climbing"])
def test_templates_setting_outside_the_graph_is_ignored(graph_copy, outside, kind):
    value = str(outside) if kind == "absolute" else "../outside"
    set_templates(graph_copy, value)
    before = snapshot(graph_copy)
    result = run("render", str(graph_copy))
    assert result.exit_code == 0, result.output
    assert f"logseq/config.edn: warning: :bmtools/templates {json.dumps(value)}" in result.stderr
    assert "the shipped templates are used" in result.stderr
    assert_no_leak(graph_copy, result)
    assert snapshot(graph_copy) == before
    # `new` reads the same setting: the page comes from the shipped example template
    created = run("new", "example", "milestones", "Orbital hotel", "--graph", str(graph_copy))
    assert created.exit_code == 0, created.output
    assert "the shipped templates are used" in created.stderr
    assert_no_leak(graph_copy, created)
    assert (graph_copy / "pages/milestones___examples___Orbital hotel.md").is_file()


@pytest.mark.parametrize(
    "include", ["../../outside/secret.txt", "../../../../../../etc/passwd", "sub/secret.txt"]
)
def test_include_traversal_out_of_the_templates_folder_is_refused(graph_copy, outside, include):
    tpl = graph_copy / "tpl"
    tpl.mkdir()
    (tpl / "sub").symlink_to(outside, target_is_directory=True)  # a folder link, for sub/…
    (tpl / "questions.md.j2").write_text(
        f"Why {{{{ artifact.name }}}}?\n{{% include {include!r} %}}\n", encoding="utf-8"
    )
    set_templates(graph_copy, "tpl")
    before = snapshot(graph_copy)
    result = run("render", str(graph_copy))
    assert result.exit_code == 2, result.output
    # the including template and its line, the name and why it was refused
    assert f"{tpl / 'questions.md.j2'}:2: " in result.stderr
    assert "template refused" in result.stderr and f"outside {tpl}" in result.stderr
    assert_no_crash(result)
    assert_no_leak(graph_copy, result)
    assert "root:" not in result.output  # nothing of /etc/passwd either
    assert snapshot(graph_copy) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_fifo_as_template_is_refused_before_it_is_opened(graph_copy, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    os.mkfifo(mine / "questions.md.j2")  # opening it to read would block for ever
    before = snapshot(graph_copy)
    result = run("render", str(graph_copy), "--templates", str(mine))
    assert result.exit_code == 2, result.output
    assert f"{mine / 'questions.md.j2'}: template refused: a FIFO" in result.stderr
    assert_no_crash(result)
    assert snapshot(graph_copy) == before


def test_new_example_with_a_template_linked_out_of_the_folder_is_refused(graph_copy, outside):
    tpl = graph_copy / "tpl"
    tpl.mkdir()
    (tpl / "example.md.j2").symlink_to(outside / "example.md.j2")
    set_templates(graph_copy, "tpl")
    result = run("new", "example", "milestones", "Orbital hotel", "--graph", str(graph_copy))
    assert result.exit_code == 2, result.output
    assert "tpl/example.md.j2: template refused" in result.stderr
    assert_no_crash(result)
    assert_no_leak(graph_copy, result)
    assert not (graph_copy / "pages/milestones___examples___Orbital hotel.md").exists()


# ------------------------------------------------------------------------------------------
# Item 5: one page with bad bytes does not stop the others


def put_bad_byte(page: Path, anchor: bytes) -> int:
    """Insert an invalid UTF-8 byte right after ``anchor``; the 1-based line it lands on."""
    data = page.read_bytes()
    at = data.index(anchor) + len(anchor)
    page.write_bytes(data[:at] + b"\xff" + data[at:])
    return data.count(b"\n", 0, at) + 1


def test_bad_utf8_in_an_artifact_page_is_reported_and_the_others_rendered(graph_copy):
    info = graph_copy / "pages/milestones___info.md"
    line = put_bad_byte(info, b"A milestone is a dated,")
    bad = info.read_bytes()
    tactic = graph_copy / "pages/tactic.md"  # a declaration edit puts its summary out of date
    tactic.write_bytes(
        tactic.read_bytes().replace(
            b"description:: The strategy this tactic serves.", b"description:: The strategy."
        )
    )
    check = run("render", str(graph_copy), "--check")
    assert check.exit_code == 1, check.output
    assert f"pages/milestones___info.md:{line}: error: invalid UTF-8" in check.stderr
    assert "pages/tactic.md: out of date (field-summary)" in check.stdout
    assert "1 not rendered" in check.stdout
    assert_no_crash(check)
    result = run("render", str(graph_copy), "--diff")
    assert result.exit_code == 1, result.output
    assert f"pages/milestones___info.md:{line}: error: invalid UTF-8" in result.stderr
    assert "updated pages/tactic.md" in result.stdout
    assert "**strategy** · page of [[strategy]], required — The strategy." in tactic.read_text(
        encoding="utf-8"
    )
    assert info.read_bytes() == bad  # never rewritten: its bytes outside regions are the user's


def test_bad_utf8_in_a_class_page_is_reported_and_the_others_rendered(graph_copy):
    cls = graph_copy / "pages/milestone.md"
    line = put_bad_byte(cls, b"A milestone is written as a block")
    bad = cls.read_bytes()
    # a new example puts the artifact page's Examples region out of date
    (graph_copy / "pages/milestones___examples___Orbital hotel.md").write_text(
        "- A hotel in orbit.\n", encoding="utf-8"
    )
    check = run("render", str(graph_copy), "--check")
    assert check.exit_code == 1, check.output
    assert f"pages/milestone.md:{line}: error: invalid UTF-8" in check.stderr
    assert "pages/milestones___info.md: out of date (examples)" in check.stdout
    assert_no_crash(check)
    result = run("render", str(graph_copy))
    assert result.exit_code == 1, result.output
    assert f"pages/milestone.md:{line}: error: invalid UTF-8" in result.stderr
    info = (graph_copy / "pages/milestones___info.md").read_text(encoding="utf-8")
    assert "{{embed [[milestones/examples/Orbital hotel]]}}" in info
    assert cls.read_bytes() == bad


def test_bad_utf8_in_the_page_an_item_is_appended_to(graph_copy):
    page = graph_copy / "pages/milestones___examples___Space X.md"
    line = put_bad_byte(page, b"- ")
    bad = page.read_bytes()
    result = run(
        "new", "item", "milestone", "--page", "milestones/examples/Space X",
        "--graph", str(graph_copy),
        "--title", "Starship orbital flight",
        "--set", "description=Starship reaches orbit.",
        "--set", "due=2026-06-30",
        "--set", "budget=250,000,000 USD",
        "--set", "owner=[[Elon Musk]]",
        "--set", "milestone-type=implementation",
        "--set", "tactic=Reusable launch vehicles",
        "--set", "status=planned",
        "--set", "value=9",
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert f"milestones___examples___Space X.md:{line}: invalid UTF-8" in result.stderr
    assert_no_crash(result)
    assert page.read_bytes() == bad


def test_page_swapped_for_a_link_out_of_the_graph_after_loading_is_not_read(graph_copy, outside):
    graph = load_graph(graph_copy)
    tactic = graph_copy / "pages/tactic.md"
    (outside / "tactic.md").write_bytes(tactic.read_bytes().replace(b"A concrete", SECRET.encode()))
    tactic.unlink()
    tactic.symlink_to(outside / "tactic.md")
    plan = plan_render(graph)
    assert [(p.file, p.severity) for p in plan.problems] == [("pages/tactic.md", "error")]
    assert "outside the graph" in plan.problems[0].message
    assert sorted(p.file for p in plan.pages) == sorted(set(RENDERED) - {"pages/tactic.md"})
    assert all(SECRET not in p.old + p.new for p in plan.pages)


FUZZ_TARGETS = sorted(
    [
        *RENDERED,
        *(f"pages/{p.name}" for p in (BUNDLED / "pages").glob("milestones___examples___*.md")),
        "pages/class.md",
        "pages/artifact info.md",
        "pages/example.md",
    ]
)


def mutate(data: bytes, rng: random.Random) -> bytes:
    """Flip, insert or drop a few bytes, biased towards bytes that break UTF-8."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        pos = rng.randrange(len(out))
        value = rng.choice([0xFF, 0xFE, 0x80, 0xC3, 0xE2, 0xF0, rng.randrange(256)])
        op = rng.random()
        if op < 0.6:
            out[pos] = value
        elif op < 0.8:
            out.insert(pos, value)
        else:
            del out[pos]
    return bytes(out)


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_flipped_bytes_in_class_artifact_and_example_pages_never_crash(tmp_path):
    """A seeded, bounded fuzz (the full one ran 300+ rounds): random byte flips in copies of
    the bundled graph; render --check, render --diff, render and new example never end in a
    traceback or 'internal error', and a page that is not UTF-8 is named and never rewritten."""
    rng = random.Random(20240605)
    named = 0
    for round_ in range(8):
        root = tmp_path / f"g{round_}"
        shutil.copytree(BUNDLED, root)
        hit = [rng.choice(RENDERED), *rng.sample(FUZZ_TARGETS, rng.randint(0, 2))]
        for rel in dict.fromkeys(hit):
            page = root / rel
            data = mutate(page.read_bytes(), rng)
            if rel == hit[0]:  # at least one rendered page surely carries a bad byte
                at = rng.randrange(len(data))
                data = data[:at] + b"\xff" + data[at:]
            page.write_bytes(data)
        broken = {
            rel: (root / rel).read_bytes() for rel in hit if not is_utf8((root / rel).read_bytes())
        }
        assert broken
        for args in (
            ["render", str(root), "--check"],
            ["render", str(root), "--diff"],
            ["render", str(root)],
            ["new", "example", "milestones", f"Fuzz {round_}", "--graph", str(root)],
        ):
            result = run(*args)
            assert_no_crash(result)
            if args[0] == "render":
                named += sum(f"{rel}:" in result.stderr for rel in broken)
        for rel, data in broken.items():
            assert (root / rel).read_bytes() == data, rel
    assert named  # the bad pages were reported by name, not only survived
