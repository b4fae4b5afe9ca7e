"""Whiteboards are pages: each shape a block, refs from portals only, named by the board.

Expected values are Logseq 0.10.15's reading of these boards (its graph-parser, run once on
these very files): facts about Logseq, written out."""

from __future__ import annotations

from bmtools.graph import to_networkx
from bmtools.lint import Settings
from bmtools.lint.engine import lint_graph
from bmtools.model import BLOCK_REF, PAGE_REF
from tests.conftest import load, write_graph

SHAPE = "6571f2d0-0000-4000-8000-0000000000"
BOARD = (
    "{:blocks ({:block/properties {:ls-type :whiteboard-shape, :logseq.tldraw.shape "
    '{:type "logseq-portal", :blockType "P", :pageId "Beta Launch", :id "' + SHAPE + 'bb"}}}\n'
    " {:block/properties {:ls-type :whiteboard-shape, :logseq.tldraw.shape "
    '{:type "logseq-portal", :blockType "B", :pageId "' + SHAPE + 'aa", :id "' + SHAPE + 'cc"}}}\n'
    ' {:block/content "see [[Elsewhere]] and #tag", :block/uuid #uuid "' + SHAPE + 'dd",'
    " :block/properties {}}\n"
    " {:block/properties {:ls-type :whiteboard-shape, :logseq.tldraw.shape "
    '{:type "line", :id "' + SHAPE + 'ee"}}}\n'
    " {:block/properties {:ls-type :whiteboard-shape, :logseq.tldraw.shape "
    '{:type "line", :label "depends on", :id "' + SHAPE + 'e1"}}}\n'
    " {:block/properties {:ls-type :whiteboard-shape, :logseq.tldraw.shape "
    '{:type "text", :text "a note on [[Gamma]]", :id "' + SHAPE + 'e2"}}}\n'
    " {:block/properties {:ls-type :whiteboard-shape, :logseq.tldraw.shape "
    '{:type "image", :id "' + SHAPE + 'e3"}}}),\n'
    ' :pages ({:block/name "launch/board", :block/original-name "Launch/Board",'
    ' :block/type "whiteboard"})}\n'
)
PLAN = (
    "- the plan\n  id:: " + SHAPE + "aa\n"
    "- points at the board's shape ((" + SHAPE + "cc))\n"
)  # fmt: skip


def board_graph(tmp_path, extra=None):
    files = {"pages/plan.md": PLAN, "whiteboards/launch___board.edn": BOARD, **(extra or {})}
    root = write_graph(tmp_path / "g", files, "{:file/name-format :triple-lowbar}\n")
    return load(root)


def test_board_is_a_page_named_by_its_own_pages_entry(tmp_path):
    graph = board_graph(tmp_path)
    board = graph.pages["launch/board"]
    assert (board.title, board.file, board.format) == (
        "Launch/Board",
        "whiteboards/launch___board.edn",
        "whiteboard",
    )
    assert board.namespace is None and "launch" not in graph.pages  # no namespace parent


def test_each_shape_is_a_block_with_logseqs_text(tmp_path):
    board = board_graph(tmp_path).pages["launch/board"]
    assert [(b.uuid, b.content) for b in board.blocks] == [
        (SHAPE + "bb", "[[Beta Launch]]"),
        (SHAPE + "cc", f"(({SHAPE}aa))"),
        (SHAPE + "dd", "see [[Elsewhere]] and #tag"),
        (SHAPE + "ee", "whiteboard arrow"),
        (SHAPE + "e1", "whiteboard arrow: depends on"),
        (SHAPE + "e2", "a note on [[Gamma]]"),
        (SHAPE + "e3", "whiteboard image"),
    ]
    assert all(b.line > 0 for b in board.blocks)  # each points at its shape in the file


def test_refs_come_from_portals_only(tmp_path):
    board = board_graph(tmp_path).pages["launch/board"]
    refs = [[(r.kind, r.target) for r in b.refs] for b in board.blocks]
    assert refs == [
        [(PAGE_REF, "beta launch")],
        [(BLOCK_REF, SHAPE + "aa")],
        [],  # text in a shape is not read for references
        [],
        [],
        [],
        [],
    ]


def test_block_refs_into_a_board_resolve(tmp_path):
    graph = board_graph(tmp_path)
    assert graph.uuids[SHAPE + "cc"][0] == "launch/board"
    found = {d.code for d in lint_graph(graph, Settings(select=["BM103"]))}
    assert found == set()
    G = to_networkx(graph)
    assert G.has_edge("plan", "launch/board") and G.has_edge("launch/board", "beta launch")


def test_unreadable_board_is_a_page_without_blocks_and_a_finding(tmp_path):
    graph = board_graph(tmp_path, {"whiteboards/broken.edn": "{:blocks ({:block/uuid})}\n"})
    assert graph.pages["broken"].blocks == []
    found = [(d.code, d.file) for d in graph.diagnostics if d.code == "BM023"]
    assert found == [("BM023", "whiteboards/broken.edn")]
    assert [d.code for d in lint_graph(graph, Settings(select=["BM023"]))] == ["BM023"]


def test_edn_files_elsewhere_are_not_boards(tmp_path):
    graph = board_graph(tmp_path, {"pages/data.edn": BOARD, "logseq/custom.edn": BOARD})
    assert {p.file for p in graph.pages.values() if p.file} == {
        "pages/plan.md",
        "whiteboards/launch___board.edn",
    }


def test_whiteboards_directory_from_config(tmp_path):
    root = write_graph(
        tmp_path / "g",
        {"pages/plan.md": PLAN, "boards/launch___board.edn": BOARD},
        '{:file/name-format :triple-lowbar :whiteboards-directory "boards"}\n',
    )
    graph = load(root)
    assert graph.pages["launch/board"].file == "boards/launch___board.edn"


NESTED = (
    '{:blocks ({:block/content "### query", :block/uuid #uuid "' + SHAPE + 'a1",\n'
    '  :block/parent {:block/uuid #uuid "' + SHAPE + 'f0"},\n'
    "  :block/properties {:query-table true, :heading 3}}\n"
    ' {:block/content "child", :block/uuid #uuid "' + SHAPE + 'a2",\n'
    '  :block/parent {:block/uuid #uuid "' + SHAPE + 'a1"}}\n'
    ' {:block/content "loop a", :block/uuid #uuid "' + SHAPE + 'c1",\n'
    '  :block/parent {:block/uuid #uuid "' + SHAPE + 'c2"}}\n'
    ' {:block/content "loop b", :block/uuid #uuid "' + SHAPE + 'c2",\n'
    '  :block/parent {:block/uuid #uuid "' + SHAPE + 'c1"}}\n'
    " {:block/properties {:ls-type :whiteboard-shape, :logseq.tldraw.shape\n"
    '  {:type "line", :id "' + SHAPE + 'b1", :point [1.5 2], :handles {:start {:id "start"}}}}}),\n'
    ' :pages ({:block/uuid #uuid "' + SHAPE + 'f0", :block/original-name "Nest",\n'
    "  :block/properties {:ls-type :whiteboard-page,\n"
    '   :logseq.tldraw.page {:id "' + SHAPE + 'f0", :bindings {}, :assets []}}})}\n'
)  # fmt: skip


def test_board_and_shape_properties_are_kept_as_logseq_reads_them(tmp_path):
    root = write_graph(tmp_path / "g", {"whiteboards/nest.edn": NESTED})
    board = load(root).pages["nest"]
    assert {k: p.value for k, p in board.properties.items()} == {
        "ls-type": "whiteboard-page",
        "logseq.tldraw.page": {"id": SHAPE + "f0", "bindings": {}, "assets": []},
    }
    first, line = board.blocks[0], board.blocks[-1]
    assert {k: p.value for k, p in first.properties.items()} == {"query-table": True, "heading": 3}
    shape = line.properties["logseq.tldraw.shape"]
    assert shape.value == {
        "type": "line", "id": SHAPE + "b1", "point": [1.5, 2], "handles": {"start": {"id": "start"}}
    }  # fmt: skip
    assert line.properties["ls-type"].raw == "whiteboard-shape"


def test_a_shape_block_hangs_under_its_parent_block_and_loops_are_cut(tmp_path):
    root = write_graph(tmp_path / "g", {"whiteboards/nest.edn": NESTED})
    blocks = load(root).pages["nest"].blocks
    assert [(b.content, b.parent, b.level) for b in blocks] == [
        ("### query", None, 1),  # its parent is the board itself
        ("child", 0, 2),
        ("loop a", 3, 2),  # a's parent b is read; b's parent a would close a loop
        ("loop b", None, 1),
        ("whiteboard arrow", None, 1),
    ]
    assert list(blocks[0].children) == [1] and list(blocks[3].children) == [2]
