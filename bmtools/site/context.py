"""What every part of a build shares: the graph, what is published, where each page goes.

A reference is linked only when its target has a page on the site: a published page, a
tag page (a name used as a tag) or a namespace page (the parent of published pages); any
other reference is shown as text, marked as missing or not published.

While :attr:`SiteContext.log` is a list, every question a rendering asks about the site (what
a name resolves to, a page's title or status, a block id) is appended to it: a name as a
string, a block id as ``(UUID, id)``, a page whose text is shown as ``(TEXT, name)``. That is
what an incremental build compares with the next graph to know which pages to render again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bmtools.model import Block, Graph, Page
from bmtools.names import page_name
from bmtools.site import urls
from bmtools.syntax.inline import JournalRefs

KIND_TAG = "tag"  # a generated page for a name used as a tag
KIND_NAMESPACE = "namespace"  # a generated page for the parent of published pages
UUID = "u"  # log entry: a block id looked up
TEXT = "t"  # log entry: a page whose blocks are shown


@dataclass(slots=True)
class Generated:
    """A page the site makes although no published file defines it."""

    name: str
    title: str
    kind: str  # KIND_TAG | KIND_NAMESPACE


@dataclass(slots=True)
class SiteContext:
    graph: Graph
    published: set[str]
    paths: dict[str, str] = field(default_factory=dict)  # page name -> output path
    generated: dict[str, Generated] = field(default_factory=dict)
    journals: JournalRefs | None = None
    assets: dict[str, str] = field(default_factory=dict)  # graph-relative file -> output path
    log: list | None = None  # see the module docstring

    def __post_init__(self) -> None:
        self.journals = JournalRefs(self.graph.config.journal_title_format)
        for name in self.published:
            page = self.graph.pages[name]
            self.paths[name] = urls.page_path(name, page.journal_day)

    def add_generated(self, name: str, title: str, kind: str) -> None:
        if name in self.paths or not name:
            return
        self.generated[name] = Generated(name, title, kind)
        self.paths[name] = urls.page_path(name)

    def target(self, inner: str) -> str:
        """The page a ref's inner text names: journal days made canonical, aliases followed."""
        name = self.key(inner)
        if self.log is not None:
            self.log.append(name)
        return self.graph.resolve_name(name)

    def key(self, inner: str) -> str:
        """The name a ref's inner text writes (journal days made canonical), before aliases."""
        name = page_name(inner.strip())
        if self.journals is not None and name:
            name = self.journals.target(name)
        return name

    def title_of(self, name: str) -> str:
        if self.log is not None:
            self.log.append(name)
        page = self.graph.pages.get(name)
        if page is not None and page.file is not None:
            return page.title
        gen = self.generated.get(name)
        return gen.title if gen is not None else name

    def page_of(self, name: str) -> Page | None:
        """The published page of that name (None when unpublished or generated)."""
        page = self.graph.pages.get(name) if name in self.published else None
        if self.log is not None:
            self.log.append(name)
            if page is not None:
                self.log.append((TEXT, name))
        return page

    def block(self, uuid: str) -> tuple[Page, Block] | None:
        """A published block by its id (None when unknown or on an unpublished page)."""
        if self.log is not None:
            self.log.append((UUID, uuid.lower()))
        owner = self.graph.uuids.get(uuid.lower())
        if owner is None or owner[0] not in self.published:
            return None
        if self.log is not None:
            self.log.append((TEXT, owner[0]))
        return self.graph.block(uuid)

    def known_block(self, uuid: str) -> bool:
        if self.log is not None:
            self.log.append((UUID, uuid.lower()))
        return self.graph.has_block(uuid)

    def status(self, name: str) -> str:
        """``linked``, ``unpublished`` (a page exists but is not on the site) or ``missing``."""
        if self.log is not None:
            self.log.append(name)
        if name in self.paths:
            return "linked"
        page = self.graph.pages.get(name)
        return "unpublished" if page is not None and page.file is not None else "missing"
