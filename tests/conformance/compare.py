"""Compare what bmtools reads from a graph with what Logseq 0.10.15 reads (issue 10).

Both sides are brought to one plain, JSON-shaped *view* and compared field by field:

    {"pages": {name: {"title", "file", "journal", "namespace", "alias", "tags", "props",
                      "blocks": [{"content", "pre", "props", "refs", "marker", "priority",
                                  "scheduled", "deadline", "uuid", "parent", "line"}]}}}

Logseq's side comes from the oracle (``/work/shared/oracle/run.sh GRAPH OUT.jsonl``, a dev
tool that tests never run): :func:`oracle_view`. bmtools' side comes from
:func:`bmtools.load_graph`: :func:`bmtools_view`. Committed cases store the oracle's view
(without ``line`` and ``file`` of blocks) as ``expected.json``.

Normalisations, applied to both sides alike (each is a difference we do not count):

- ``file`` is relative to the graph root with ``/`` separators (the oracle prints absolute
  paths).
- Blocks are in document order, rebuilt from Logseq's ``parent`` + ``left`` links; ``parent``
  becomes the parent's index in that list (``None`` at top level).
- ``content`` loses trailing whitespace (of the whole block and of each line). Property lines
  stay in the content on both sides, as Logseq keeps them.
- ``refs`` is a sorted set: Logseq's list can name one entity twice (``{{embed ((u))}}`` refs
  the block ``u`` and a page named ``u``).
- ``alias``, ``tags`` are sorted sets of page names; ``props`` values that are collections are
  sorted lists of strings (Logseq stores sets).
- ``scheduled``/``deadline`` are ``yyyymmdd`` integers, as Logseq stores them.
- ``uuid`` is kept only when it is written in the graph's files (``id::``, a whiteboard's
  ``:block/uuid``): other uuids are fresh at every Logseq run.

Fields bmtools' model does not hold are derived here as Logseq does (each is a fact checked
with the oracle; see tests/conformance/cases):

- every page name and title: :func:`bmtools.loader.logseq_pages` (pages that exist only
  because something names them get ``file: None``, titled as first written in Logseq's file
  order; the built-in pages :data:`BUILTIN_PAGES`; the page ``{{embed ((uuid))}}`` makes,
  named after the uuid, which the block also refs);
- a page two files name (BM011): the identity of the file Logseq keeps, the properties of the
  last file that has some, and the blocks of every file in Logseq's parse order
  (:func:`bmtools.loader.logseq_page_blocks`), each block with its own file and line;
- an alias page's own ``alias``: the page that declares it and that page's other aliases;
- a Markdown block's content and properties as Logseq stores them
  (:mod:`bmtools.syntax.blocks.logseq`: trailing blank lines dropped, an Org drawer as
  ``key:: value`` lines, a duplicate ``id::`` line removed, a heading as the property
  ``heading``), where bmtools' model keeps the text as written;
- whiteboard blocks are paired by their written uuid, not by document order.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bmtools.loader import (
    BUILTIN_PAGES,
    logseq_file_order,
    logseq_kept,
    logseq_page_blocks,
    logseq_pages,
)
from bmtools.model import BLOCK_EMBED, Block, Graph, Page
from bmtools.names import journal_day, namespace_parents, page_name
from bmtools.syntax.blocks.logseq import logseq_content, logseq_properties

PAGE_FIELDS = ("title", "file", "journal", "namespace", "alias", "tags", "props")
BLOCK_FIELDS = (
    "pre",
    "parent",
    "content",
    "props",
    "refs",
    "marker",
    "priority",
    "scheduled",
    "deadline",
    "uuid",
)
# Every field a case or a graph is compared on, in the order of the agreement table.
FIELDS = (
    ("pages",)
    + tuple(f"page.{f}" for f in PAGE_FIELDS)
    + ("page.blocks",)
    + tuple(f"block.{f}" for f in BLOCK_FIELDS)
)

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


# --------------------------------------------------------------------------------------------
# Normalisation shared by both sides


def norm_content(text: str | None) -> str:
    """Block text without trailing whitespace, per line and at the end."""
    if not text:
        return ""
    return "\n".join(line.rstrip() for line in text.rstrip().split("\n"))


def norm_value(value: Any) -> Any:
    """A property value as compared: collections become sorted lists of strings."""
    if isinstance(value, list | tuple | set | frozenset):
        return sorted({str(v) for v in value})
    return value


def norm_props(props: dict[str, Any]) -> dict[str, Any]:
    return {str(k): norm_value(v) for k, v in sorted(props.items())}


# --------------------------------------------------------------------------------------------
# Logseq's side: the oracle's JSONL


def _relative(path: str | None, roots: list[str]) -> str | None:
    if path is None:
        return None
    for root in roots:
        if path.startswith(root + "/"):
            return path[len(root) + 1 :]
    return path


def _document_order(blocks: list[dict]) -> list[dict]:
    """Logseq's blocks in document order (pre-order walk over parent + left links)."""
    by_uuid = {b["uuid"]: b for b in blocks}
    children: dict[str | None, list[dict]] = defaultdict(list)
    for b in blocks:
        parent = b.get("parent")
        children[parent if parent in by_uuid else None].append(b)

    def ordered(siblings: list[dict]) -> list[dict]:
        # One chain of left links per file: a page two files name has a chain per file, each
        # starting at the page (parse order is the database order of the chains' heads).
        uuids = {b["uuid"] for b in siblings}
        after = {b.get("left"): b for b in siblings if b.get("left") in uuids}
        heads = [b for b in siblings if b.get("left") not in uuids] or siblings[:1]
        out: list[dict] = []
        seen: set[str] = set()
        for current in heads:
            while current is not None and current["uuid"] not in seen:
                out.append(current)
                seen.add(current["uuid"])
                current = after.get(current["uuid"])
        out.extend(b for b in siblings if b["uuid"] not in seen)  # a broken chain: keep them
        return out

    result: list[dict] = []
    stack: list[tuple[dict, int | None]] = [(b, None) for b in reversed(ordered(children[None]))]
    index_of: dict[str, int] = {}
    while stack:
        b, parent_index = stack.pop()
        index_of[b["uuid"]] = len(result)
        result.append({**b, "parent_index": parent_index})
        for child in reversed(ordered(children.get(b["uuid"], []))):
            stack.append((child, index_of[b["uuid"]]))
    return result


def oracle_view(records: Iterable[dict], root: str | os.PathLike[str] | None = None) -> dict:
    """The view of the oracle's JSON objects (one per page); ``root`` relativises file paths."""
    roots: list[str] = []
    if root is not None:
        roots = sorted({os.path.abspath(root), os.path.realpath(root)}, key=len, reverse=True)
    records = list(records)
    written: set[str] = set()
    if root is not None:
        sources: Iterable[str] = texts_of(root, (".edn",)).values()
    else:
        sources = (b.get("content") or "" for r in records for b in r.get("blocks") or ())
    for text in sources:
        written.update(u.lower() for u in _UUID.findall(text))
    pages: dict[str, dict] = {}
    for r in records:
        blocks = []
        for b in _document_order(list(r.get("blocks") or ())):
            uuid = b.get("uuid")
            blocks.append(
                {
                    "content": norm_content(b.get("content")),
                    "pre": bool(b.get("pre")),
                    "props": norm_props(b.get("props") or {}),
                    "refs": sorted(set(b.get("refs") or ())),
                    "marker": b.get("marker"),
                    "priority": b.get("priority"),
                    "scheduled": b.get("scheduled"),
                    "deadline": b.get("deadline"),
                    "uuid": uuid if uuid in written else None,
                    "parent": b["parent_index"],
                }
            )
        pages[r["name"]] = {
            "title": r.get("title"),
            "file": _relative(r.get("file"), roots),
            "journal": bool(r.get("journal")),
            "namespace": r.get("namespace"),
            "alias": sorted(set(r.get("alias") or ())),
            "tags": sorted(set(r.get("tags") or ())),
            "props": norm_props(r.get("props") or {}),
            "blocks": blocks,
        }
    return {"pages": dict(sorted(pages.items()))}


def read_oracle(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> dict:
    """The view of an oracle JSONL file."""
    with open(path, encoding="utf-8") as f:
        return oracle_view((json.loads(line) for line in f if line.strip()), root)


# --------------------------------------------------------------------------------------------
# bmtools' side


def bmtools_view(graph: Graph) -> dict:
    """The view of a loaded bmtools graph, with the fields its model lacks derived (see above).

    Page names and titles are :func:`bmtools.loader.logseq_pages`; a page two files name is read
    as Logseq merges it: the kept file's identity and properties, every file's blocks in parse
    order (:func:`bmtools.loader.logseq_page_blocks`), each block with its own file and line."""
    fmt = graph.config.journal_title_format
    pages: dict[str, dict] = {}

    def page_entry(name: str, title: str | None) -> dict:
        parents = namespace_parents(name) if title is not None and "[[" not in name else []
        return {
            "title": title,
            "file": None,
            "journal": title is not None and journal_day(name, fmt) is not None,
            "namespace": parents[-1] if parents else None,
            "alias": [],
            "tags": [],
            "props": {},
            "blocks": [],
        }

    titles = logseq_pages(graph)
    for name, title in titles.items():
        pages[name] = page_entry(name, title)
    for name, first in graph.pages.items():
        if first.file is None:
            continue
        files = [p for p in (first, *first.merged) if not p.blank]
        if not files:
            continue  # whitespace-only files: no page for Logseq
        by_file = {p.file or "": p for p in files}
        ordered = [by_file[f] for f in logseq_file_order(by_file)]
        page = ordered[-1]  # the file Logseq keeps
        entry = pages.setdefault(name, page_entry(name, page.title))
        entry["file"] = page.file
        entry["journal"] = page.kind == "journal"
        entry["namespace"] = page.namespace
        entry["alias"] = sorted({page_name(a) for a in page.aliases})
        entry["tags"] = sorted({page_name(t) for t in page.tags})
        # Logseq replaces the page's properties with each file's that has some (parse order).
        props = next((p.properties for p in reversed(ordered) if p.properties), {})
        entry["props"] = norm_props({k: p.value for k, p in props.items()})
        blocks: list[dict] = []
        base: dict[str, int] = {}
        for src, block in logseq_page_blocks(first):
            if src.blank:
                continue
            offset = base.setdefault(src.file or "", len(blocks))
            blocks.append(_block_view(src, block, offset))
        entry["blocks"] = blocks
    # Alias pages name the declaring page and its other aliases as their aliases.
    for name, first in graph.pages.items():
        if first.file is None:
            continue
        page = logseq_kept(first)
        names = {page_name(a) for a in page.aliases}
        for alias in names:
            entry = pages.setdefault(alias, page_entry(alias, alias))
            entry["alias"] = sorted(set(entry["alias"]) | ((names | {name}) - {alias}))
    return {"pages": dict(sorted(pages.items()))}


def _block_view(page: Page, block: Block, offset: int = 0) -> dict:
    """One block's view; a Markdown block's content and properties as Logseq stores them
    (bmtools.syntax.blocks.logseq: where bmtools' model keeps something else on purpose)."""
    if page.format == "markdown":
        content = logseq_content(page, block)
        props = logseq_properties(page, block)
    else:
        content = block.content
        props = {k: p.value for k, p in block.properties.items()}
        if block.heading and not block.pre_block:
            props["heading"] = block.heading
    refs = set()
    for ref in block.refs:
        refs.add(ref.target)
        if ref.kind == BLOCK_EMBED:
            refs.add(ref.target)  # also the placeholder page of that name (same string)
    return {
        "content": norm_content(content),
        "pre": block.pre_block,
        "props": norm_props(props),
        "refs": sorted(refs),
        "marker": block.marker,
        "priority": block.priority,
        "scheduled": _day(block.scheduled),
        "deadline": _day(block.deadline),
        "uuid": block.uuid,
        "parent": None if block.parent is None else offset + block.parent,
        "line": block.line,
        "file": page.file,
    }


def _day(ts) -> int | None:
    if ts is None:
        return None
    return ts.date.year * 10000 + ts.date.month * 100 + ts.date.day


# --------------------------------------------------------------------------------------------
# Comparison


@dataclass
class Difference:
    """One field of one page or block on which the two readings disagree."""

    field: str
    page: str
    file: str | None
    line: int | None
    logseq: Any
    bmtools: Any
    cause: str = ""

    def where(self) -> str:
        if self.file is None:
            return f"page '{self.page}'"
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Comparison:
    """Per-field agreement counts and the list of differences."""

    agree: Counter = field(default_factory=Counter)
    total: Counter = field(default_factory=Counter)
    differences: list[Difference] = field(default_factory=list)

    def fields_differing(self) -> set[str]:
        return {d.field for d in self.differences}


def _align(logseq: list[dict], bm: list[dict]) -> list[tuple[int | None, int | None]]:
    """Pairs of block indexes (Logseq, bmtools) in document order; None where one side lacks it."""
    a = [b["content"] for b in logseq]
    c = [b["content"] for b in bm]
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, a, c, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        # Unequal runs: pair blocks whose first lines match, leave the rest unpaired.
        first_a = [s.split("\n", 1)[0].strip() for s in a[i1:i2]]
        first_c = [s.split("\n", 1)[0].strip() for s in c[j1:j2]]
        inner = difflib.SequenceMatcher(None, first_a, first_c, autojunk=False)
        ia, jc = i1, j1
        for m in inner.get_matching_blocks():
            while ia < i1 + m.a:
                pairs.append((ia, None))
                ia += 1
            while jc < j1 + m.b:
                pairs.append((None, jc))
                jc += 1
            for k in range(m.size):
                pairs.append((i1 + m.a + k, j1 + m.b + k))
            ia, jc = i1 + m.a + m.size, j1 + m.b + m.size
    return pairs


def _align_by_uuid(logseq: list[dict], bm: list[dict]) -> list[tuple[int | None, int | None]]:
    """Pairs for a whiteboard: its shapes have no document order, but each has a uuid written
    in the file; blocks without a shared uuid are paired by content (:func:`_align`)."""
    by_uuid = {b["uuid"]: j for j, b in enumerate(bm) if b["uuid"]}
    pairs: list[tuple[int | None, int | None]] = []
    rest_l: list[int] = []
    for i, b in enumerate(logseq):
        j = by_uuid.pop(b["uuid"], None) if b["uuid"] else None
        if j is None:
            rest_l.append(i)
        else:
            pairs.append((i, j))
    paired = {j for _, j in pairs}
    rest_b = [j for j in range(len(bm)) if j not in paired]
    for i, j in _align([logseq[i] for i in rest_l], [bm[j] for j in rest_b]):
        pairs.append((None if i is None else rest_l[i], None if j is None else rest_b[j]))
    return pairs


def compare_views(logseq: dict, bm: dict, texts: dict[str, str] | None = None) -> Comparison:
    """Compare every field; ``texts`` (file → text) lets Logseq-only blocks get a line."""
    cmp = Comparison()
    lp, bp = logseq["pages"], bm["pages"]
    for name in sorted(set(lp) | set(bp)):
        cmp.total["pages"] += 1
        if name in lp and name in bp:
            cmp.agree["pages"] += 1
        else:
            side = lp.get(name) or bp.get(name)
            cmp.differences.append(
                Difference(
                    "pages",
                    name,
                    side["file"],
                    1 if side["file"] else None,
                    name in lp,
                    name in bp,
                )
            )
            continue
        _compare_page(cmp, name, lp[name], bp[name], texts or {})
    sites = {"logseq": _ref_sites(logseq), "bmtools": _ref_sites(bm)}
    for d in cmp.differences:
        d.cause = classify(d, logseq, bm, texts or {}, sites)
    return cmp


def _compare_page(cmp: Comparison, name: str, lpage: dict, bpage: dict, texts: dict) -> None:
    file = bpage["file"] or lpage["file"]
    for f in PAGE_FIELDS:
        key = f"page.{f}"
        cmp.total[key] += 1
        if lpage[f] == bpage[f]:
            cmp.agree[key] += 1
        else:
            cmp.differences.append(Difference(key, name, file, 1, lpage[f], bpage[f]))
    lblocks, bblocks = lpage["blocks"], bpage["blocks"]
    if (file or "").endswith(".edn"):
        pairs = _align_by_uuid(lblocks, bblocks)
    else:
        pairs = _align(lblocks, bblocks)
    cmp.total["page.blocks"] += 1
    unpaired = [(i, j) for i, j in pairs if i is None or j is None]
    if not unpaired and len(lblocks) == len(bblocks):
        cmp.agree["page.blocks"] += 1
    else:
        lines = _lines_for(lblocks, texts.get(file or "", ""))
        cmp.differences.append(
            Difference(
                "page.blocks",
                name,
                file,
                None,
                [lblocks[i]["content"] for i, _ in unpaired if i is not None],
                [bblocks[j]["content"] for _, j in unpaired if j is not None],
            )
        )
        first = unpaired[0]
        if first[1] is not None:
            cmp.differences[-1].line = bblocks[first[1]].get("line")
            cmp.differences[-1].file = bblocks[first[1]].get("file") or file
        elif first[0] is not None:
            cmp.differences[-1].line = lines[first[0]]
    to_bm = {i: j for i, j in pairs if i is not None and j is not None}
    for i, j in pairs:
        if i is None or j is None:
            continue
        lb, bb = lblocks[i], bblocks[j]
        for f in BLOCK_FIELDS:
            key = f"block.{f}"
            cmp.total[key] += 1
            if f == "parent":
                lpar = lb["parent"]
                same = (lpar is None and bb["parent"] is None) or (
                    lpar is not None and to_bm.get(lpar) == bb["parent"]
                )
                lval = None if lpar is None else lblocks[lpar]["content"].split("\n", 1)[0]
                if lpar is not None and lblocks[lpar]["pre"]:
                    lval = "(pre-block) " + lval
                bpar = bb["parent"]
                bval = None if bpar is None else bblocks[bpar]["content"].split("\n", 1)[0]
            else:
                lval, bval = lb[f], bb[f]
                same = lval == bval
            if same:
                cmp.agree[key] += 1
            else:
                where = bb.get("file") or file  # a merged page's block keeps its own file
                cmp.differences.append(Difference(key, name, where, bb.get("line"), lval, bval))


def _lines_for(blocks: list[dict], text: str) -> list[int | None]:
    """A 1-based line for each Logseq block, found by searching its first line in the file."""
    out: list[int | None] = []
    lines = text.split("\n")
    pos = 0
    for b in blocks:
        first = b["content"].split("\n", 1)[0].strip()
        hit = None
        if first:
            for k in range(pos, len(lines)):
                if first in lines[k]:
                    hit = k
                    break
        if hit is None:
            out.append(None)
        else:
            out.append(hit + 1)
            pos = hit
    return out


# --------------------------------------------------------------------------------------------
# Causes: a short signature per kind of difference


def _context(content: str, name: str) -> str:
    """How a ref name appears in a block's text: the syntax that makes (or hides) it."""
    if _UUID.fullmatch(name):
        if re.search(r"\{\{embed \(\(" + re.escape(name), content, re.IGNORECASE):
            return "{{embed ((uuid))}}"
        return "((uuid))"
    low = content.lower()
    n = name.lower()
    if "](" in n:
        return "#tag in a link label"  # the tag ran on into the link's "](…"
    lines = low.split("\n")
    fence = False
    begin = False
    for line in lines:
        s = line.strip()
        if s.startswith(("```", "~~~")):
            fence = not fence
            if n in s:
                return "on a ``` fence line"
            continue
        if s.startswith("#+begin_"):
            begin = True
            if n in s:
                return "on a #+BEGIN line"
            continue
        if s.startswith("#+end_"):
            begin = False
            continue
        if n not in line:
            continue
        if fence:
            return "inside ``` fence"
        if begin:
            return "inside #+BEGIN…#+END"
        m = re.match(r"\s*([^\s:]+)::", line)
        if m:
            if m.group(1).replace("_", "-") == n:
                return "property key page"
            return "in a property value"
        if re.search(r"`[^`]*" + re.escape(n) + r"[^`]*`", line):
            return "inside `code`"
        if "[[" + n + "]]" in line:
            if re.search(r"\[[^\]]*\[\[" + re.escape(n) + r"\]\][^\]]*\]\(", line):
                return "[[ref]] in a link label"
            if "<" in line and re.search(r"<[a-z]+[^>]*>[^<]*\[\[" + re.escape(n), line):
                return "[[ref]] inside HTML"
            return "[[ref]]"
        if "#" + n in line:
            if re.search(r"\[[^\]]*#" + re.escape(n) + r"[^\]]*\]\(", line):
                return "#tag in a link label"
            return "#tag"
        if re.search(r"\]\([^)]*" + re.escape(n), line):
            return "in a link target"
        return "plain text"
    if any(n + "/" in x for x in lines):
        return "namespace parent"
    if n in ("todo", "doing", "done", "later", "now", "wait", "waiting", "canceled"):
        return "marker page"
    if len(n) == 1:
        return "priority page"
    return "not in the block text"


def _block_of(view: dict, page: str, line: int | None, content: str | None = None) -> dict | None:
    blocks = view["pages"].get(page, {}).get("blocks", [])
    for b in blocks:
        if line is not None and b.get("line") == line:
            return b
    return blocks[0] if blocks else None


def classify(
    d: Difference,
    logseq: dict,
    bm: dict,
    texts: dict[str, str] | None = None,
    sites: dict[str, dict[str, str]] | None = None,
) -> str:
    """A short signature of a difference, for grouping like differences together."""
    texts = texts or {}
    f = d.field
    if f == "pages":
        side = "Logseq" if d.logseq else "bmtools"
        view = logseq if d.logseq else bm
        page = view["pages"][d.page]
        if page["file"]:
            ext = page["file"].rsplit(".", 1)[-1]
            kind = {"org": "an .org file", "edn": "a whiteboard"}.get(ext, "a file")
            text = texts.get(page["file"])
            if text is not None and not text.replace("\ufeff", "").strip():
                kind = "a blank file"
            return f"pages: only {side} has the page of {kind}"
        found = (sites or {}).get("logseq" if d.logseq else "bmtools")
        where = found.get(d.page) if found is not None else None
        if where is None:
            where = _ref_site(view, d.page)
        return f"pages: only {side} has a page named by {where}"
    if f == "page.file":
        if d.logseq is None:
            text = texts.get(d.bmtools or "")
            if text is not None and not text.replace("\ufeff", "").strip():
                return "page.file: only bmtools reads the page from a file (a blank file)"
            return "page.file: only bmtools reads the page from a file"
        if d.bmtools is None:
            return "page.file: only Logseq reads the page from a file"
        return "page.file: another file of the same page name"
    if f == "page.blocks":
        extra_l = len(d.logseq)
        extra_b = len(d.bmtools)
        if extra_l and extra_b:
            return "page.blocks: the page is cut into blocks differently"
        if extra_l:
            return f"page.blocks: Logseq has blocks bmtools lacks ({_shape(d.logseq[0])})"
        return f"page.blocks: bmtools has blocks Logseq lacks ({_shape(d.bmtools[0])})"
    if f in ("block.refs",):
        content = _content_at(bm, d) or ""
        lonly = sorted(set(d.logseq) - set(d.bmtools))
        bonly = sorted(set(d.bmtools) - set(d.logseq))
        parts = []
        if lonly:
            ctx = sorted({_context(content, n) for n in lonly})
            parts.append("only Logseq refs " + " + ".join(ctx))
        if bonly:
            ctx = sorted({_context(content, n) for n in bonly})
            parts.append("only bmtools refs " + " + ".join(ctx))
        return "block.refs: " + "; ".join(parts)
    if f in ("block.props", "page.props"):
        lk, bk = set(d.logseq), set(d.bmtools)
        parts = []
        if lk - bk:
            parts.append("only Logseq has " + _keys(lk - bk))
        if bk - lk:
            parts.append("only bmtools has " + _keys(bk - lk))
        changed = sorted(k for k in lk & bk if d.logseq[k] != d.bmtools[k])
        for k in changed[:1]:
            lt, bt = type(d.logseq[k]).__name__, type(d.bmtools[k]).__name__
            what = f"{lt} vs {bt}" if lt != bt else "values differ"
            parts.append(f"{_keys({k})}: {what}")
        return f"{f}: " + "; ".join(parts)
    if f == "block.content":
        a, b = d.logseq or "", d.bmtools or ""
        if re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b):
            return "block.content: whitespace or indentation"
        if a.startswith(b):
            return "block.content: Logseq's block goes on further"
        if b.startswith(a):
            return "block.content: bmtools' block goes on further"
        return "block.content: text differs"
    if f == "block.parent":
        if str(d.logseq).startswith("(pre-block) ") and d.bmtools is None:
            return "block.parent: Logseq hangs it under the page-properties block"
        if d.logseq is None:
            return "block.parent: top level for Logseq only"
        if d.bmtools is None:
            return "block.parent: top level for bmtools only"
        return "block.parent: another parent"
    if f == "page.title":
        a, b = str(d.logseq), str(d.bmtools)
        if a.lower() == b.lower():
            return "page.title: letter case"
        return "page.title: differs"
    if f in ("block.marker", "block.priority", "block.scheduled", "block.deadline", "block.uuid"):
        if d.logseq is None:
            return f"{f}: only bmtools has one"
        if d.bmtools is None:
            return f"{f}: only Logseq has one"
        return f"{f}: values differ"
    if f in ("page.alias", "page.tags"):
        lonly = set(d.logseq) - set(d.bmtools)
        bonly = set(d.bmtools) - set(d.logseq)
        side = "Logseq" if lonly and not bonly else "bmtools" if bonly and not lonly else "both"
        return f"{f}: extra names on {side} side"
    return f"{f}: differs"


def _keys(keys: set[str]) -> str:
    known = {"heading", "id", "title", "alias", "tags", "collapsed", "filters", "icon"}
    named = sorted(k for k in keys if k in known)
    other = len(keys) - len(named)
    return ", ".join(named + ([f"{other} other key(s)"] if other else []))


def _shape(content: str) -> str:
    first = content.split("\n", 1)[0].strip()
    if not first:
        return "blank"
    if first.startswith("#+"):
        return "#+ line"
    if first.startswith(("```", "~~~")):
        return "code fence"
    if first.startswith("#"):
        return "heading"
    if re.match(r"[^\s:]+::", first):
        return "property line"
    return "text"


def _content_at(view: dict, d: Difference) -> str | None:
    b = _block_of(view, d.page, d.line)
    return b["content"] if b else None


def _ref_sites(view: dict) -> dict[str, str]:
    """Each referenced name → how the first block that refs it writes it."""
    out: dict[str, str] = {}
    for page in view["pages"].values():
        file = page["file"] or ""
        where = " in an .org page" if file.endswith(".org") else ""
        where = " in a whiteboard" if file.endswith(".edn") else where
        for b in page["blocks"]:
            for name in b["refs"]:
                if name not in out:
                    out[name] = _context(b["content"], name) + where
    return out


def _ref_site(view: dict, name: str) -> str:
    """How a page nothing refs came to be (for pages only one side has)."""
    if name in BUILTIN_PAGES:
        return "nothing (built-in)"
    for page in view["pages"].values():
        if name in page["alias"]:
            return "an alias"
    return "nothing in any block"


def texts_of(root: str | os.PathLike[str], extra: tuple[str, ...] = ()) -> dict[str, str]:
    """File → text of every page file under a graph root (to give Logseq-only blocks a line)."""
    out = {}
    root = Path(root)
    suffixes = (".md", ".markdown", ".org", *extra)
    for path in root.rglob("*"):
        if path.suffix.lower() in suffixes and path.is_file():
            try:
                out[path.relative_to(root).as_posix()] = path.read_text("utf-8", "replace")
            except OSError:
                continue
    return out


def strip_lines(view: dict) -> dict:
    """The view without bmtools' ``line`` and ``file`` block keys (what expected.json stores)."""
    return {
        "pages": {
            name: {
                **page,
                "blocks": [
                    {k: v for k, v in b.items() if k not in ("line", "file")}
                    for b in page["blocks"]
                ],
            }
            for name, page in view["pages"].items()
        }
    }
