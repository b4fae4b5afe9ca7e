"""Which pages a site publishes, the way Logseq's "Publish" decides.

A page is published when its page properties say ``public:: true``; with
``:publishing/all-pages-public? true`` in ``logseq/config.edn`` every page is, except those
saying ``public:: false``. ``--all`` publishes every page whatever they say. Only pages
with a file are candidates (an implied namespace page or a tag gets a generated page only
when something published needs it: see :mod:`bmtools.site.build`).
"""

from __future__ import annotations

from bmtools.model import KIND_JOURNAL, KIND_PAGE, Graph, Page

ALL_PUBLIC_KEY = "publishing/all-pages-public?"


def _flag(page: Page) -> bool | None:
    prop = page.properties.get("public")
    if prop is None:
        return None
    value = prop.value
    if isinstance(value, bool):
        return value
    if isinstance(value, list):
        value = value[0] if value else ""
    text = str(value).strip().lower()
    if text in ("true", "yes"):
        return True
    if text in ("false", "no"):
        return False
    return None


def all_pages_public(graph: Graph) -> bool:
    """``:publishing/all-pages-public? true`` in config.edn."""
    return graph.config.raw.get(ALL_PUBLIC_KEY) is True


def published_names(graph: Graph, everything: bool = False) -> set[str]:
    """The names of the pages to publish (see the module docstring)."""
    default = everything or all_pages_public(graph)
    out = set()
    for name, page in graph.pages.items():
        if page.file is None or page.kind not in (KIND_PAGE, KIND_JOURNAL):
            continue
        if page.format != "markdown":
            continue
        flag = _flag(page)
        if everything or (flag if flag is not None else default):
            out.add(name)
    return out


def why_nothing(graph: Graph) -> str:
    """The message for a run that would publish nothing."""
    return (
        "nothing to publish: no page says public:: true and logseq/config.edn does not set "
        ":publishing/all-pages-public? true (use --all to publish every page)"
    )
