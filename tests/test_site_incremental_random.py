"""An incremental site build never differs from a build into an empty folder.

A seeded random walk over small graphs (refs, tags, aliases, namespaces, journals, block ids
with block refs and embeds, page embeds, milestones with roadmaps, an artifact with an example,
images that appear and disappear, pages that are not public): each step edits one or two pages
(text, a new ref or tag, a renamed title, a new alias, an id moved, a page made private) and
sometimes adds or deletes a page or an image, then builds the site again into the same folder,
from the folder (only the changed pages read) or from a loaded graph, and compares every file
with a fresh build into an empty folder, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path

import pytest

import bmtools
from bmtools import loader
from bmtools.site import build_site, build_site_from
from bmtools.site import cache as cache_module

TODAY = dt.date(2026, 11, 22)
UUIDS = [f"6571f2d0-0000-4000-8000-{n:012d}" for n in range(1, 7)]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
CONFIGS = (
    "{:publishing/all-pages-public? true :file/name-format :triple-lowbar}\n",
    "{:file/name-format :triple-lowbar}\n",  # only public:: true pages
)
ARTIFACT = """page-type:: [[artifact info]]
metamodel-id:: [[milestones]]
item-classes:: #[[milestone]]

- ## Definition
  - The plan.
- ## Examples
  - [[milestones/examples/Space X]]
"""
_tick = [1_600_000_000_000_000_000]


def touch(path: Path) -> None:
    """A distinct mtime in the past for every write (the build, like git, trusts size and
    mtime, and reads again what changed within a second of its last look)."""
    _tick[0] += 1_000_000_000
    os.utime(path, ns=(_tick[0], _tick[0]))


def milestone(rng: random.Random, title: str) -> str:
    lines = [f"- [[{title}]] #milestone", f"  due:: 2026-1{rng.randint(0, 2)}-1{rng.randint(0, 9)}"]
    if rng.random() < 0.5:
        lines.append(f"  owner:: [[{rng.choice(['Ann', 'Page 2', 'Nobody'])}]]")
    if rng.random() < 0.5:
        lines.append("  budget:: 1,000 EUR")
    return "\n".join(lines) + "\n"


def block(rng: random.Random) -> str:
    kind = rng.random()
    n = rng.randint(0, 9)
    if kind < 0.2:
        return f"- words about [[Page {n}]] and [[Topic {n % 4}]]\n"
    if kind < 0.3:
        return f"- a #tag{n % 3} and #[[Topic {n % 4}]]\n"
    if kind < 0.4:
        return f"- see (({rng.choice(UUIDS)}))\n"
    if kind < 0.47:
        return f"- {{{{embed [[Page {n}]]}}}}\n"
    if kind < 0.53:
        return f"- {{{{embed (({rng.choice(UUIDS)}))}}}}\n"
    if kind < 0.63:
        return f"- a block with an id\n  id:: {rng.choice(UUIDS)}\n  - its child [[Page {n}]]\n"
    if kind < 0.7:
        return milestone(rng, f"Step {n}")
    if kind < 0.75:
        return f"- a chart ![chart](../assets/pic{n % 3}.png)\n"
    if kind < 0.8:
        return f"- on [[Jan {n + 1}th, 2025]] with [[ns/child]]\n"
    if kind < 0.85:
        return "- TODO [#A] a task\n  SCHEDULED: <2026-11-30 Mon>\n"
    return "- plain words\n  - nested plain words\n"


def page_text(rng: random.Random, public: bool) -> str:
    head = []
    if rng.random() < 0.2:
        head.append(f"alias:: {rng.choice(['p', 'q', 'Topic 1', 'alias x'])}")
    if rng.random() < 0.2:
        head.append(f"tags:: {rng.choice(['Topic 2', 'misc', 'tag1'])}")
    if public or rng.random() < 0.7:
        head.append("public:: true")
    body = "".join(block(rng) for _ in range(rng.randint(1, 4)))
    return ("\n".join(head) + "\n\n" if head else "") + body


def make_graph(root: Path, rng: random.Random, config: str) -> list[Path]:
    (root / "logseq").mkdir(parents=True)
    (root / "logseq/config.edn").write_text(config)
    for folder in ("pages", "journals", "assets"):
        (root / folder).mkdir()
    files = []
    for n in range(8):
        path = root / "pages" / f"Page {n}.md"
        path.write_text(page_text(rng, n < 2))
        files.append(path)
    extra = {
        "pages/ns___child.md": "public:: true\n\n- a child of [[ns]]\n",
        "pages/Topic 1.md": "public:: true\n\n- the topic [[Page 1]]\n",
        "journals/2025_01_06.md": "public:: true\n\n- met about [[Page 3]]\n",
        "journals/2025_01_07.md": "- more [[Topic 2]]\n",
    }
    if rng.random() < 0.5:
        extra["pages/milestones info.md"] = ARTIFACT + "public:: true\n"
        extra["pages/milestones___examples___Space X.md"] = "public:: true\n\n" + milestone(
            rng, "Launch"
        )
    for rel, text in extra.items():
        (root / rel).write_text(text)
        files.append(root / rel)
    (root / "assets/pic0.png").write_bytes(PNG)
    for path in files:
        touch(path)
    return files


def edit(rng: random.Random, path: Path) -> str:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    what = rng.choice(
        [
            "append",
            "append",
            "reword",
            "new ref",
            "new tag",
            "new title",
            "new alias",
            "page tags",
            "drop id",
            "new id",
            "private",
            "public",
            "drop last",
            "milestone",
            "image",
        ]
    )
    if what == "append":
        text += block(rng)
    elif what == "reword":
        text = text.replace("words", rng.choice(["wordz", "other words"]), 1)
    elif what == "new ref":
        text += f"- now [[{rng.choice(['Page 5', 'Missing', 'Topic 3', 'p', 'ns'])}]]\n"
    elif what == "new tag":
        text += f"- tagged #{rng.choice(['tag1', 'fresh', 'Page 4'])}\n"
    elif what == "new title":
        text = f"title:: {rng.choice(['Page 9', 'Renamed', 'Topic 1', 'ns/other'])}\n" + text
    elif what == "new alias":
        text = f"alias:: {rng.choice(['p', 'q', 'Missing', 'Page 7'])}\n" + text
    elif what == "page tags":
        text = f"tags:: {rng.choice(['Topic 3', 'misc', 'Topic 1', 'Page 0'])}\n" + text
    elif what == "drop id":
        text = "\n".join(ln for ln in text.split("\n") if "id:: " not in ln)
    elif what == "new id":
        text += f"- a moved block\n  id:: {rng.choice(UUIDS)}\n"
    elif what == "private":
        text = text.replace("public:: true", "public:: false")
    elif what == "public":
        text = "public:: true\n" + text.replace("public:: false", "")
    elif what == "drop last":
        lines = text.split("\n")
        text = "\n".join(lines[:-2] + [""]) if len(lines) > 2 else ""
    elif what == "milestone":
        text += milestone(rng, rng.choice(["Step 1", "Launch", "Later"]))
    elif what == "image":
        text += f"- look ![pic](../assets/pic{rng.randint(0, 2)}.png)\n"
    path.write_text(text, encoding="utf-8")
    touch(path)
    return what


def files_of(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".bmtools-site.json"
    }


def fresh_build(root: Path, folder: Path) -> dict[str, bytes]:
    build_site(bmtools.load_graph(root), folder / "out", today=TODAY, cache_dir=folder / "cache")
    return files_of(folder / "out")


@pytest.mark.parametrize("seed", range(int(os.environ.get("BMTOOLS_SITE_SEEDS", "6"))))
def test_random_edits_match_a_fresh_build(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    root = tmp_path / "g"
    files = make_graph(root, rng, CONFIGS[seed % 2])
    out, cache = tmp_path / "out", tmp_path / "cache"
    if seed % 2:  # the base file written again every few builds (deltas kept otherwise)
        monkeypatch.setattr(cache_module, "DELTA_MIN", 0)
    full_loads = []
    real_load = loader.load_graph
    monkeypatch.setattr(loader, "load_graph", lambda *a: full_loads.append(1) or real_load(*a))
    build_site_from(root, out, today=TODAY, cache_dir=cache)
    partial = 0
    hows: list[str] = []
    for step in range(12):
        done = []
        for path in rng.sample(files, rng.choice([1, 1, 2])):
            done.append((path.name, edit(rng, path)))
        if rng.random() < 0.2:  # a new page
            path = root / "pages" / f"New {step}.md"
            path.write_text(page_text(rng, True))
            touch(path)
            files.append(path)
            done.append((path.name, "added"))
        if rng.random() < 0.15 and len(files) > 4:  # a page deleted
            path = rng.choice(files)
            path.unlink()
            files.remove(path)
            done.append((path.name, "removed"))
        if rng.random() < 0.2:  # an example appears or disappears (the artifact lists it)
            path = root / "pages" / "milestones___examples___Other.md"
            if path.exists():
                path.unlink()
            else:
                path.write_text("public:: true\n\n" + milestone(rng, "Other launch"))
                touch(path)
            done.append((path.name, "example"))
        if rng.random() < 0.2:  # an image appears or disappears
            pic = root / "assets" / f"pic{rng.randint(0, 2)}.png"
            if pic.exists():
                pic.unlink()
            else:
                pic.write_bytes(PNG + bytes([step]))
            done.append((pic.name, "image"))
        before = len(full_loads)
        if step % 3 == 2:  # from a loaded graph (every page read)
            build_site(real_load(root), out, today=TODAY, cache_dir=cache)
        else:
            result = build_site_from(root, out, today=TODAY, cache_dir=cache)
            if not real_load(root).collisions:  # two files naming one page: a full build
                partial += len(full_loads) == before
                hows.append(result.how)
        fresh = fresh_build(root, tmp_path / f"fresh{step}")
        warm = files_of(out)
        assert sorted(warm) == sorted(fresh), (seed, step, done)
        for rel in fresh:
            assert warm[rel] == fresh[rel], (seed, step, done, rel)
    assert partial >= len(hows) // 2, hows
