"""The parallel load (a forked child parses part of the files) gives the one-process model."""

from __future__ import annotations

import os

import pytest

from bmtools import loader, parload
from bmtools.loader import load_graph
from tests.conftest import BUNDLED_GRAPH, load_parallel, write_graph
from tests.graphdump import dump_graph
from tests.test_lint_rules import CASES
from tests.test_lint_rules import make_graph as make_rule_graph

pytestmark = pytest.mark.skipif(not loader.parallel_ok(), reason="no fork or a single CPU")

MESSY = {
    "pages/a.md": "title:: Alpha\nalias:: A1, shared\ntags:: t1, [[t 2]]\n\n"
    "- TODO [#A] a [[b]] #c\n"
    "  id:: 6500a1b2-0000-4000-8000-000000000001\n  SCHEDULED: <2024-01-05 Fri 10:00 +1w>\n"
    "  - child {{embed [[b]]}} ((6500a1b2-0000-4000-8000-000000000002))\n"
    "    rating:: 5\n    bad key:: x\n    collapsed:: true\n",
    "pages/b.md": "alias:: shared\n- id:: 6500a1b2-0000-4000-8000-000000000001\n- [[Jan 5th, 2024]]"
    " [[2024-01-05]] [[ns/deep/x]]\n  DEADLINE: <2024-02-30>\n",
    "pages/B.md": "- collides with b\n",
    "pages/bom.md": "\ufeff- bom page\r\n- crlf\r\n",
    "pages/bad.md": b"- bad \xff utf8\n",
    "pages/bin.md": b"\x00\x01binary",
    "pages/org.org": "* org\n",
    "pages/front.md": "---\ntitle: Front\ntags: x\n---\n- body #y\n",
    "pages/empty.md": "",
    "pages/ns___leaf.md": "- leaf {{query (todo now)}}\n- a:: [[b]], [[c]]\n  b:: c\n",
    "journals/2024_01_05.md": "- journal [[a]]\n",
}


def _same(root, **kw) -> None:
    one = load_graph(root, **kw)
    assert dump_graph(load_parallel(root, **kw)) == dump_graph(one)


def test_parallel_same_on_bundled_graph():
    _same(BUNDLED_GRAPH)


def test_parallel_same_on_messy_graph(tmp_path):
    _same(write_graph(tmp_path / "g", MESSY))


@pytest.mark.parametrize("title,files,expected", CASES, ids=[c[0] for c in CASES])
def test_parallel_same_on_rule_fixtures(tmp_path, title, files, expected):
    _same(make_rule_graph(tmp_path, files))


def test_parallel_path_really_runs(tmp_path, monkeypatch):
    root = write_graph(tmp_path / "g", MESSY)
    results = []
    original = parload.ChildRun.result

    def result(self, timeout):
        out = original(self, timeout)
        results.append(out)
        return out

    monkeypatch.setattr(parload.ChildRun, "result", result)
    load_parallel(root)
    assert len(results) == 1 and results[0] is not None and len(results[0]) >= 1


@pytest.mark.parametrize("how", ["raise", "exit", "hang"])
def test_child_failure_falls_back(tmp_path, monkeypatch, how):
    root = write_graph(tmp_path / "g", MESSY)
    one = load_graph(root)

    def broken(results):
        if how == "raise":
            raise ValueError("boom")
        if how == "exit":
            os._exit(3)
        import time

        time.sleep(60)

    monkeypatch.setattr(parload, "encode_results", broken)
    monkeypatch.setattr(loader, "PARALLEL_TIMEOUT", 0.5)
    monkeypatch.setattr(loader, "_timeout", lambda spent: 0.5)
    graph = load_parallel(root)
    assert dump_graph(graph) == dump_graph(one)
    assert len(graph.pages) == len(one.pages)


def test_threshold_env(monkeypatch):
    monkeypatch.setenv("BMTOOLS_PARALLEL", "0")
    assert loader.parallel_threshold() > 10**9
    monkeypatch.setenv("BMTOOLS_PARALLEL", "5")
    assert loader.parallel_threshold() == 5
    monkeypatch.delenv("BMTOOLS_PARALLEL")
    assert loader.parallel_threshold() == loader.PARALLEL_MIN_FILES
