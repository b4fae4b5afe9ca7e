"""Files that pages link to (images, PDFs): found, checked, copied.

A relative link in a page (``![chart](../assets/chart.png)``) names a file relative to the
page's folder. It is copied to ``assets/<its path in the graph>`` when, once resolved, it is
a regular file inside the graph (symbolic links are followed only while they stay inside),
not hidden (no path part starting with ``.``), not under ``logseq/``, not a page file, and
at most :data:`MAX_ASSET_BYTES`. Only files some published page links to are copied.
"""

from __future__ import annotations

import os
import posixpath
import stat
from urllib.parse import unquote

from bmtools.safeio import escapes, read_graph_file
from bmtools.site import urls

MAX_ASSET_BYTES = 100 * 1024 * 1024
PAGE_SUFFIXES = (".md", ".markdown", ".org")


def graph_file(root: str, page_file: str | None, href: str) -> str | None:
    """The graph-relative path a relative link of a page names, if it may be published."""
    target = unquote(href.split("#", 1)[0].split("?", 1)[0]).replace("\\", "/")
    if not target or target.startswith("/") or "\x00" in target:
        return None
    base = posixpath.dirname(page_file or "")
    rel = posixpath.normpath(posixpath.join(base, target))
    parts = rel.split("/")
    if rel in (".", "") or parts[0] in ("..", "logseq") or any(p.startswith(".") for p in parts):
        return None
    if rel.lower().endswith(PAGE_SUFFIXES):
        return None
    path = os.path.join(root, *parts)
    if escapes(os.path.realpath(root), path) is not None:
        return None
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_ASSET_BYTES:
        return None
    return rel


def output_path(rel: str) -> str:
    """Where a graph file is copied on the site."""
    return f"{urls.ASSETS_DIR}/{rel}"


def read_asset(root: str, rel: str) -> bytes:
    """The bytes to copy (regular file, inside the graph, bounded: bmtools.safeio)."""
    return read_graph_file(root, rel, MAX_ASSET_BYTES)
