"""Per-page facts for incremental site builds, and the partial graph made from them.

A full build reads every page. After an edit, the site needs little of the pages it does not
render again: whether a name is a page and where it goes, its title, tags and namespace, the
block ids it holds, the refs its blocks make (for linked references elsewhere), its summary
and search words, the tags its blocks use (tag pages). A page's :class:`PageFacts` keep
exactly that; the build cache (:mod:`bmtools.site.cache`) keeps them for every file.

A *partial graph* holds the pages a build reads in full, and a stub for every other page
(its identity and a few page properties) whose blocks cannot be read: any look at them raises
:class:`NeedsPage`, so a rendering that turns out to need a page the build did not read asks
for it (the build reads it and renders again) instead of showing nothing. The graph's indexes
(aliases, block ids, implied namespace pages) are rebuilt over all pages in load order, so
every lookup answers as it does on the whole graph.
"""

from __future__ import annotations

import hashlib

from bmtools.lint.cachefile import diag_out, stub_in, stub_out
from bmtools.lint.partial import stub_of
from bmtools.loader import add_page, block_ids, index_page
from bmtools.metamodel import TYPE_KEYS, is_artifact_page, is_class_page
from bmtools.model import TAG, Config, Diagnostic, Graph, Page
from bmtools.site import backlinks, search
from bmtools.site.cache import PageFacts, pack

# The page properties a stub keeps: what is read of pages that are not rendered (which pages
# are published, what a page is, the review rule, an alias's line for BM012).
STUB_PROPERTIES = frozenset(
    (*TYPE_KEYS, "metamodel-id", "item-classes", "alias", "aliases", "public", "review-rrule")
    + ("rrule",)
)


class NeedsPage(Exception):
    """A rendering looked at the blocks of a page the build did not read."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _Unread(list):
    """The blocks of a stub: none (its length is 0, as the graph's index expects of a stub),
    and any look at one raises :class:`NeedsPage`."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def _ask(self, *args: object, **kwargs: object):
        raise NeedsPage(self.name)

    __iter__ = __getitem__ = __contains__ = __reversed__ = _ask  # type: ignore
    index = count = copy = _ask  # type: ignore


class _StubProperties(dict):
    """A stub's page properties: only :data:`STUB_PROPERTIES` may be asked for."""

    __slots__ = ("name",)

    def _check(self, key: object) -> None:
        if key not in STUB_PROPERTIES:
            raise NeedsPage(self.name)

    def get(self, key, default=None):  # type: ignore[override]
        self._check(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self._check(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._check(key)
        return super().__contains__(key)

    def _ask(self, *args: object, **kwargs: object):
        raise NeedsPage(self.name)

    __iter__ = keys = values = items = _ask  # type: ignore


def text_key(rel: str, page: Page | None) -> str:
    """A digest of what a page's rendering shows of its file (path, BOM, text)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(rel.encode("utf-8", "surrogatepass"))
    if page is not None:
        h.update(b"\x00b" if page.bom else b"\x00-")
        h.update(page.source.encode("utf-8", "surrogatepass"))
    else:
        h.update(b"\x00none")
    return h.hexdigest()


def make_stub(stub: tuple) -> Page:
    name, title, file, kind, fmt, aliases, ns, day, bom, tags, source, fm, props = stub_in(stub)
    kept = _StubProperties(props)
    kept.name = name
    # positional (see Page): 10k stubs are made on every incremental build
    return Page(
        name, title, file, kind, "", bom, fmt, _Unread(name), kept, [],
        list(aliases), list(tags), ns, day, source, fm,
    )  # fmt: skip


def _stub(page: Page) -> tuple:
    return stub_out(stub_of(page, STUB_PROPERTIES))


def tag_refs(page: Page) -> str:
    """The tags of a page's blocks as (target, text) pairs, flat, the first of each target,
    one a line."""
    out: list[str] = []
    seen: set[str] = set()
    for block in page.blocks:
        for ref in block.refs:
            if ref.kind == TAG and ref.target not in seen:
                seen.add(ref.target)
                out.append(ref.target)
                out.append(ref.text)
    return "\n".join(out)


def page_facts(
    rel: str,
    page: Page | None,
    ids: list[tuple[int, str, int]],
    diags: list[Diagnostic],
    reuse: PageFacts | None = None,
) -> PageFacts:
    """The facts of a read page; ``ids`` as the page claims them (before the graph's index
    dropped duplicates). ``reuse``: the facts of the same text from an earlier build (what
    is costly to compute is taken from them)."""
    text = text_key(rel, page)
    diag_t = tuple(diag_out(d) for d in diags)
    if page is None:
        return PageFacts(None, text, (), diag_t, False, False, "", "", "", "")
    meta = is_class_page(page) or is_artifact_page(page)
    if reuse is not None and reuse.text == text and reuse.stub is not None:
        return PageFacts(
            _stub(page), text, tuple(ids), diag_t, meta, is_artifact_page(page),
            reuse.tag_refs, reuse.out, reuse.summary, reuse.words,
        )  # fmt: skip
    return PageFacts(
        _stub(page),
        text,
        tuple(ids),
        diag_t,
        meta,
        is_artifact_page(page),
        tag_refs(page),
        pack(backlinks.outgoing(page)),
        search.summary(page),
        search.words(search.page_text(page)),
    )


def by_name(facts: dict[str, PageFacts]) -> dict[str, PageFacts]:
    """name -> the facts of the file a page of that name is read from: the first of the
    files naming it, in load order (``facts`` is in that order), as add_page keeps it."""
    out: dict[str, PageFacts] = {}
    for f in facts.values():
        if f.stub is not None and f.stub[0] not in out:
            out[f.stub[0]] = f
    return out


def name_texts(facts: dict[str, PageFacts]) -> dict[str, str]:
    """name -> the text key of its page: of all the files naming it (two files naming one
    page, BM011, are both read into it)."""
    out: dict[str, str] = {}
    for f in facts.values():
        if f.stub is not None:
            name = f.stub[0]
            out[name] = f.text if name not in out else out[name] + f.text
    return out


def partial_graph(
    root: str,
    config: Config,
    files: list[str],
    facts: dict[str, PageFacts],
    full: dict[str, tuple[Page | None, list[Diagnostic]]],
    diagnostics: list[Diagnostic],
) -> Graph:
    """The graph of ``files`` (in load order) where the files of ``full`` are read pages and
    every other file is a stub made from its facts; ``diagnostics`` (discovery's) first."""
    graph = Graph(root=root, config=config, diagnostics=list(diagnostics), files=list(files))
    ids_of: dict[str, list[tuple[int, str, int]]] = {}
    for rel in files:
        f = facts.get(rel)
        hit = full.get(rel)
        if hit is not None:
            page, diags = hit
            ids = block_ids(page) if page is not None else []
        elif f is not None:
            page = make_stub(f.stub) if f.stub is not None else None
            diags, ids = f.diagnostics(), list(f.ids)
        else:
            continue
        graph.diagnostics.extend(diags)
        if page is None:
            continue
        ids_of[rel] = ids
        add_page(graph, page)
    for page in list(graph.pages.values()):
        index_page(graph, page, ids_of.get(page.file, []) if page.file else [])
    return graph
