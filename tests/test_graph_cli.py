"""The networkx graph, its helpers, and the graph / stats / show commands."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from click.testing import CliRunner

import bmtools
from bmtools.cli import main
from bmtools.graph import backlinks, embed_cycles, missing_targets, orphans
from tests.conftest import BUNDLED_GRAPH, load, write_graph

UUID = "6583a1b2-1111-4222-8333-444455556666"
FILES = {
    "pages/Alpha.md": "alias:: A1\ntags:: topic\n\n- see [[Beta]] and #gamma\n  owner:: [[Beta]]\n"
    "- {{embed [[Beta]]}}\n- again [[beta]]\n",
    "pages/Beta.md": f"- target block\n  id:: {UUID}\n- {{{{embed [[Alpha]]}}}}\n",
    "pages/proj___leaf.md": f"- ref (({UUID})) [[a1]]\n",
    "pages/Lonely.md": "- nothing links here\n",
    "journals/2024_01_05.md": "- [[Alpha]]\n",
}


@pytest.fixture
def graph(tmp_path):
    return load(write_graph(tmp_path / "g", FILES, "{:file/name-format :triple-lowbar}"))


def test_nodes_and_kinds(graph):
    G = bmtools.to_networkx(graph)
    kinds = nx.get_node_attributes(G, "kind")
    assert kinds["alpha"] == "page" and kinds["jan 5th, 2024"] == "journal"
    assert kinds["proj"] == "implied-namespace" and kinds["gamma"] == "missing"
    assert kinds["a1"] == "alias"
    assert G.nodes["alpha"]["properties"]["tags"] == ["topic"]
    assert G.nodes["alpha"]["file"] == "pages/Alpha.md"


def test_typed_edges_with_lines(graph):
    G = bmtools.to_networkx(graph)
    edges = {(s, t, k): d for s, t, k, d in G.edges(keys=True, data=True)}
    assert edges[("alpha", "beta", "ref")] == {
        "type": "ref",
        "line": 4,
        "count": 2,
        "lines": [4, 7],
    }
    assert edges[("alpha", "beta", "property:owner")]["line"] == 5
    assert edges[("alpha", "beta", "embed")]["line"] == 6
    assert edges[("alpha", "gamma", "tag")]["line"] == 4
    assert edges[("proj/leaf", "beta", "block-ref")]["line"] == 1
    assert ("proj/leaf", "alpha", "ref") in edges  # [[a1]] resolves through the alias
    assert ("proj/leaf", "proj", "namespace") in edges
    assert ("alpha", "a1", "alias") in edges


def test_block_nodes(graph):
    G = bmtools.to_networkx(graph, blocks=True)
    assert G.nodes["beta#L1"]["uuid"] == UUID
    assert G.has_edge("beta", "beta#L1", "child")
    assert G.has_edge("proj/leaf#L1", "beta#L1", "block-ref")


def test_helpers(graph):
    G = bmtools.to_networkx(graph)
    assert ("alpha", "embed", 6) in backlinks(G, "beta")
    assert orphans(G) == ["lonely"]
    assert "gamma" in missing_targets(G)
    assert embed_cycles(G) == [["alpha", "beta"]]
    page, block = graph.block(UUID.upper())
    assert (page.name, block.line) == ("beta", 1)


@pytest.mark.parametrize("fmt", ["json", "graphml", "gexf", "dot"])
def test_graph_command_formats(tmp_path, graph, fmt):
    out = tmp_path / f"g.{fmt}"
    result = CliRunner().invoke(main, ["graph", graph.root, "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        H = nx.node_link_graph(json.loads(out.read_text()), edges="links")
    elif fmt == "graphml":
        H = nx.read_graphml(out)
    elif fmt == "gexf":
        H = nx.read_gexf(out)
    else:
        text = out.read_text()
        assert text.startswith("digraph bmtools {") and text.rstrip().endswith("}")
        assert '"alpha" -> "beta" [label="embed", line="6"];' in text
        return
    assert H.number_of_nodes() == bmtools.to_networkx(graph).number_of_nodes()
    assert H.has_edge("alpha", "beta")


def test_graph_command_to_stdout_with_blocks(graph):
    result = CliRunner().invoke(main, ["graph", graph.root, "--blocks"])
    data = json.loads(result.stdout)
    assert any(n.get("kind") == "block" for n in data["nodes"])


def test_stats_command(graph):
    result = CliRunner().invoke(main, ["stats", graph.root, "--format", "json"])
    stats = json.loads(result.output)
    assert stats["pages"] == 4 and stats["journals"] == 1 and stats["orphans"] == 1
    assert stats["block_ids"] == 1 and stats["most_linked"][0] == {"page": "Beta", "links": 5}


def test_show_command(graph):
    result = CliRunner().invoke(main, ["show", graph.root, "a1"])  # by alias
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("Alpha\n=====\nfile:  pages/Alpha.md")
    assert "  - see [[Beta]] and #gamma  (line 4)" in out
    assert "Beta  [embed]  pages/Beta.md:3" in out
    result = CliRunner().invoke(main, ["show", graph.root, "no such page"])
    assert result.exit_code == 1 and "no page named 'no such page'" in result.output


def test_bundled_graph_exports_as_graphml(tmp_path):
    graph = load(BUNDLED_GRAPH)
    out = tmp_path / "bundled.graphml"
    result = CliRunner().invoke(
        main, ["graph", str(BUNDLED_GRAPH), "--format", "graphml", "-o", str(out)]
    )
    assert result.exit_code == 0
    H = nx.read_graphml(out)
    assert H.nodes["milestones/info"]["kind"] == "page"
    assert H.has_edge("milestones/examples/space x", "milestone")
    assert H.number_of_nodes() == bmtools.to_networkx(graph).number_of_nodes()
