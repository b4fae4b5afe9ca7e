"""Fixes never damage a page: every fix offered, safe or unsafe, applied on its own or all
together, leaves the page read again with the same blocks, the same properties and the same
references, except what the fix says it changes; a fix that would do more is refused."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from bmtools.cli import main
from bmtools.lint import Settings, lint_graph
from bmtools.lint.fix import Edit, Fix, Means, apply_edits, check_fix, reread, verified_edits
from bmtools.loader import load_graph
from bmtools.model import TAG

REPO = Path(__file__).resolve().parent.parent
ALL = Settings(select=["ALL"])

# Pages of the kind real graphs hold, with every trap a fix can meet: CRLF and tabs, a BOM,
# mojibake in a title, a ref and a property, Spanish and French text that only looks like
# mojibake, comma lists and description sentences, tags swallowing brackets, invalid keys,
# a YAML list in front matter, select typos on items.
MESSY = {
    "pages/Supplier review.md": (
        "\ufefftitle:: Supplier review\r\n"
        "tags:: [[suppliers]], logistics\r\n"
        "\r\n"
        "- Call the caf\u00c3\u00a9 owner (#urgent) and the bakery [#urgent]\r\n"
        "\t- Ask about [[caf\u00c3\u00a9 supplies]] and the \u201c\u00e9xito\u201d of the pilot\r\n"
        "\t  cost(EUR):: 1200\r\n"
        "\t  partners:: [[Bakery Ltd]], Dairy co-op, [[february 21, 2017]]\r\n"
        "- ## \uf8ff\u00fc\u00ee\u00e7 Findings\r\n"
        "  description:: A menu that opens on right-click, with actions for [[Whiteboard]]\r\n"
        "  - L\u2019\u00e9t\u00e9 dernier \u2014 \u00abr\u00e9sum\u00e9\u00bb (see #notes)\r\n"
    ),
    "pages/front matter.md": (
        "---\ntitle: Front matter page\ntags: [plan, 2025]\nalias: [fm]\n---\n\n- body #x)\n"
    ),
    "pages/milestones___examples___Messy.md": (
        "page-type:: [[example]]\n"
        "artifact:: [[milestones/info]]\n"
        "\n"
        "- [[Messy launch]] #milestone\n"
        "  description:: Launch the messy product.\n"
        "  due:: 2026-05-01\n"
        "  budget:: \u20ac5k\n"
        "  owner:: [[Lucía Ferrer]]\n"
        "  milestone-type:: implementaton\n"
        "  status:: in progres\n"
        "  depends-on:: [[Event planner interviews on exotic animal demand]], Beta live\n"
        "\t- TODO write the plan (#plan)\n"
    ),
}


def messy_graph(root: Path) -> Path:
    shutil.copytree(REPO / "graph", root)
    for rel, text in MESSY.items():
        (root / rel).write_bytes(text.encode("utf-8"))
    return root


def ref_counts(page, lines: set[int] | None = None) -> Counter:
    """(kind, target) of the refs of a page, outside ``lines`` when given."""
    return Counter(
        (r.kind, r.target)
        for b in page.blocks
        for r in b.refs
        if lines is None or r.line not in lines
    )


def props(page, lines: set[int]) -> set:
    """Every property of the page and its blocks that sits outside ``lines``."""
    out = {("page", p.key, p.raw) for p in page.properties.values() if p.line not in lines}
    for b in page.blocks:
        for group in (b.properties.values(), b.invalid_properties, b.ignored_properties):
            out |= {(b.index, p.key, p.raw) for p in group if p.line not in lines}
    return out


def edited_lines(text: str, edits) -> set[int]:
    out = set()
    for e in edits:
        first = text.count("\n", 0, e.start_offset) + 1
        out |= set(range(first, first + text.count("\n", e.start_offset, e.end_offset) + 1))
    return out


def offered_fixes(root: Path):
    graph = load_graph(root)
    pages = {p.file: p for p in graph.pages.values() if p.file}
    diags = [d for d in lint_graph(graph, ALL) if d.fix is not None]
    return graph, pages, diags


def test_every_offered_fix_changes_only_what_it_means(tmp_path):
    root = messy_graph(tmp_path / "g")
    graph, pages, diags = offered_fixes(root)
    codes = Counter(d.code for d in diags)
    # The messy pages do offer fixes of every kind there is (else this test proves little).
    assert set(codes) == {"BM201", "BM203", "BM204", "BM205", "BM206", "BM403"}, codes
    for d in diags:
        page = pages[d.file]
        fixed, applied = apply_edits(page.source, list(d.fix.edits))
        assert len(applied) == len(d.fix.edits)
        assert (
            check_fix(
                page.source, fixed, list(d.fix.edits), d.fix.means, d.file, graph.config, page.bom
            )
            == []
        ), (d.code, d.line, d.message)
        # And independently of check_fix: read again, nothing outside the edit moved.
        old = reread(page.source, d.file, graph.config, page.bom)
        new = reread(fixed, d.file, graph.config, page.bom)
        lines = edited_lines(page.source, d.fix.edits)
        assert [(b.parent, b.level) for b in new.blocks] == [
            (b.parent, b.level) for b in old.blocks
        ]
        assert props(new, lines) == props(old, lines), (d.code, d.line)
        assert ref_counts(new, lines) == ref_counts(old, lines), (d.code, d.line)
        pos, rebuilt = 0, []  # the text between the edits is what it was
        for e in sorted(d.fix.edits, key=lambda e: e.start_offset):
            rebuilt += [page.source[pos : e.start_offset], e.replacement]
            pos = e.end_offset
        assert fixed == "".join(rebuilt) + page.source[pos:]


def test_fix_all_on_a_copy_of_the_bundled_graph_with_messy_pages(tmp_path):
    root = messy_graph(tmp_path / "g")
    before = load_graph(root)
    r = CliRunner().invoke(
        main, ["lint", str(root), "--select", "ALL", "--fix", "--unsafe-fixes", "--no-cache"]
    )
    assert "not applied" not in r.output, r.output
    after = load_graph(root)
    assert sorted(after.pages) == sorted(before.pages)
    for name, page in before.pages.items():
        if page.file is None:
            continue
        new = after.pages[name]
        assert len(new.blocks) == len(page.blocks), name
        if page.file not in MESSY:  # no fix touches the bundled pages
            assert new.source == page.source
    supplier = after.pages["supplier review"]
    text = supplier.source
    assert (
        "caf\u00e9 owner (#urgent ) and the bakery [#urgent ]" in text
        and "[[caf\u00e9 supplies]]" in text
    )
    assert "\u201c\u00e9xito\u201d" in text  # Spanish quotes are no mojibake: untouched
    assert "L\u2019\u00e9t\u00e9 dernier \u2014 \u00abr\u00e9sum\u00e9\u00bb" in text
    assert "## \U0001f50d Findings" in text and "cost-EUR:: 1200" in text
    assert "[[Bakery Ltd]], [[Dairy co-op]], [[february 21, 2017]]" in text
    # No ref was wrapped around a sentence, none was split inside [[...]].
    assert "description:: A menu that opens on right-click, with actions for [[Whiteboard]]" in text
    assert "[[[[" not in text
    assert text.startswith("title:: Supplier review\r\n") and supplier.bom
    assert text.count("\n") == text.count("\r\n") == 10  # CRLF line ends kept
    fm = after.pages["front matter page"]
    assert sorted(fm.tags) == ["2025", "plan"] and fm.aliases == ["fm"]
    messy = after.pages["milestones/examples/messy"].source
    assert "milestone-type:: implementation\n  status:: in progress\n" in messy
    assert "demand]], [[Beta live]]\n" in messy and "(#plan )" in messy
    # A second run has nothing left to fix and changes no byte.
    files = sorted(root.rglob("*.md"))
    was = [f.read_bytes() for f in files]
    again = CliRunner().invoke(
        main, ["lint", str(root), "--select", "ALL", "--fix", "--unsafe-fixes", "--no-cache"]
    )
    assert "fixed" not in again.output and "not applied" not in again.output
    assert [f.read_bytes() for f in files] == was


def _broken_page(tmp_path: Path) -> tuple[Path, object]:
    root = tmp_path / "g"
    (root / "pages").mkdir(parents=True)
    (root / "logseq").mkdir()
    (root / "logseq/config.edn").write_text("{:file/name-format :triple-lowbar}\n")
    (root / "pages/a.md").write_text("- Call the supplier (#urgent)\n  - ask about [[prices]]\n")
    return root, load_graph(root)


@pytest.mark.parametrize(
    "replacement,means,damage",
    [
        # writes the tag right but slips in a second ref
        ("#[[urgent]] [[extra]]", "tag", "the references (adds page-ref 'extra')"),
        # writes the tag right but breaks the line into a new block
        ("#[[urgent]]\n- ", "tag", "the block structure (2 → 3 blocks)"),
        # says it swaps the tag, but drops it
        ("urgent", "tag", "the references (drops tag 'urgent')"),
        # a fix that does not say what it changes is never applied
        ("#[[urgent]]", None, "does not say what it means to change"),
    ],
)
def test_a_broken_fix_is_refused(tmp_path, replacement, means, damage):
    root, graph = _broken_page(tmp_path)
    page = graph.pages["a"]
    start = page.source.index("#urgent")
    edit = Edit("pages/a.md", start, start + len("#urgent"), replacement)
    m = Means(refs_added=((TAG, "urgent"),), refs_removed=((TAG, "urgent)"),)) if means else None
    fix = Fix((edit,), "unsafe", "broken", m)
    edits, refused = verified_edits(page, [("diag", fix)], graph.config)
    assert edits == [] and len(refused) == 1
    assert damage in refused[0][1]


def test_the_right_fix_passes_the_same_check(tmp_path):
    root, graph = _broken_page(tmp_path)
    page = graph.pages["a"]
    start = page.source.index("#urgent")
    edit = Edit("pages/a.md", start, start + len("#urgent"), "#urgent ")  # as BM204 fixes it
    m = Means(refs_added=((TAG, "urgent"),), refs_removed=((TAG, "urgent)"),))
    edits, refused = verified_edits(page, [("diag", Fix((edit,), "unsafe", "", m))], graph.config)
    assert edits == [edit] and refused == []


def test_lint_fix_refuses_a_damaging_fix_and_says_so(tmp_path, monkeypatch):
    from bmtools.lint.rules import tag_swallows_bracket as rule

    root, _ = _broken_page(tmp_path)
    real = rule.Fix.replace

    def damaging(file, start, end, text, *args, **kwargs):  # the fix of a buggy rule
        return real(file, start, end, text + "\n- stray block", *args, **kwargs)

    monkeypatch.setattr(rule.Fix, "replace", staticmethod(damaging))
    monkeypatch.chdir(root)
    before = (root / "pages/a.md").read_bytes()
    r = CliRunner().invoke(main, ["lint", ".", "--fix", "--unsafe-fixes", "--no-cache"])
    assert (root / "pages/a.md").read_bytes() == before
    assert (
        "bmtools: fix for BM204 at pages/a.md:1 not applied: would change the block structure "
        "(2 → 3 blocks)\n"
    ) in r.output
    assert "BM204" in r.output  # still reported, unfixed
