"""The incremental lint cache never answers differently from a cold run.

A seeded random walk over small graphs (a class page, an artifact page, items with depends-on,
aliases, block ids and refs, embeds, mojibake, suppressions): each step edits one or two pages
(edits other pages can see, and edits they cannot), lints with the cache, and compares with
``--no-cache``: the same diagnostics in the same order, and the same exit code.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bmtools import loader
from bmtools.cli import main
from bmtools.lint import Settings, cache, lint_graph
from bmtools.lint.partial import partial_graph
from bmtools.loader import block_ids, load_graph, read_page, read_pages

ALL = Settings(select=["ALL"])
UUIDS = [f"6571f2d0-0000-4000-8000-{n:012d}" for n in range(1, 9)]

CLASS_PAGE = """page-type:: [[class]]
description:: A tactic.

- field:: status
  type:: select
  options:: planned, done
- field:: lead
  type:: person
"""

ARTIFACT_PAGE = """page-type:: [[artifact info]]
metamodel-id:: [[milestones]]
item-classes:: #[[milestone]], #[[nothing]]
relations:: [[tactics]]
weight:: 40

- ## Definition
- ## Examples
  - [[Page 1]] and [[No such example]]
"""


def item_block(rng: random.Random, title: str, others: list[str]) -> str:
    lines = [f"- [[{title}]] #milestone"]
    if rng.random() < 0.8:
        lines.append(f"  due:: 2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
    if rng.random() < 0.5:
        lines.append(f"  start:: 2025-0{rng.randint(1, 9)}-0{rng.randint(1, 9)}")
    if rng.random() < 0.6:
        lines.append("  budget:: 100 EUR")
    if rng.random() < 0.5:
        lines.append(f"  milestone-type:: {rng.choice(['implementation', 'implementaton'])}")
    if others and rng.random() < 0.7:
        deps = rng.sample(others, min(len(others), rng.randint(1, 2)))
        lines.append("  depends-on:: " + ", ".join(f"[[{d}]]" for d in deps))
    if rng.random() < 0.4:
        lines.append(f"  tactic:: [[{rng.choice(['Growth', 'Page 2', 'Nowhere'])}]]")
    if rng.random() < 0.5:
        lines.append(f"  id:: {rng.choice(UUIDS)}")
    return "\n".join(lines) + "\n"


def make_graph(root: Path, rng: random.Random) -> None:
    (root / "logseq").mkdir(parents=True)
    (root / "logseq/config.edn").write_text("{:file/name-format :triple-lowbar}\n")
    (root / "bmtools.toml").write_text('select = ["ALL"]\n')
    pages = root / "pages"
    pages.mkdir()
    (pages / "tactic.md").write_text(CLASS_PAGE)
    (pages / "Growth.md").write_text("page-type:: [[tactic]]\nalias:: expansion\n\n- plan\n")
    if rng.random() < 0.5:
        (pages / "milestones info.md").write_text(ARTIFACT_PAGE)
    if rng.random() < 0.5:  # two files naming one page, and an Org file
        (pages / "Twin.md").write_text("- [[Item 1]] #milestone\n  due:: 2025-01-01\n")
        (pages / "twin.md").write_text("- cafÃ© twin\n")
        (pages / "notes.org").write_text("* heading\n")
    if rng.random() < 0.5:  # a journal, front matter, a namespace, CRLF, a page-wide ignore
        (root / "journals").mkdir()
        (root / "journals/2025_01_06.md").write_text(
            "- met about [[Item 2]] on [[Jan 7th, 2025]]\n- notes\n"
        )
        (pages / "fm.md").write_text("---\ntitle: Front\ntags: [a, b]\n---\n- x (#y)\n")
        (pages / "ns___child.md").write_text("title:: ns/child\n\n- [[ns]] words\r\n- more\r\n")
        (pages / "quiet.md").write_text(
            "bmtools-ignore:: BM103\n\n- see ((6571f2d0-0000-4000-8000-00000000beef))\n"
        )
    titles = [f"Item {n}" for n in range(6)]
    for n in range(rng.randint(4, 7)):
        parts = []
        if rng.random() < 0.4:
            parts.append(f"alias:: {rng.choice(['p', 'q', 'expansion', f'alias {n}'])}\n\n")
        for _ in range(rng.randint(1, 3)):
            kind = rng.random()
            if kind < 0.4:
                parts.append(item_block(rng, rng.choice(titles), titles))
            elif kind < 0.55:
                parts.append(f"- see (({rng.choice(UUIDS)})) and [[Page {rng.randint(0, 9)}]]\n")
            elif kind < 0.65:
                parts.append(f"- {{{{embed [[Page {rng.randint(0, 6)}]]}}}}\n")
            elif kind < 0.72:
                parts.append(f"- {{{{embed (({rng.choice(UUIDS)}))}}}}\n")
            elif kind < 0.8:
                parts.append(f"- a block\n  id:: {rng.choice(UUIDS)}\n")
            elif kind < 0.87:
                parts.append("- cafÃ© plain words\n")
            elif kind < 0.93:
                parts.append("- call the supplier (#urgent)\n")
            else:
                parts.append("- plain words\n  - nested plain words\n")
        (pages / f"Page {n}.md").write_text("".join(parts))


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def edit_page(rng: random.Random, path: Path) -> str:
    """One random edit; returns its name (for failure messages)."""
    text = _text(path)
    lines = text.split("\n")
    edits = [
        "append plain",
        "append mojibake",
        "append suppressed",
        "reword last plain",
        "field value",
        "new block ref",
        "rename item",
        "remove id",
        "new alias",
        "new embed",
        "blank line first",
        "drop last line",
        "suppress block",
        "append tag bracket",
        "new id",
        "new item",
        "page type",
        "page tags",
        "new title",
    ]
    what = rng.choice(edits)
    if what == "append plain":
        text += f"- just some words {rng.randint(0, 99)}\n"
    elif what == "append mojibake":
        text += "- naÃ¯ve plain text\n"
    elif what == "append suppressed":
        text += "- cafÃ© again\n  bmtools-ignore:: BM205\n"
    elif what == "reword last plain":
        if lines and "words" in lines[-2 if len(lines) > 1 else 0]:
            i = len(lines) - 2 if len(lines) > 1 else 0
            lines[i] = lines[i].replace("words", "wordz")
            text = "\n".join(lines)
        else:
            text += "- plain words\n"
    elif what == "field value":
        text = text.replace("due:: 2025-0", "due:: 2026-0", 1).replace("budget:: 100", "budget:: x")
    elif what == "new block ref":
        text += f"- about (({rng.choice(UUIDS)}))\n"
    elif what == "rename item":
        text = text.replace("[[Item ", "[[Itam ", 1)
    elif what == "remove id":
        text = "\n".join(ln for ln in lines if "id:: " not in ln or rng.random() < 0.5)
    elif what == "new alias":
        text = f"alias:: {rng.choice(['p', 'expansion', 'Item 1', 'fresh'])}\n\n" + text
    elif what == "new embed":
        text += f"- {{{{embed [[Page {rng.randint(0, 6)}]]}}}}\n"
    elif what == "blank line first":
        text = "\n" + text
    elif what == "drop last line":
        text = "\n".join(lines[:-2] + [""]) if len(lines) > 2 else ""
    elif what == "suppress block":
        text += "- x\n  bmtools-ignore:: BM103\n  - see ((6571f2d0-0000-4000-8000-00000000dead))\n"
    elif what == "append tag bracket":
        text += "- ping (#later)\n"
    elif what == "new id":
        text += f"- a new block\n  id:: {rng.choice(UUIDS)}\n"
    elif what == "new item":
        text += item_block(rng, rng.choice([f"Item {n}" for n in range(8)]), ["Item 1", "Item 7"])
    elif what == "page type":
        text = f"page-type:: [[{rng.choice(['tactic', 'person', 'milestone'])}]]\n\n" + text
    elif what == "page tags":
        text = f"tags:: {rng.choice(['tactic', 'misc'])}\n\n" + text
    elif what == "new title":
        text = f"title:: {rng.choice(['Page 9', 'Growth', 'Fresh title'])}\n\n" + text
    path.write_text(text, encoding="utf-8")
    return what


_tick = [1_700_000_000_000_000_000]


def touch(path: Path) -> None:
    """A distinct mtime for every write: same-size edits within one clock tick would be
    invisible to the stat check (the cache, like git, trusts size and mtime)."""
    _tick[0] += 1_000_000_000
    os.utime(path, ns=(_tick[0], _tick[0]))


def test_a_partial_graph_built_again_from_the_same_pages_is_the_same(tmp_path):
    """A scoped run that widens its scope builds its partial graph again over the pages it
    read: nothing of the first build may stay on them (it did: the files of a name collision
    were merged into the page again, so BM011 named the file Logseq keeps among all three
    files where a cold run names it among the files read so far; seed 62 of the walk)."""
    root = tmp_path / "g"
    (root / "pages").mkdir(parents=True)
    (root / "pages/Growth.md").write_text(f"- plan\n  id:: {UUIDS[0]}\n")
    (root / "pages/New 1.md").write_text("title:: Growth\n\n- a\n")
    (root / "pages/Other.md").write_text(f"- c\n  id:: {UUIDS[0]}\n")
    (root / "pages/Page 3.md").write_text("title:: growth\n\n- b\n")
    graph = load_graph(root)
    files = graph.files
    full = {
        rel: (page, diags, block_ids(page))
        for rel, (page, diags) in read_pages(root, files, graph.config).items()
    }
    cold = [d for d in graph.diagnostics if d.code in ("BM010", "BM011")]
    assert [d.code for d in cold] == ["BM011", "BM011", "BM010"]
    for _ in range(2):
        partial = partial_graph(root, graph.config, files, {}, full)
        assert [d for d in partial.diagnostics if d.code in ("BM010", "BM011")] == cold
        assert [p.file for p in partial.pages["growth"].merged] == [
            "pages/New 1.md",
            "pages/Page 3.md",
        ]


def test_fingerprint_same_fresh_and_loaded(tmp_path):
    """Loading (duplicate ids dropped, journal targets rewritten) does not move it."""
    rng = random.Random(7)
    make_graph(tmp_path, rng)
    (tmp_path / "pages/dup.md").write_text(
        f"- a\n  id:: {UUIDS[0]}\n- b\n  id:: {UUIDS[0]}\n- on [[Jan 1st, 2025]]\n"
    )
    graph = load_graph(tmp_path)
    for page in graph.pages.values():
        if page.file:
            fresh, _ = read_page(tmp_path, page.file, graph.config, None)  # targets as written
            assert cache.exports_fingerprint(fresh) == cache.exports_fingerprint(page)


@pytest.mark.parametrize("seed", range(int(os.environ.get("BMTOOLS_EQUIV_SEEDS", "12"))))
def test_random_edits_match_a_cold_run(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    root = tmp_path / "g"
    make_graph(root, rng)
    loads = []

    def counting(path):
        loads.append(path)
        return load_graph(path)

    monkeypatch.setattr(cache, "load_graph", counting)
    if seed % 2:  # rewrite the facts file every few scoped runs (a delta in the cache otherwise)
        monkeypatch.setattr(cache, "FACTS_DELTA_MAX", 2)
    settings = ALL if seed % 3 else Settings()  # BM101 (off by default) changes the scope
    _, first = cache.cached_lint(root, settings)
    assert first == lint_graph(load_graph(root), settings)
    files = sorted((root / "pages").glob("*.md")) + sorted((root / "journals").glob("*.md"))
    for step in range(25):
        chosen = rng.sample(files, rng.choice([1, 1, 1, 2]))
        done = []
        for path in chosen:
            done.append((path.name, edit_page(rng, path)))
            touch(path)
        if rng.random() < 0.15:  # a new page, written like the others
            path = root / "pages" / f"New {step}.md"
            path.write_text(f"- about [[Page {rng.randint(0, 9)}]]\n")
            edit_page(rng, path)
            files.append(path)
            done.append((path.name, "added"))
        if rng.random() < 0.1 and len(files) > 3:  # a page deleted (never the class page)
            path = rng.choice([f for f in files if f.name != "tactic.md"])
            path.unlink()
            files.remove(path)
            done.append((path.name, "removed"))
        before = len(loads)
        _, warm = cache.cached_lint(root, settings)
        cold = lint_graph(load_graph(root), settings)
        assert warm == cold, (seed, step, done, len(loads) == before)
    (root / "pages/Page 0.md").write_text(_text(root / "pages/Page 0.md") + "- tail words\n")
    touch(root / "pages/Page 0.md")
    cache.cached_lint(root, ALL)
    (root / "pages/Page 0.md").write_text(_text(root / "pages/Page 0.md") + "- more words\n")
    touch(root / "pages/Page 0.md")
    warm_cli = CliRunner().invoke(main, ["lint", str(root), "--format", "json"])
    cold_cli = CliRunner().invoke(main, ["lint", str(root), "--format", "json", "--no-cache"])
    assert warm_cli.exit_code == cold_cli.exit_code
    assert json.loads(warm_cli.stdout) == json.loads(cold_cli.stdout)


def test_every_path_is_exercised(tmp_path, monkeypatch):
    """Across the seeded walks, some steps re-lint the changed pages alone, some a scope of
    pages around them, and some fall back to a full run."""
    loads = []
    monkeypatch.setattr(cache, "load_graph", lambda p: loads.append(p) or load_graph(p))
    reads = []
    real = loader.read_page
    monkeypatch.setattr(loader, "read_page", lambda *a: reads.append(a[1]) or real(*a))
    paths = {"changed only": 0, "scoped": 0, "full": 0}
    for seed in range(6):
        rng = random.Random(100 + seed)
        root = tmp_path / f"g{seed}"
        make_graph(root, rng)
        cache.cached_lint(root, ALL)
        files = sorted((root / "pages").glob("*.md"))
        for _ in range(15):
            edited = set()
            for path in rng.sample(files, rng.choice([1, 2])):
                edit_page(rng, path)
                touch(path)
                edited.add(f"pages/{path.name}")
            before, reads[:] = len(loads), []
            _, warm = cache.cached_lint(root, ALL)
            if len(loads) > before:
                paths["full"] += 1
            elif set(reads) <= edited:
                paths["changed only"] += 1
            else:
                paths["scoped"] += 1
            assert warm == lint_graph(load_graph(root), ALL)
    assert min(paths.values()) >= 5, paths


@pytest.fixture
def reads(monkeypatch):
    calls = []
    real = loader.read_page

    def counting(root, rel, config, journals):
        calls.append(rel)
        return real(root, rel, config, journals)

    monkeypatch.setattr(loader, "read_page", counting)
    return calls


def graph_of(root: Path) -> Path:
    make_graph(root, random.Random(3))
    return root


def relint_after(root: Path, rel: str, change, reads: list[str] | None = None):
    """Rewrite one page with ``change(old text)``, give it a new mtime, and lint with the
    cache; ``reads`` (the fixture's list) is cleared first, so it holds what this run read."""
    if reads is not None:
        reads.clear()
    page = root / rel
    page.write_text(change(_text(page)))
    touch(page)
    return cache.cached_lint(root, ALL)


def test_stable_exports_read_only_the_changed_page(tmp_path, reads):
    root = graph_of(tmp_path)
    cache.cached_lint(root, ALL)
    assert sorted(reads) == sorted(cache.file_states(root, {}))  # cold: every file
    graph, diags = relint_after(
        root, "pages/Page 1.md", lambda t: t + "- caf\u00c3\u00a9 plain words at the end\n", reads
    )
    assert graph is None and reads == ["pages/Page 1.md"]
    assert any(d.code == "BM205" and d.file == "pages/Page 1.md" for d in diags)
    assert diags == lint_graph(load_graph(root), ALL)


def metamodel_pages(root: Path) -> set[str]:
    """The pages a scoped re-lint always reads: class pages and artifact info pages."""
    marks = ("page-type:: [[class]]", "page-type:: [[artifact info]]")
    return {
        f"pages/{p.name}"
        for p in (root / "pages").glob("*.md")
        if any(m in _text(p) for m in marks)
    }


def item_pages(root: Path) -> set[str]:
    """The pages a scoped re-lint reads when an item or a page items point at can change."""
    return {f"pages/{p.name}" for p in (root / "pages").glob("*.md") if "#milestone" in _text(p)}


@pytest.mark.parametrize(
    "change, items_too",
    [
        (lambda t: t + "- now with a [[link]]\n", False),  # a new reference
        (lambda t: t + "- now with an embed {{embed [[Page 2]]}}\n", False),  # a new embed
        (lambda t: t + "- [[Item 9]] #milestone\n", True),  # a new item
        (lambda t: "page-type:: [[tactic]]\n\n" + t, True),  # a new class for the page
    ],
)
def test_changed_exports_relint_a_scope(tmp_path, reads, change, items_too):
    root = graph_of(tmp_path)
    (root / "pages/Page 1.md").write_text("- words, then a [[Page 2]] ref\n- more words\n")
    cache.cached_lint(root, ALL)
    graph, diags = relint_after(root, "pages/Page 1.md", change, reads)
    assert graph is None
    expected = {"pages/Page 1.md"} | metamodel_pages(root)
    assert set(reads) == expected | (item_pages(root) if items_too else set())
    assert diags == lint_graph(load_graph(root), ALL)


def test_a_removed_block_id_relints_the_pages_that_point_at_it(tmp_path, reads):
    root = tmp_path
    make_graph(root, random.Random(3))
    (root / "pages/holder.md").write_text(f"- held\n  id:: {UUIDS[7]}\n")
    (root / "pages/pointer.md").write_text(f"- see (({UUIDS[7]}))\n")
    (root / "pages/bystander.md").write_text("- see [[holder]]\n")
    cold = cache.cached_lint(root, ALL)[1]
    assert not any(d.file == "pages/pointer.md" for d in cold)
    reads.clear()
    (root / "pages/holder.md").write_text("- held, without its id\n")
    touch(root / "pages/holder.md")
    graph, diags = cache.cached_lint(root, ALL)
    assert graph is None
    assert set(reads) == {"pages/holder.md", "pages/pointer.md"} | metamodel_pages(root)
    assert [d.code for d in diags if d.file == "pages/pointer.md"] == ["BM103"]
    assert diags == lint_graph(load_graph(root), ALL)


@pytest.mark.parametrize(
    "change",
    [
        lambda t: "alias:: Page 2 again\n\n" + t,  # other pages' refs may now resolve
        lambda t: "title:: Another name\n\n" + t,  # a rename
    ],
)
def test_a_new_name_relints_the_pages_naming_it(tmp_path, reads, change):
    root = graph_of(tmp_path)
    (root / "pages/embedder.md").write_text("- {{embed [[Another name]]}} {{embed [[page 1]]}}\n")
    (root / "pages/bystander.md").write_text("- {{embed [[Growth]]}}\n")
    cache.cached_lint(root, ALL)
    graph, diags = relint_after(root, "pages/Page 1.md", change, reads)
    assert graph is None
    assert "pages/embedder.md" in reads and "pages/bystander.md" not in reads
    assert diags == lint_graph(load_graph(root), ALL)


def test_a_name_taken_twice_falls_back_to_a_full_run(tmp_path, reads):
    root = graph_of(tmp_path)
    cache.cached_lint(root, ALL)
    # now two files name 'page 2'
    graph, diags = relint_after(root, "pages/Page 1.md", lambda t: "title:: Page 2\n\n" + t)
    assert graph is not None
    assert any(d.code == "BM011" for d in diags)
    assert diags == lint_graph(load_graph(root), ALL)


def test_class_page_edit_falls_back(tmp_path, reads):
    root = graph_of(tmp_path)
    cache.cached_lint(root, ALL)
    # plain words, but on a class page
    graph, diags = relint_after(
        root, "pages/tactic.md", lambda t: t + "- plain words after the fields\n", reads
    )
    assert graph is not None and len(reads) > 1
    assert diags == lint_graph(load_graph(root), ALL)


def test_added_and_removed_files_relint_a_scope(tmp_path, reads):
    root = graph_of(tmp_path)
    (root / "pages/embedder.md").write_text("- {{embed [[new page]]}}\n")
    cold = cache.cached_lint(root, ALL)[1]
    assert any(d.code == "BM102" and d.file == "pages/embedder.md" for d in cold)
    reads.clear()
    (root / "pages/new page.md").write_text("- plain\n")  # the embed now resolves
    graph, diags = cache.cached_lint(root, ALL)
    assert graph is None and "pages/embedder.md" in reads
    assert not any(d.file == "pages/embedder.md" for d in diags)
    assert diags == lint_graph(load_graph(root), ALL)
    (root / "journals").mkdir(exist_ok=True)
    (root / "journals/2026_11_22.md").write_text("- today, about [[Page 2]]\n")  # a new day
    graph, diags = cache.cached_lint(root, ALL)
    assert graph is None
    assert diags == lint_graph(load_graph(root), ALL)
    reads.clear()
    (root / "pages/new page.md").unlink()
    graph, diags = cache.cached_lint(root, ALL)
    assert graph is None and "pages/embedder.md" in reads
    assert [d for d in diags if d.file != "journals/2026_11_22.md"] == cold
    assert diags == lint_graph(load_graph(root), ALL)


def test_feature_table_names_every_command():
    """bmtools.cli imports a feature's module only for its own commands: the table must
    name them all."""
    from importlib import import_module

    from bmtools import cli

    for module, names in cli.FEATURES.items():
        assert tuple(c.name for c in import_module(module).COMMANDS) == names
    names = set(cli.main.list_commands(click.Context(cli.main)))
    assert names >= {"graph", "stats", "show", "lint", "render", "milestones"}


@pytest.mark.parametrize("seed", range(int(os.environ.get("BMTOOLS_MESSY_SEEDS", "10"))))
def test_messy_edits_match_a_cold_run(tmp_path, seed):
    """Messy pages (bad bytes, broken syntax, stray metamodel pieces) rewritten, appended to,
    added and deleted: the cache still answers as a cold run (800 seeds checked by hand)."""
    from tests.test_messy_graphs import NAMES, PIECES, messy_graph

    rng = random.Random(seed)
    root = messy_graph(tmp_path / "g", seed)
    settings = ALL if seed % 2 else Settings()
    cache.cached_lint(root, settings)
    for step in range(8):
        for _ in range(rng.choice([1, 1, 2])):
            path = root / rng.choice(NAMES)
            kind = rng.random()
            if kind < 0.15:
                path.unlink(missing_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if kind < 0.25:
                path.write_bytes(rng.randbytes(rng.randint(0, 100)))
            else:
                extra = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))
                old = path.read_text(errors="replace") if path.exists() else ""
                path.write_text(old + extra if rng.random() < 0.6 else extra)
            touch(path)
        _, warm = cache.cached_lint(root, settings)
        assert warm == lint_graph(load_graph(root), settings), (seed, step)
