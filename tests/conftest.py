"""Shared helpers: build small graphs on disk and load them, checking raw fidelity every time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import bmtools
from bmtools import loader
from bmtools.model import Graph
from tests.graphdump import dump_graph

REPO = Path(__file__).resolve().parent.parent
BUNDLED_GRAPH = REPO / "graph"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# the artifact and class pages `bmtools render` rewrites in the bundled graph
RENDERED = [
    "pages/milestones___info.md",
    "pages/milestone.md",
    "pages/tactic.md",
    "pages/strategy.md",
    "pages/person.md",
]


def assert_fidelity(graph: Graph) -> None:
    """Every unchanged page reassembles to its file's exact bytes."""
    root = Path(graph.root)
    for page in graph.pages.values():
        if page.file is None or page.format != "markdown" or "\ufffd" in page.source:
            continue
        path = root / page.file
        if path.stat().st_size > 20 * 1024 * 1024:
            continue
        data = path.read_bytes()
        rebuilt = (b"\xef\xbb\xbf" if page.bom else b"") + page.reassemble().encode("utf-8")
        assert rebuilt == data, f"{page.file} does not reassemble to its bytes"
        spans = [(b.start, b.end) for b in page.blocks]
        assert spans == sorted(spans)
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end == start, f"{page.file}: blocks leave a gap or overlap"


def write_graph(root: Path, files: dict[str, str | bytes], config: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if config is not None:
        (root / "logseq").mkdir(exist_ok=True)
        (root / "logseq" / "config.edn").write_text(config, encoding="utf-8")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return root


def load(root: Path, **kw) -> Graph:
    graph = bmtools.load_graph(root, **kw)
    assert_fidelity(graph)
    assert_parallel_same(root, graph, **kw)
    return graph


def load_parallel(root: Path, **kw) -> Graph:
    """``load_graph`` with the forked-child path forced, whatever the number of files."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BMTOOLS_PARALLEL", "1")
        return bmtools.load_graph(root, **kw)


def assert_parallel_same(root: Path, graph: Graph, **kw) -> None:
    """The parallel load (half the files parsed in a child) gives exactly the same model."""
    if not loader.parallel_ok():
        return
    seen = len(READ_PAGES)
    parallel = load_parallel(root, **kw)
    del READ_PAGES[seen:]  # READ_PAGES records the one-process load the test asked for
    assert dump_graph(parallel) == dump_graph(graph)


@pytest.fixture(autouse=True)
def every_page_reassembles(monkeypatch):
    """Raw fidelity for every page any test reads: its blocks give back the file's bytes."""
    original = loader.read_page

    def checked(root, rel, config, journals):
        page, diags = original(root, rel, config, journals)
        if page is not None and page.source and "\ufffd" not in page.source:
            data = (Path(root) / rel).read_bytes()
            rebuilt = (b"\xef\xbb\xbf" if page.bom else b"") + page.reassemble().encode("utf-8")
            assert rebuilt == data, f"{rel} does not reassemble to its bytes"
            READ_PAGES.append(rel)
        return page, diags

    monkeypatch.setattr(loader, "read_page", checked)
    return READ_PAGES


READ_PAGES: list[str] = []  # every page checked, so a test can prove the check ran


@pytest.fixture(autouse=True)
def own_cache_dir(monkeypatch, tmp_path_factory):
    """Every test gets its own lint cache directory (never the user's)."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("BMTOOLS_CACHE_DIR", str(folder))
    return folder


@pytest.fixture()
def graph_copy(tmp_path: Path) -> Path:
    """A copy of the bundled graph (``graph/``) that the test may change."""
    root = tmp_path / "graph"
    shutil.copytree(BUNDLED_GRAPH, root)
    return root


@pytest.fixture
def make_graph(tmp_path):
    """make_graph({"pages/a.md": "- x"}, config=...) → a loaded Graph (fidelity checked)."""

    def _make(files: dict[str, str | bytes], config: str | None = None, **kw) -> Graph:
        return load(write_graph(tmp_path / "g", files, config), **kw)

    return _make


@pytest.fixture
def page_of(make_graph):
    """page_of("- text", name="p") → the Page parsed from one file pages/p.md."""

    def _page(text: str, name: str = "p", config: str | None = None):
        graph = make_graph({f"pages/{name}.md": text}, config)
        return next(p for p in graph.pages.values() if p.file == f"pages/{name}.md")

    return _page
