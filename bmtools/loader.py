"""Loading a whole graph: discover files (§5), read them safely, parse, and index pages."""

from __future__ import annotations

import os
import re
import sys
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from bmtools import parload
from bmtools.codes import finding
from bmtools.config import read_config
from bmtools.gcpause import paused_gc
from bmtools.model import (
    BLOCK_EMBED,
    BLOCK_REF,
    KIND_IMPLIED,
    KIND_JOURNAL,
    NAMESPACE,
    PROPERTY,
    Block,
    Config,
    Diagnostic,
    Graph,
    Page,
    Ref,
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
from bmtools.syntax.inline import JournalRefs
from bmtools.syntax.outline import parse_outline
from bmtools.whiteboard import WHITEBOARD_FORMAT, is_whiteboard_file, parse_whiteboard

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


def read_page(
    root: Path, rel: str, config: Config, journals: JournalRefs | None
) -> tuple[Page | None, list[Diagnostic]]:
    """Read and parse one file; never raises for a bad file, reports instead. ``journals``:
    the load's journal-ref resolver (see :func:`parse_outline`; None: targets as written)."""
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
    parse_outline(page, config, diagnostics, journals)
    if "/" in config.journal_title_format and page.blocks and page.blocks[0].pre_block:
        _journal_parents(page.blocks[0])
    if page.title_source != "file":
        page.name = page_name(page.title)
    _finish_identity(page, config)
    return page, diagnostics


def _journal_parents(pre: Block) -> None:
    """A page property naming a journal day whose title holds a ``/`` (the journal format
    ``E, yyyy/MM/dd``: ``date:: [[Jun 19th, 2021]]``) also refs the namespace parents of that
    title ('sat, 2021', 'sat, 2021/06'), as Logseq reads it; a block's text or properties
    do not (their ref makes the journal's parent page only, untitled: see _logseq_refs)."""
    extra = [
        Ref(NAMESPACE, parent, parent, ref.line, ref.col, ref.property)
        for ref in pre.refs
        if ref.property is not None and "/" in ref.target and "/" not in ref.text
        for parent in namespace_parents(ref.target)
    ]
    pre.refs.extend(extra)


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
    # A title holding a [[ref]] makes its namespace pages but is in none (Logseq).
    page.namespace = parents[-1] if parents and not _NESTED_REF.search(page.title) else None
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
        journals = JournalRefs(config.journal_title_format)
        if len(files) >= parallel_threshold() and parallel_ok():
            _read_parallel(graph, root, files, config, journals)
        else:
            _read_files(graph, root, files, config, journals)
        report_collisions(graph)
        _index(graph)
    return graph


def read_pages(
    root: str | os.PathLike[str], files: list[str], config: Config
) -> dict[str, tuple[Page | None, list[Diagnostic]]]:
    """Read some files of a graph exactly as :func:`load_graph` reads them (journal ref
    targets made canonical), without indexing them: for tools that re-read a few pages."""
    root = Path(root)
    out: dict[str, tuple[Page | None, list[Diagnostic]]] = {}
    journals = JournalRefs(config.journal_title_format)
    with paused_gc():
        for rel in files:
            out[rel] = read_page(root, rel, config, journals)
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


def parallel_ok() -> bool:
    """Whether a second process may work beside this one: fork is available and this
    process may run on two CPUs or more."""
    if not parload.can_fork():
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except (AttributeError, OSError):
        return (os.cpu_count() or 1) >= 2


def _read_files(
    graph: Graph, root: Path, files: list[str], config: Config, journals: JournalRefs
) -> None:
    diagnostics = graph.diagnostics
    for rel in files:
        page, diags = read_page(root, rel, config, journals)
        diagnostics.extend(diags)
        if page is not None:
            add_page(graph, page)


def _read_parallel(
    graph: Graph, root: Path, files: list[str], config: Config, journals: JournalRefs
) -> None:
    """Parse the last files in a forked child while this process parses the first ones.

    The child sends its pages back flattened (bmtools.parload); pages and diagnostics are added
    in file order, as in one process. If the child fails or is late, this process parses its
    files after all, so no page is lost or read twice.
    """
    split = int(len(files) * PARALLEL_SHARE)
    mine, theirs = files[:split], files[split:]
    started = time.perf_counter()
    try:
        child = parload.ChildRun(read_page, root, theirs, config, journals)
    except OSError:
        _read_files(graph, root, files, config, journals)
        return
    try:
        _read_files(graph, root, mine, config, journals)
    except BaseException:
        child.result(0)  # reap it
        raise
    spent = time.perf_counter() - started
    results = child.result(_timeout(spent))
    if results is None or len(results) != len(theirs):
        _read_files(graph, root, theirs, config, journals)
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
    """Add a read page; a second file naming the same page is a collision (BM011). Logseq
    reads the blocks of both into one page and keeps the file it parses last: the second
    file's Page goes into the first one's ``merged`` (:func:`report_collisions` then says
    which file Logseq keeps, once every file is in)."""
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
    existing.merged.append(page)


def report_collisions(graph: Graph) -> None:
    """One BM011 per extra file of a page name, naming the file Logseq keeps among all of
    them (known only once every file is added)."""
    for name, _files in graph.collisions:
        first = graph.pages[name]
        kept = logseq_kept(first)
        both = "both" if len(first.merged) == 1 else f"all {len(first.merged) + 1} files"
        for page in first.merged:
            graph.diagnostics.append(
                finding(
                    "BM011",
                    f"{page.file} and {first.file} are both page '{page.title}'; Logseq reads "
                    f"the blocks of {both} into one page and keeps {kept.file} "
                    f"(title '{kept.title}')",
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
        for part in file_pages(page):  # the other files of a name's page: their ids resolve too
            index_page(graph, part, block_ids(part))


def file_pages(page: Page) -> tuple[Page, ...]:
    """The Page of each file that names ``page``: itself, then the other files of its name
    (BM011, ``page.merged``), each with its own blocks and lines."""
    return (page, *page.merged) if page.merged else (page,)


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
        graph.diagnostics.append(
            finding(
                "BM010",
                f"duplicate block id {uuid}, first in {_holder(graph, hit, uuid)}; Logseq "
                "drops it from this block",
                page.file,
                line,
                1,
            )
        )
        graph.dropped_ids.append((page.file or page.name, index, uuid))
        if index < len(page.blocks):
            page.blocks[index].uuid = None
    for parent in title_parents(page):
        if parent not in graph.pages:
            title = page.title[: len(parent)] if len(page.title) >= len(parent) else parent
            implied = Page(name=parent, title=title, file=None, kind=KIND_IMPLIED)
            pp = namespace_parents(parent)
            implied.namespace = pp[-1] if pp else None
            graph.pages[parent] = implied


_NESTED_REF = re.compile(r"\[\[[^\[\]]+\]\]")


def title_parents(page: Page) -> list[str]:
    """The namespace pages a page's own title makes: its namespace and the pages above it,
    also for a title holding a ``[[ref]]`` (no namespace then); none for a whiteboard."""
    if page.namespace is None and ("[[" not in page.title or page.format == WHITEBOARD_FORMAT):
        return []
    return namespace_parents(page.name)


def _holder(graph: Graph, hit: tuple[str, int], uuid: str) -> str | None:
    """The file of the block an index entry names (a stub's page has no blocks: its file)."""
    page, index = graph.pages[hit[0]], hit[1]
    for part in file_pages(page):
        if index < len(part.blocks) and part.blocks[index].uuid == uuid:
            return part.file
    return page.file


# -- the pages as Logseq assembles them ------------------------------------------------------

# The pages Logseq 0.10.15 creates in every graph, with their titles.
BUILTIN_PAGES: dict[str, str] = {
    **{m.lower(): m for m in ("TODO", "DOING", "DONE", "LATER", "NOW", "WAIT", "WAITING")},
    **{m.lower(): m for m in ("CANCELED", "CANCELLED", "IN-PROGRESS", "A", "B", "C")},
    "card": "card",
    "favorites": "Favorites",
    "contents": "Contents",
}


def logseq_file_order(files: Iterable[str]) -> list[str]:
    """The order Logseq parses a graph's files in: by path (as JavaScript compares strings),
    journals first and newest first (a path holding ``journals/``), then the paths holding
    ``contents.``, ``.edn`` or ``custom.css``, then the rest. Where two files name one page,
    the later one is the page's file; a block id two files claim stays with the earlier."""
    ordered = sorted(files, key=lambda f: f.encode("utf-16-be"))
    journals = [f for f in ordered if "journals/" in f]
    rest = [f for f in ordered if "journals/" not in f]
    first = [f for f in rest if "contents." in f or ".edn" in f or "custom.css" in f]
    early = set(first)
    return journals[::-1] + first + [f for f in rest if f not in early]


def logseq_kept(page: Page) -> Page:
    """Of a page and the files merged into it, the one Logseq keeps (it parses it last)."""
    if not page.merged:
        return page
    by_file = {p.file or "": p for p in (page, *page.merged)}
    return by_file[logseq_file_order(by_file)[-1]]


def logseq_page_blocks(page: Page) -> list[tuple[Page, Block]]:
    """The blocks Logseq reads into a page, with the file (Page) each comes from: every file
    naming the page, in Logseq's parse order, each with its own blocks and lines."""
    if not page.merged:
        return [(page, b) for b in page.blocks]
    by_file = {p.file or "": p for p in (page, *page.merged)}
    return [(by_file[f], b) for f in logseq_file_order(by_file) for b in by_file[f].blocks]


def logseq_pages(graph: Graph) -> dict[str, str | None]:
    """Every page Logseq's database holds for ``graph``, name -> title as Logseq has it.

    Built-in pages first, then file by file in Logseq's parse order: the file's page (titled
    by its file or ``title::``; a blank file makes none), the namespace parents of its title,
    and every page its blocks name (refs, tags, property values and keys, task markers,
    ``{{embed ((uuid))}}`` placeholders named by the uuid, namespace parents of refs). A page
    keeps the title it got from the file that made it first; within that file a later block's
    spelling wins (the file's own page included), within a block as :func:`_logseq_refs` says.
    Journal pages are titled in the configured journal format. A page only a whiteboard names
    has no title (None) until a file writes it, as in Logseq. Computed on request (it walks
    every ref) and kept in ``graph.logseq_titles``.
    """
    if graph.logseq_titles is None:
        graph.logseq_titles = _logseq_titles(graph)
    return graph.logseq_titles


def logseq_ref_titles(graph: Graph, names: Iterable[str]) -> dict[str, str | None]:
    """Logseq's titles (as :func:`logseq_pages` gives them) of ``names``, pages that only
    references create: reads only the blocks that name one of them, in Logseq's file order
    until each has its title, so a few such names cost far less than every page's title."""
    if graph.logseq_titles is not None:
        return {name: graph.logseq_titles.get(name) for name in names}
    wanted = set(names)
    titles = _logseq_titles(graph, set(wanted))
    return {name: titles.get(name) for name in wanted}


def _logseq_titles(graph: Graph, only: set[str] | None = None) -> dict[str, str | None]:
    """Name -> title of every page Logseq holds, or with ``only``, of those names (the set
    is used up: a name leaves it once a file has titled it)."""
    fmt = graph.config.journal_title_format
    titles: dict[str, str | None] = dict(BUILTIN_PAGES)
    by_file: dict[str, Page] = {}
    for page in graph.pages.values():
        for p in file_pages(page):
            if p.file is not None and not p.blank:
                by_file[p.file] = p
    for rel in logseq_file_order(by_file):
        page = by_file[rel]
        local: dict[str, str | None] = {}
        if only is None:
            blocks = page.blocks
            local[page.name] = page.title
            if title_parents(page):
                for parent, spelled in _spelled_parents(page.title):
                    local.setdefault(parent, titles.get(parent, spelled))
        elif only:
            blocks = _naming(page.blocks, only)
        else:
            break
        board = rel.endswith(".edn")  # a whiteboard's shapes name pages without titling them
        for block in blocks:
            for name, spelled in _logseq_refs(block, fmt):
                if spelled is None and name in local:
                    continue
                known = titles.get(name)  # a page without a title takes the next spelling
                local[name] = known if known is not None else None if board else spelled
        titles.update(local)
        if only is not None:
            only.difference_update([n for n, t in local.items() if t is not None])
    for name in titles:
        day = journal_day(name, fmt) if titles[name] is not None else None
        if day is not None:
            titles[name] = format_journal_title(day, fmt)
    return titles


def _naming(blocks: list[Block], names: set[str]) -> list[Block]:
    """The blocks with a ref to one of ``names`` (a plain loop: it runs over every ref)."""
    out = []
    for block in blocks:
        for ref in block.refs:
            if ref.target in names:
                out.append(block)
                break
    return out


def _spelled_parents(text: str) -> list[tuple[str, str]]:
    """(name, spelling) of each namespace parent of a written name (``Ns/Sub/x``: Ns, Ns/Sub)."""
    name = page_name(text)
    parents = namespace_parents(name)
    if not parents:
        return []
    stripped = text.strip("/") if text.startswith("/") or text.endswith("/") else text
    spelled = stripped.split("/")
    return [(parent, "/".join(spelled[: parent.count("/") + 1])) for parent in parents]


def _logseq_refs(block: Block, fmt: str) -> list[tuple[str, str | None]]:
    """(name, spelling) of the pages a block names, a later entry winning a page's title (as
    the oracle shows): the first way the text writes a name loses to the last property value
    writing it, that to a property key, and that to a namespace parent of a written name. A
    ref to a journal whose title holds a ``/`` (journal format ``fmt``) also makes its
    namespace parent, untitled (spelling None: it titles nothing); in a page property it
    makes all of them, titled."""
    values, keys, text, parents, untitled = [], [], [], [], []
    for ref in block.refs:
        kind = ref.kind
        if kind == BLOCK_REF or kind == NAMESPACE:
            continue
        if kind == PROPERTY:
            keys.append((ref.target, ref.target))
        elif kind == BLOCK_EMBED:
            text.append((ref.target, ref.text))  # the placeholder page named by the uuid
        else:
            spelled = ref.text
            spelled = spelled[1:] if spelled.startswith("/") else spelled  # as the name does
            spelled = spelled[:-1] if spelled.endswith("/") else spelled
            (values if ref.property is not None else text).append((ref.target, spelled))
            if "/" in spelled:
                if "[[" not in spelled:  # a ref's name holding a [[ref]] has no parents
                    parents.extend(_spelled_parents(spelled))
            elif "/" in ref.target:  # a ref to a journal titled as in 'E, yyyy/MM/dd'
                day = journal_day(ref.target, fmt)
                if day is not None and block.pre_block and ref.property is not None:
                    parents.extend(_spelled_parents(format_journal_title(day, fmt)))
                elif day is not None:  # see _journal_parents
                    untitled.append((ref.target.rsplit("/", 1)[0], None))
    return untitled + text[::-1] + values + keys + parents[::-1]
