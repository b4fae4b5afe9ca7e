"""What a published page's outline shows of the blocks Logseq reads."""

from __future__ import annotations

import datetime as dt

import html5lib

import bmtools
from bmtools.site import build_site
from tests.conftest import write_graph
from tests.sitecheck import broken_links

# innBoK's pages indent their sections under the page properties: Logseq makes them children
# of the page-properties block, which a site shows as a table, not as a block
EXPERIMENT = (
    "page-type:: [[experiment]]\n"
    "\n"
    "  - ### Goal\n"
    "    - Find which [[Landing page]] converts better\n"
    "  - ### Hypothesis\n"
    "    - The shorter one\n"
    "- a top-level note\n"
)


def test_blocks_under_the_page_properties_are_shown_and_their_anchors_exist(tmp_path):
    root = write_graph(
        tmp_path / "g",
        {"pages/AB test.md": EXPERIMENT, "pages/Landing page.md": "- the page\n"},
        "{:publishing/all-pages-public? true}\n",
    )
    out = tmp_path / "out"
    build_site(bmtools.load_graph(root), out, today=dt.date(2026, 12, 2), cache_dir=tmp_path / "c")
    doc = html5lib.parse((out / "p" / "ab_test.html").read_bytes(), namespaceHTMLElements=False)
    outline = doc.find(".//main//ul")
    shown = [" ".join("".join(li.itertext()).split()) for li in outline.findall("li")]
    assert [s.split()[0] for s in shown] == ["Goal", "Hypothesis", "a"]
    assert "Find which Landing page converts better" in shown[0]
    # the landing page's linked reference points at the block on the test page: it is there
    assert broken_links(out) == []
