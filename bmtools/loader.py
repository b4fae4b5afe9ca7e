"""Loading a whole graph: discover files (§5), read them safely, parse, and index pages."""

from __future__ import annotations

import os
import sys
import time
import unicodedata
from pathlib import Path

from bmtools import parload
from bmtools.codes import finding
from bmtools.config import read_config
from bmtools.gcpause import paused_gc
from bmtools.model import (
    KIND_IMPLIED,
    KIND_JOURNAL,
    Config,
    Diagnostic,
    Graph,
    Page,
)
from bmtools.names import (
    format_journal_title,
    journal_day,
    namespace_parents,
    page_name,
    title_from_file_stem,
)
from bmtools.safeio import (
    NotRegularFileError,
    TooLargeError,
    escapes,
    follow_outside,
    read_regular,
)
from bmtools.syntax.inline import JOURNAL_REFS, JournalRefs
from bmtools.syntax.outline import parse_outline
from bmtools.whiteboard import is_whiteboard_file, parse_whiteboard

PAGE_SUFFIXES = (".md", ".markdown")
ORG_SUFFIX = ".org"
EXCLUDED_DIRS = ("logseq/bak", "logseq/.recycle", "logseq/version-files")
MAX_FILE_BYTES = 20 * 1024 * 1024  # a page larger than this is listed but not parsed
PARALLEL_MIN_FILES = 3000  # from here on a forked child parses part of the files
PARALLEL_SHARE = 0.6  # the part of the files this process parses itself
PARALLEL_TIMEOUT = 30.0  # seconds to wait for the child beyond its expected time


class GraphRootError(Exception):
    """The graph root itself cannot be read (the only fatal reading error)."""


def discover(root: Path, config: Config, diagnostics: list[Diagnostic]) -> list[str]:
    """Relative POSIX paths of the graph's page files, sorted, as Logseq would list them.

    Only regular files are listed, and no link is followed out of the graph (each is
    reported: BM008, BM009), so no reader can block on a pipe or read a file outside."""
    hidden = [h.strip("/") for h in config.hidden if h.strip("/")]
    found: list[str] = []
    seen_dirs: set[tuple[int, int]] = set()
    root_real = os.path.realpath(root)
    outside_ok = follow_outside()

    def report(code: str, message: str, rel: str) -> None:
        diagnostics.append(finding(code, message, rel))

    stack = [(str(root), "")]
    while stack:
        dirpath, rel_dir = stack.pop()
        try:
            st = os.stat(dirpath)
            with os.scandir(dirpath) as it:
                entries = list(it)
        except OSError as err:
            report("BM001", f"cannot read folder: {err.strerror}", rel_dir or ".")
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            report(
                "BM006",
                "folder reached twice through symbolic links (a loop?); skipped",
                rel_dir or ".",
            )
            continue
        seen_dirs.add(key)
        subdirs = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            rel = f"{rel_dir}/{name}" if rel_dir else name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir()  # follows a link, as Logseq does inside the graph
            except OSError:
                is_link, is_dir = False, False
            if is_dir:
                if name == "node_modules" or rel in EXCLUDED_DIRS or _hidden(rel, hidden):
                    continue
            else:
                lower = name.lower()
                if not (
                    lower.endswith(PAGE_SUFFIXES)
                    or lower.endswith(ORG_SUFFIX)
                    or is_whiteboard_file(rel, config.whiteboards_directory)
                ):
                    continue
                if _hidden(rel, hidden):
                    continue
            if is_link and not outside_ok and escapes(root_real, entry.path) is not None:
                what = "folder" if is_dir else "file"
                report("BM008", f"symbolic link to a {what} outside the graph: not followed", rel)
                continue
            if is_dir:
                subdirs.append((entry.path, rel))
                continue
            try:
                regular = entry.is_file()  # no system call unless it is a link
                mode = 0 if regular else entry.stat().st_mode
            except OSError:
                regular, mode = True, 0  # a dangling link: reading it reports BM001
            if not regular:
                kind = NotRegularFileError(rel, mode).kind
                report("BM009", f"{kind} with a page extension: not read", rel)
                continue
            found.append(rel)
        stack.extend(sorted(subdirs, reverse=True))
    found.sort()
    return found


def _hidden(rel: str, hidden: list[str]) -> bool:
    return any(rel == h or rel.startswith(h + "/") for h in hidden)


def read_page(root: Path, rel: str, config: Config) -> tuple[Page | None, list[Diagnostic]]:
    """Read and parse one file; never raises for a bad file, reports instead."""
    diagnostics: list[Diagnostic] = []
    stem, suffix = os.path.splitext(os.path.basename(rel))
    title = _title_from_file(stem, config)
    if not rel.isascii() and not _is_utf8(rel):
        title = _title_from_file(_as_unicode(stem), config)
        diagnostics.append(
            finding(
                "BM022",
                "file name is not valid UTF-8: Logseq cannot name this page; read with U+FFFD "
                "in its title",
                rel,
            )
        )
    page = Page(name=page_name(title), title=title, file=rel)
    if suffix.lower() == ORG_SUFFIX:
        page.format = "org"  # read by the Org line rules (bmtools.syntax.blocks.org)
    path = os.path.join(root, rel)  # os, not pathlib: 10k files, a few µs each
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except TooLargeError as exc:
        diagnostics.append(
            finding(
                "BM003",
                f"file is {exc.size / 1048576:.0f} MB, over the {MAX_FILE_BYTES // 1048576} MB "
                "limit: listed, not parsed",
                rel,
            )
        )
        _finish_identity(page, config)
        return page, diagnostics
    except OSError as exc:
        diagnostics.append(
            finding(
                "BM001",
                f"cannot read file: {exc.strerror or exc}",
                rel,
            )
        )
        return None, diagnostics
    if data.find(b"\x00", 0, 8192) >= 0:
        diagnostics.append(
            finding(
                "BM004",
                "binary file with a page extension: skipped",
                rel,
            )
        )
        return None, diagnostics
    if data.startswith(b"\xef\xbb\xbf"):
        page.bom = True
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diagnostics.append(
            finding(
                "BM002",
                "invalid UTF-8: undecodable bytes read as U+FFFD",
                rel,
                line,
                col,
            )
        )
        text = data.decode("utf-8", errors="replace")
    if is_whiteboard_file(rel, config.whiteboards_directory):
        parse_whiteboard(page, text, diagnostics)
        _finish_identity(page, config)
        page.namespace = None  # a board named a/b has no parent page a (as in Logseq)
        return page, diagnostics
    page.source = text
    if "\r\n" in text:
        page.newline = "\r\n"
    parse_outline(page, config, diagnostics)
    if page.title_source != "file":
        page.name = page_name(page.title)
    _finish_identity(page, config)
    return page, diagnostics


def _is_utf8(name: str) -> bool:
    """Whether a name from the file system decodes as UTF-8 (else it holds surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _as_unicode(name: str) -> str:
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _title_from_file(stem: str, config: Config) -> str:
    return unicodedata.normalize("NFC", title_from_file_stem(stem, config.file_name_format))


def _finish_identity(page: Page, config: Config) -> None:
    day = journal_day(page.title, config.journal_title_format)
    if day is not None:
        page.kind = KIND_JOURNAL
        page.journal_day = day
        page.title = format_journal_title(day, config.journal_title_format)
        page.name = page_name(page.title)
    parents = namespace_parents(page.name)
    page.namespace = parents[-1] if parents else None
    alias = page.properties.get("alias") or page.properties.get("aliases")
    if alias is not None:
        page.aliases = [a for a in alias.names() if page_name(a) != page.name]
    tags = page.properties.get("tags")
    if tags is not None:
        page.tags = tags.names()


def load_graph(path: str | os.PathLike[str], config: Config | None = None) -> Graph:
    """Read a whole Logseq graph folder into a :class:`Graph`.

    Bad files become diagnostics in ``graph.diagnostics``; only an unreadable root raises
    :class:`GraphRootError`. From :data:`PARALLEL_MIN_FILES` files on (and with fork and two
    CPUs), a forked child parses the last part of the files and sends its pages back as
    ``marshal`` data (bmtools.parload; pickling the model cost more than parsing it); the result
    is the same model as in one process. ``BMTOOLS_PARALLEL=0`` turns that off.
    """
    root = Path(path)
    if not root.is_dir():
        raise GraphRootError(
            f"{path}: not a folder" if root.exists() else f"{path}: no such folder"
        )
    try:
        os.listdir(root)
    except OSError as exc:
        raise GraphRootError(f"{path}: cannot read the folder ({exc.strerror})") from exc
    diagnostics: list[Diagnostic] = []
    if config is None:
        config, config_diags = read_config(root)
        diagnostics.extend(config_diags)
    files = discover(root, config, diagnostics)
    graph = Graph(root=str(root), config=config, diagnostics=diagnostics, files=files)
    with paused_gc(freeze=True):
        token = JOURNAL_REFS.set(JournalRefs(config.journal_title_format))
        try:
            if len(files) >= parallel_threshold() and _parallel_ok():
                _read_parallel(graph, root, files, config)
            else:
                _read_files(graph, root, files, config)
        finally:
            JOURNAL_REFS.reset(token)
        _index(graph)
    return graph


def read_pages(
    root: str | os.PathLike[str], files: list[str], config: Config
) -> dict[str, tuple[Page | None, list[Diagnostic]]]:
    """Read some files of a graph exactly as :func:`load_graph` reads them (journal ref
    targets made canonical), without indexing them: for tools that re-read a few pages."""
    root = Path(root)
    out: dict[str, tuple[Page | None, list[Diagnostic]]] = {}
    with paused_gc():
        token = JOURNAL_REFS.set(JournalRefs(config.journal_title_format))
        try:
            for rel in files:
                out[rel] = read_page(root, rel, config)
        finally:
            JOURNAL_REFS.reset(token)
    return out


def parallel_threshold() -> int:
    """Fewest files for which a second process parses half of them (``BMTOOLS_PARALLEL``).

    ``BMTOOLS_PARALLEL=0`` (or ``off``) keeps one process; a number sets the threshold.
    """
    env = os.environ.get("BMTOOLS_PARALLEL", "").strip().lower()
    if env in ("0", "off", "no", "false"):
        return sys.maxsize
    if env.isdigit():
        return max(1, int(env))
    return PARALLEL_MIN_FILES


def _parallel_ok() -> bool:
    if not parload.can_fork():
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except (AttributeError, OSError):
        return (os.cpu_count() or 1) >= 2


def _read_files(graph: Graph, root: Path, files: list[str], config: Config) -> None:
    diagnostics = graph.diagnostics
    for rel in files:
        page, diags = read_page(root, rel, config)
        diagnostics.extend(diags)
        if page is not None:
            add_page(graph, page)


def _read_parallel(graph: Graph, root: Path, files: list[str], config: Config) -> None:
    """Parse the last files in a forked child while this process parses the first ones.

    The child sends its pages back flattened (bmtools.parload); pages and diagnostics are added
    in file order, as in one process. If the child fails or is late, this process parses its
    files after all, so no page is lost or read twice.
    """
    split = int(len(files) * PARALLEL_SHARE)
    mine, theirs = files[:split], files[split:]
    started = time.perf_counter()
    try:
        child = parload.ChildRun(read_page, root, theirs, config, config.journal_title_format)
    except OSError:
        _read_files(graph, root, files, config)
        return
    try:
        _read_files(graph, root, mine, config)
    except BaseException:
        child.result(0)  # reap it
        raise
    spent = time.perf_counter() - started
    results = child.result(_timeout(spent))
    if results is None or len(results) != len(theirs):
        _read_files(graph, root, theirs, config)
        return
    diagnostics = graph.diagnostics
    for page, diags in results:
        diagnostics.extend(diags)
        if page is not None:
            add_page(graph, page)


def _timeout(spent: float) -> float:
    """How long to wait for the child once this process has parsed its share in ``spent`` s."""
    return max(PARALLEL_TIMEOUT, 2 * spent)


def add_page(graph: Graph, page: Page) -> None:
    """Add a read page; a second file naming the same page is a collision (BM011)."""
    existing = graph.pages.get(page.name)
    if existing is None:
        graph.pages[page.name] = page
        return
    for name, files in graph.collisions:
        if name == page.name:
            files.append(page.file or "")
            break
    else:
        graph.collisions.append((page.name, [existing.file or "", page.file or ""]))
    graph.diagnostics.append(
        finding(
            "BM011",
            f"{page.file} and {existing.file} are both page '{page.title}'; Logseq keeps "
            "one of them",
            page.file,
            1,
            1,
        )
    )


def _index(graph: Graph) -> None:
    """Aliases, block uuids and implied namespace pages.

    Journal ref targets are already canonical: refs got them as they were made (JournalRefs).
    """
    for page in list(graph.pages.values()):
        index_page(graph, page, block_ids(page))


def block_ids(page: Page) -> list[tuple[int, str, int]]:
    """(block index, uuid, line) of each block id a page claims, in block order."""
    return [(b.index, b.uuid, b.line) for b in page.blocks if b.uuid]


def index_page(graph: Graph, page: Page, ids: list[tuple[int, str, int]]) -> None:
    """Add one page's aliases, block ids (``ids``, as from :func:`block_ids`) and implied
    namespace parents to the graph's indexes, in the order pages are indexed.

    Taking the ids apart from the page lets the lint cache index a page it did not read again.
    """
    for alias in page.aliases:
        key = page_name(alias)
        owner = graph.aliases.get(key)
        if owner is not None and owner != page.name:
            prop = page.properties.get("alias") or page.properties.get("aliases")
            graph.diagnostics.append(
                finding(
                    "BM012",
                    f"alias '{alias}' is also claimed by page '{graph.pages[owner].title}'",
                    page.file,
                    prop.line if prop else 1,
                    prop.col if prop else 1,
                )
            )
            continue
        graph.aliases[key] = page.name
    for index, uuid, line in ids:
        hit = graph.uuids.get(uuid)
        if hit is None:
            graph.uuids[uuid] = (page.name, index)
            continue
        first = graph.pages[hit[0]]
        graph.diagnostics.append(
            finding(
                "BM010",
                f"duplicate block id {uuid}, first in {first.file}; Logseq "
                "drops it from this block",
                page.file,
                line,
                1,
            )
        )
        graph.dropped_ids.append((page.name, index, uuid))
        if index < len(page.blocks):
            page.blocks[index].uuid = None
    for parent in page.namespace and namespace_parents(page.name) or ():
        if parent not in graph.pages:
            title = page.title[: len(parent)] if len(page.title) >= len(parent) else parent
            implied = Page(name=parent, title=title, file=None, kind=KIND_IMPLIED)
            pp = namespace_parents(parent)
            implied.namespace = pp[-1] if pp else None
            graph.pages[parent] = implied
