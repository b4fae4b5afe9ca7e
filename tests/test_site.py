"""``bmtools site`` on the bundled graph, tests/innbok and small graphs of our own."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner
from icalendar import Calendar

import bmtools
from bmtools.cli import main
from bmtools.site import build_site, search, urls
from bmtools.site.build import SiteError
from tests.conftest import BUNDLED_GRAPH, write_graph
from tests.sitecheck import broken_links, parse_errors

TODAY = "2026-11-22"
INNBOK = Path(__file__).resolve().parent / "innbok"
NS = {"h": "http://www.w3.org/1999/xhtml"}


def run_site(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["site", *args], catch_exceptions=False)
    return result.exit_code, result.output


@contextlib.contextmanager
def own_cache(folder: Path):
    """A module-wide fixture runs before the per-test cache folder is set: give it its own."""
    old = os.environ.get("BMTOOLS_CACHE_DIR")
    os.environ["BMTOOLS_CACHE_DIR"] = str(folder / "cache")
    try:
        yield
    finally:
        if old is None:
            del os.environ["BMTOOLS_CACHE_DIR"]
        else:
            os.environ["BMTOOLS_CACHE_DIR"] = old


def dom(path: Path):
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def text_of(el) -> str:
    return " ".join("".join(el.itertext()).split())


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("bundled")
    shutil.copytree(BUNDLED_GRAPH, work / "graph")
    out = work / "site"
    with own_cache(work):
        code, output = run_site(str(work / "graph"), "--all", "--today", TODAY, "-o", str(out))
    assert code == 0, output
    assert re.match(r"wrote .*: \d+ pages, \d+ files: \d+ written", output)
    return out


def test_every_page_of_the_bundled_graph_parses_as_html5(bundled_site):
    pages = sorted(bundled_site.rglob("*.html"))
    assert len(pages) > 60
    errors = [e for p in pages for e in parse_errors(p)]
    assert errors == []


def test_no_broken_internal_link_or_anchor_on_the_bundled_graph(bundled_site):
    assert broken_links(bundled_site) == []


def test_innbok_graph_parses_and_has_no_broken_link(tmp_path):
    if not INNBOK.is_dir():
        pytest.skip("tests/innbok is not in this checkout")
    shutil.copytree(INNBOK, tmp_path / "g")
    code, output = run_site(
        str(tmp_path / "g"), "--all", "--today", TODAY, "-o", str(tmp_path / "s")
    )
    assert code == 0, output
    site = tmp_path / "s"
    assert [e for p in site.rglob("*.html") for e in parse_errors(p)] == []
    assert broken_links(site) == []


def test_one_file_per_published_page_at_its_stable_url(bundled_site):
    graph = bmtools.load_graph(BUNDLED_GRAPH)
    for page in graph.pages.values():
        path = bundled_site / urls.page_path(page.name, page.journal_day)
        assert path.is_file(), page.name
        title = dom(path).find(".//title")
        assert text_of(title).startswith(page.title)
    assert (bundled_site / "p/milestones/examples/space_x.html").is_file()
    assert (bundled_site / "journals/2026-11-13.html").is_file()


def test_title_and_description_per_page(bundled_site):
    doc = dom(bundled_site / "p/milestones/examples/space_x.html")
    assert text_of(doc.find(".//title")) == "milestones/examples/Space X · graph"
    desc = doc.find(".//meta[@name='description']").get("content")
    assert desc.startswith("SpaceX's first fifteen years retold as milestones")


def test_outline_properties_tasks_and_namespace(bundled_site):
    doc = dom(bundled_site / "p/milestones/examples/space_x.html")
    props = doc.find(".//table[@class='page-props']")
    assert "page-type" in text_of(props) and "example" in text_of(props)
    crumbs = doc.find(".//nav[@class='breadcrumbs']")
    assert [a.get("href") for a in crumbs.iter("a")] == [
        "../../milestones.html",
        "../../milestones/examples.html",
    ]
    assert "milestones/examples" in text_of(crumbs)
    markers = [text_of(m) for m in doc.iter("span") if "marker" in (m.get("class") or "")]
    assert "DONE" in markers
    assert any(m.get("class") == "marker done" for m in doc.iter("span"))
    # a namespace page lists its children
    ns = dom(bundled_site / "p/milestones/examples.html")
    kids = [text_of(a) for a in ns.find(".//section[@class='children']").iter("a")]
    assert "milestones/examples/Space X" in kids and len(kids) == 5


def test_milestone_cards_show_status_due_budget_owner_tactic(bundled_site):
    doc = dom(bundled_site / "p/milestones/examples/space_x.html")
    cards = [text_of(c) for c in doc.iter("div") if c.get("class") == "milestone-card"]
    assert len(cards) == 9
    first = cards[0]
    for part in (
        "missed",
        "due 2006-03-24",
        "budget 7,000,000 USD",
        "owner Elon Musk",
        "tactic Vertical integration of manufacturing",
    ):
        assert part in first


def test_artifact_page_shows_item_classes_and_items_per_example(bundled_site):
    doc = dom(bundled_site / "p/milestones/info.html")
    section = doc.find(".//section[@class='artifact']")
    assert section is not None
    fields = [text_of(td) for td in section.find(".//table[@class='fields']").iter("code")]
    assert {"due", "budget", "owner", "milestone-type", "tactic"} <= set(fields)
    tables = section.findall(".//table[@class='items']")
    assert len(tables) == 5
    heads = [text_of(th) for th in tables[0].find("thead").iter("th")]
    assert heads[0] == "Item" and "due" in heads and "budget" in heads
    rows = tables[0].find("tbody").findall("tr")
    assert text_of(rows[0].find("th")) == "Event planner interviews on exotic animal demand"
    link = rows[0].find("th/a").get("href")
    assert link.startswith("examples/exotic_pet_rental.html#b")


def test_roadmap_per_example_with_svg_critical_path_and_ics(bundled_site):
    road = bundled_site / "roadmaps/milestones/examples/space_x.html"
    doc = dom(road)
    img = doc.find(".//img[@class='timeline']")
    assert (road.parent / img.get("src")).read_bytes().startswith(b"<?xml")
    body = text_of(doc.find(".//main"))
    assert "Merlin engine qualified → Falcon 9 maiden flight" in body
    ics = doc.find(".//a[@download]").get("href")
    cal = Calendar.from_ical((road.parent / ics).read_bytes())
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 10  # 9 milestones and the recurring plan review
    assert any(e.get("rrule") for e in events)


def test_backlinks_with_block_and_breadcrumb(bundled_site):
    doc = dom(bundled_site / "p/elon_musk.html")
    section = doc.find(".//section[@class='backlinks']")
    heading = text_of(section.find("h2"))
    assert re.fullmatch(r"\d+ linked references", heading)
    groups = section.findall("section")
    assert "milestones/examples/Space X" in [text_of(g.find("h3")) for g in groups]
    blocks = [text_of(b) for b in section.iter("li")]
    assert any("Falcon 1 first launch" in b for b in blocks)


def test_indexes_journals_all_pages_search_sitemap(bundled_site):
    all_pages = dom(bundled_site / "all-pages.html")
    titles = [text_of(a) for a in all_pages.find(".//ul[@class='page-list']").iter("a")]
    assert "milestones/info" in titles and titles == sorted(titles, key=str.lower)
    journals = dom(bundled_site / "journals.html")
    assert [text_of(a) for a in journals.find(".//ul").iter("a")] == ["Nov 13th, 2026"]
    js = (bundled_site / "search-index.js").read_bytes()
    assert js.startswith(b"window.BMTOOLS_SEARCH=")
    entries = search.read_index(js)
    space = next(e for e in entries if e[0] == "milestones/examples/Space X")
    assert space[1] == "p/milestones/examples/space_x.html"
    assert "merlin" in space[3].split()
    sitemap = (bundled_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>p/milestones/examples/space_x.html</loc>" in sitemap


def test_same_graph_same_bytes(tmp_path):
    graph = bmtools.load_graph(BUNDLED_GRAPH)
    one = build_site(graph, tmp_path / "a", everything=True, today=dt.date(2026, 11, 22))
    two = build_site(graph, tmp_path / "b", everything=True, today=dt.date(2026, 11, 22))
    assert one.files == two.files
    for rel in (tmp_path / "a").rglob("*"):
        if rel.is_file() and not rel.name.startswith(".bmtools-site"):
            assert (
                rel.read_bytes() == (tmp_path / "b" / rel.relative_to(tmp_path / "a")).read_bytes()
            )


# -- small graphs ---------------------------------------------------------------------------

PUBLIC = "{:publishing/all-pages-public? true}\n"


def build(tmp_path: Path, files: dict[str, str], config: str | None = PUBLIC, **kw):
    root = write_graph(tmp_path / "g", files, config)
    out = tmp_path / "out"
    result = build_site(bmtools.load_graph(root), out, today=dt.date(2026, 11, 22), **kw)
    return out, result


def page_html(out: Path, name: str) -> str:
    return (out / urls.page_path(name)).read_text(encoding="utf-8")


def test_publishing_follows_public_and_config(tmp_path):
    files = {
        "pages/open.md": "public:: true\n\n- shown [[closed]]\n",
        "pages/closed.md": "- private text\n",
        "pages/no.md": "public:: false\n\n- never\n",
    }
    out, res = build(tmp_path / "1", files, config="{}\n")
    assert res.pages == 1
    assert not (out / urls.page_path("closed")).exists()
    html = page_html(out, "open")
    assert '<span class="unpublished">closed</span>' in html
    out, res = build(tmp_path / "2", files)
    assert (out / urls.page_path("closed")).exists() and not (out / urls.page_path("no")).exists()
    out, res = build(tmp_path / "3", files, config="{}\n", everything=True)
    assert res.pages == 3


def test_nothing_to_publish_says_so(tmp_path):
    root = write_graph(tmp_path / "g", {"pages/a.md": "- text\n"}, "{}\n")
    code, output = run_site(str(root), "-o", str(tmp_path / "out"))
    assert code == 1
    assert "nothing to publish" in output and "--all" in output
    assert not (tmp_path / "out").exists()


def test_refs_tags_missing_pages(tmp_path):
    out, _ = build(
        tmp_path,
        {
            "pages/a.md": "- see [[B]] and [[Nowhere]] and #topic and #[[two words]]\n",
            "pages/b.md": "- bee\n",
        },
    )
    html = page_html(out, "a")
    assert '<a href="b.html">B</a>' in html
    assert '<span class="missing">Nowhere</span>' in html
    assert '<a class="tag" href="topic.html">#topic</a>' in html
    assert '<a class="tag" href="two_words.html">#two words</a>' in html
    tag = page_html(out, "topic")
    assert "Tag: pages and blocks tagged #topic" in tag and "1 linked reference" in tag


def test_block_refs_and_nested_embeds_resolved_in_place(tmp_path):
    uid = "6560d3a2-0000-4000-8000-000000000001"
    out, _ = build(
        tmp_path,
        {
            "pages/source.md": f"- the referenced block\n  id:: {uid}\n\t- its child\n",
            "pages/middle.md": "- middle text {{embed [[source]]}}\n- {{embed [[source]]}}\n",
            "pages/top.md": f"- {{{{embed [[middle]]}}}}\n- ref: (({uid}))\n"
            f"- {{{{embed (({uid}))}}}}\n- {{{{embed [[ghost]]}}}}\n"
            "- {{embed ((6560d3a2-0000-4000-8000-00000000dead))}}\n",
        },
    )
    html = page_html(out, "top")
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    embeds = [e for e in doc.iter("div") if "embed" in (e.get("class") or "").split()]
    page_embeds = [e for e in embeds if "embed-page" in e.get("class")]
    assert len(page_embeds) == 4  # middle, source twice inside it, ghost
    assert text_of(embeds[0]).count("its child") == 2
    refs = [e for e in doc.iter("span") if e.get("class") == "block-ref"]
    assert text_of(refs[0]).startswith("the referenced block")
    assert refs[0].find("a").get("href") == f"source.html#b-{uid}"
    assert "Embedded page ghost does not exist" in text_of(doc)
    assert "6560d3a2-0000-4000-8000-00000000dead))" in text_of(doc) and "does not exist" in html
    src = html5lib.parse(page_html(out, "source"), namespaceHTMLElements=False)
    assert src.find(f".//li[@id='b-{uid}']") is not None


def test_embed_and_ref_cycles_are_guarded(tmp_path):
    u1, u2 = "6560d3a2-0000-4000-8000-00000000000a", "6560d3a2-0000-4000-8000-00000000000b"
    out, _ = build(
        tmp_path,
        {
            "pages/a.md": "- {{embed [[b]]}}\n",
            "pages/b.md": "- {{embed [[a]]}}\n",
            "pages/self.md": "- {{embed [[self]]}}\n",
            "pages/refs.md": f"- one (({u2}))\n  id:: {u1}\n- two (({u1}))\n  id:: {u2}\n"
            f"- {{{{embed (({u1}))}}}}\n  id:: 6560d3a2-0000-4000-8000-00000000000c\n",
        },
    )
    for name in ("a", "b", "self", "refs"):
        html = page_html(out, name)
        assert html5lib.HTMLParser(strict=True).parse(html) is not None
    assert "this embed is inside itself" in page_html(out, "a")
    assert page_html(out, "self").count("this embed is inside itself") == 1
    refs = page_html(out, "refs")
    assert "one" in refs and "two" in refs


def test_markdown_code_math_tables_images(tmp_path):
    (tmp_path / "g" / "assets").mkdir(parents=True)
    (tmp_path / "g" / "assets" / "pic.png").write_bytes(b"\x89PNG fake")
    (tmp_path / "g" / "assets" / "unused.png").write_bytes(b"\x89PNG unused")
    out, _ = build(
        tmp_path,
        {
            "pages/a.md": "- ```python\n  def f():\n      return 1\n  ```\n"
            "- $$E=mc^2$$ and $x^2$ and $\\frac{a$\n"
            "- | h1 | h2 |\n  |---|---|\n  | 1 | 2 |\n"
            "- ![pic](../assets/pic.png){:height 10, :width 20}\n"
            "- **bold** _it_ ~~gone~~ `code`\n",
        },
    )
    html = page_html(out, "a")
    assert '<div class="highlight"><pre>' in html and '<span class="k">def</span>' in html
    assert "<math" in html and "<msup>" in html
    assert "<table>" in html and "<th>h1</th>" in html
    assert '<img src="../assets/assets/pic.png" alt="pic"' in html
    assert (out / "assets/assets/pic.png").read_bytes() == b"\x89PNG fake"
    assert not (out / "assets/assets/unused.png").exists()
    assert "<strong>bold</strong>" in html and "<s>gone</s>" in html


def test_assets_outside_the_graph_are_never_copied(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    root = tmp_path / "g"
    (root / "assets").mkdir(parents=True)
    (root / "assets" / "link.txt").symlink_to(secret)
    (root / "assets" / ".hidden").write_text("hidden")
    (root / "logseq").mkdir()
    out, res = build(
        tmp_path,
        {
            "pages/a.md": "- [l](../assets/link.txt) [e](../../secret.txt) "
            "[h](../assets/.hidden) [c](../logseq/config.edn) [d](../assets)\n",
        },
    )
    html = page_html(out, "a")
    assert "secret" not in "".join(
        p.read_text(errors="ignore") for p in out.rglob("*") if p.is_file()
    ).replace("../../secret.txt", "")
    assert not (out / "assets").exists()
    assert html.count('class="link-missing"') == 5


def test_theme_override_by_templates_folder(tmp_path):
    theme = tmp_path / "theme" / "site"
    theme.mkdir(parents=True)
    (theme / "style.css").write_text("body { color: rebeccapurple; }\n")
    (theme / "page.html.j2").write_text(
        '{% extends "site/base.html.j2" %}{% block main %}<h1 class="mine">{{ page.title }}'
        "</h1>{{ page.outline }}{% endblock %}\n"
    )
    out, _ = build(tmp_path, {"pages/a.md": "- <b>hi</b>\n"}, templates=str(tmp_path / "theme"))
    assert (out / "static/style.css").read_text() == "body { color: rebeccapurple; }\n"
    html = page_html(out, "a")
    assert '<h1 class="mine">a</h1>' in html and "&lt;b&gt;hi&lt;/b&gt;" in html
    assert "All pages" in html  # the shipped base template still applies


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("milestones/examples/space x", "milestones/examples/space_x"),
        ("okr (objectives and key results)", "okr_~28objectives_and_key_results~29"),
        ("lucía ferrer", "lucía_ferrer"),
        ("a_b", "a~5fb"),
        ("../etc", "~2e./etc"),
        ("con", "con~"),
        ("a//b", "a/~/b"),
        ("🧿 eye", "~U01f9ff_eye"),
    ],
)
def test_slugs_are_readable(name, expected):
    assert urls.slug(name) == expected


def test_slugs_are_injective_and_short():
    names = [
        "a b",
        "a_b",
        "a-b",
        "a~5fb",
        "a.b",
        ".ab",
        "a/b",
        "a%2fb",
        "A B",
        "x" * 400,
        "x" * 401,
    ]
    slugs = [urls.slug(n.lower()) for n in names]
    assert len(set(slugs)) == len({n.lower() for n in names})
    assert all(len(s.encode()) <= urls.MAX_SEGMENT_BYTES for s in slugs)


def test_fast_path_gives_the_same_html_as_markdown_it(tmp_path):
    from bmtools.site.context import SiteContext
    from bmtools.site.html import Env, HtmlRenderer

    graph = bmtools.load_graph(write_graph(tmp_path / "g", {"pages/b.md": "- x\n"}, PUBLIC))
    r = HtmlRenderer(SiteContext(graph, {"b"}))
    texts = [
        "plain words only",
        "see [[B]] and #tag, then #[[two words]] ok",
        "trailing #",
        "a # b and c#d and (parens) fine",
        "Café Müller [[Übersicht Planung]] #tracker-deadline",
        "quote \"marks\" and 'single'",
        "ends with tag #x.",
        "#start tag",
        "[[unclosed",
        "[[b]] [[B]]",
        "two lines\nof [[B]] text",
        "hard break  \nnext",
        "a line\n- a list",
        "a line\n\nanother paragraph",
        "a line\n  indented",
        "a line\n1. numbered",
        "title\n===",
        "## a heading with [[B]]",
        "### closed heading ###",
        "#### heading #tag",
        "ref ((6560d3a2-0000-4000-8000-000000000001)) and (parens)",
        "{{embed [[B]]}} then {{query (todo now)}} and { braces }",
        "{{unclosed macro",
        "#tag first, then [[B]]",
        "######## seven hashes",
        "## 1 a heading starting with a number",
        "-1 is not a list, nor is 2024 a year",
        "run `grep [[B]] #x` before [[B]]",
        "`a\nb` and ``c ` d`` and ` e `",
        "an unclosed ` backtick and [[B]]",
        "`*code*` then _emphasis_",
        "`x`\n- a list",
        "`x`\n```\nfence",
        "#tag`*`#x`*`",
        "[[a `b]] `c`",
    ]
    for text in texts:
        fast = r.fast(text, Env(stack=(), _embeds=[]))
        slow = r.md.render(text, Env(stack=(), _embeds=[]))
        if fast is not None:
            assert (fast if fast.startswith("<h") else f"<p>{fast}</p>\n") == slow, text
    assert r.fast("plain words only", Env()) is not None
    assert r.fast("two lines\nof [[B]] text", Env()) is not None
    assert r.fast("## a heading with [[B]]", Env()) is not None
    assert r.fast("{{embed [[B]]}} then {{query (todo now)}} and { braces }", Env(_embeds=[]))
    assert r.fast("see [[B]] and #tag, then #[[two words]] ok", Env()) is not None
    for text in (
        "#tag first, then [[B]]",
        "## 1 a heading starting with a number",
        "-1 is not a list, nor is 2024 a year",
        "run `grep [[B]] #x` before [[B]]",
        "`a\nb` and ``c ` d`` and ` e `",
    ):
        assert r.fast(text, Env()) is not None, text
    assert r.fast("`*code*` then _emphasis_", Env()) is None
    assert "<code>grep [[B]] #x</code>" in r.fast("run `grep [[B]] #x` before [[B]]", Env())


def test_api_refuses_when_nothing_is_published(tmp_path):
    root = write_graph(tmp_path / "g", {"pages/a.md": "- a\n"}, "{}\n")
    with pytest.raises(SiteError) as err:
        build_site(bmtools.load_graph(root), tmp_path / "out")
    assert err.value.code == 1


def test_a_block_naming_a_page_twice_is_one_linked_reference(tmp_path):
    out, _ = build(
        tmp_path,
        {
            "pages/target.md": "alias:: other name\n\n- the target\n",
            "pages/source.md": "- [[target]] and [[other name]] and #target\n- [[Target]] again\n",
        },
    )
    assert "2 linked references" in page_html(out, "target")


def test_a_broken_theme_is_an_error_naming_the_template_line(tmp_path):
    root = write_graph(tmp_path / "g", {"pages/a.md": "- a\n"}, PUBLIC)
    theme = tmp_path / "theme" / "site"
    theme.mkdir(parents=True)
    (theme / "page.html.j2").write_text(
        "{% extends 'site/base.html.j2' %}\n{% block main %}{{ page.nope }}{% endblock %}\n"
    )
    code, output = run_site(
        str(root), "--templates", str(tmp_path / "theme"), "-o", str(tmp_path / "o")
    )
    assert code == 2
    assert "page.html.j2:2" in output and "nope" in output and "Traceback" not in output
    code, output = run_site(
        str(root), "--templates", str(tmp_path / "none"), "-o", str(tmp_path / "o2")
    )
    assert code == 2 and "no such templates folder" in output


def test_collapsed_property_is_never_shown(tmp_path):
    out, _ = build(
        tmp_path,
        {
            "pages/a.md": "- ## A heading #x\n  collapsed:: true\n  - child\n"
            "- plain [[x]]\n  collapsed:: false\n",
            "pages/x.md": "- x\n",
        },
    )
    a = page_html(out, "a")
    assert "collapsed::" not in a and "<details><summary><h2>A heading" in a
    x = page_html(out, "x")
    assert "2 linked references" in x and "collapsed" not in x


def test_a_fence_with_a_blank_info_string(tmp_path):
    out, _ = build(tmp_path, {"pages/a.md": "- ```  \n  print(1)\n  ```\n"})
    assert "print(1)" in page_html(out, "a")


def test_linked_references_stay_short(tmp_path):
    from bmtools.site import backlinks
    from bmtools.site.context import SiteContext

    many = backlinks.MAX_BLOCKS + 2 * backlinks.MAX_LISTED + 7
    files = {"pages/hub.md": "- the hub\n"}
    for k in range(many):
        files[f"pages/s{k:02}.md"] = f"- parent {k}\n  - refers to [[hub]] ({k})\n"
    out, _ = build(tmp_path, files)
    doc = dom(out / urls.page_path("hub"))
    section = doc.find(".//section[@class='backlinks']")
    assert text_of(section.find("h2")) == f"{many} linked references"
    shown = [li for li in section.iter("li") if li.get("class") != "more-refs"]
    assert [text_of(li) for li in shown] == [
        f"parent {k} refers to hub ({k})" for k in range(backlinks.MAX_BLOCKS)
    ]  # the breadcrumb, then the block
    more = section.find("p[@class='more-refs']")
    named = [text_of(a) for a in more.iter("a")]
    others = [f"s{k:02}" for k in range(backlinks.MAX_BLOCKS, many)]
    assert named == others[: backlinks.MAX_LISTED]
    assert text_of(more).endswith(f"and {len(others) - backlinks.MAX_LISTED} more.")
    # pages named elsewhere on the page (the pages tagged with it) are not named again
    graph = bmtools.load_graph(tmp_path / "g")
    ctx = SiteContext(graph, set(graph.pages))
    entries = [(f"s{k:02}", 1) for k in range(many)]
    listed = set(others[::2])
    html = backlinks.backlinks_html(ctx, entries, lambda p, i: "#", lambda n, t: t, listed)
    named = html.split("Also referred to from ")[1]
    assert all(n not in named for n in listed) and others[1] in named


def test_search_index_stores_each_word_once():
    entries = [[f"P{k}", f"p/p{k}.html", "", f"common word{k % 3} only{k}"] for k in range(60)]
    entries.append(["Last", "p/last.html", "sum", "common rare"])
    js = search.index_js(entries)
    text = js.decode()
    assert text.count("common") == 1  # 61 pages hold it
    back = search.read_index(js)
    assert [e[:3] for e in back] == [e[:3] for e in entries]
    assert [sorted(e[3].split()) for e in back] == [sorted(e[3].split()) for e in entries]
    import json

    data = json.loads(text[len("window.BMTOOLS_SEARCH=") : -2])
    hits = dict(zip(data["words"].split(" "), data["hits"], strict=True))
    assert hits["common"].startswith("!")  # on every page: a bitmap
    assert not hits["rare"].startswith("!") and len(hits["rare"]) == 2  # page 60: one number
