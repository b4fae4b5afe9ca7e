"""The lint cache: one folder per graph in the user's cache directory (see :func:`folder_for`).

The key is the bmtools version, the rule table, the lint settings and the bytes of
``logseq/config.edn``. The value holds, per page file, its content hash (BLAKE2b), its
*exports fingerprint* and its findings, plus the findings of the cross-page rules before
suppression; a second file holds every page's *facts* (bmtools.lint.partial), read only by
the scoped path below. A file whose size and modification time are unchanged keeps its hash
without being read again (as git does), so an unchanged graph is answered from the stat calls
alone.

When some pages C changed, were added or were removed, and discovery reported the same
problems, one of three paths answers, the first that applies:

1. *Changed pages only* (no file added or removed). The *local* rules (``READS = "file"``)
   find things in a file from that file alone (its reading diagnostics, mojibake, invalid
   keys, ...). Every other rule is *cross-page*, and what it can read from a page is covered
   by the page's exports fingerprint: its identity (name, title, kind, aliases, tags, page
   properties) and the exact text of the page up to the end of its last block that is not
   plain text (a block with references, properties, an id, macros, a heading, a marker, a
   priority or planning; the pre-block). When every file of C has the fingerprint it had and
   none is a class page, an artifact info page or one of several files naming one page, every
   cross-page rule reads exactly what it read last time, so the cached cross-page findings
   stand; the local rules run on C, and C's new ``bmtools-ignore::`` properties apply.
2. *A scope.* When no page of C is or was a class or artifact info page or a collision file,
   no new name is taken twice and no name that moved (a page's name, aliases and namespace
   parents, when it appears, disappears or changes identity) can make a block an item, every
   rule runs on a partial graph whose scope (read in full) is C, the class and artifact pages,
   the pages pointing at block ids that appeared or disappeared, the pages that embed (or,
   with a ``"refs"`` rule on, reference) a name that moved, the pages naming item titles that
   appeared or disappeared (``"refs"`` rules), and every item page when items can change;
   other pages are stubs made from their facts. A rule reports on the pages it reads, except
   the ``"index"`` and ``"embeds"`` rules, which see every page: where they now report
   differently on a page outside the scope, that page joins it and the scope runs again (at
   most ``SCOPED_ROUNDS`` times); the ``"embeds"`` rules are not run when no embed, block id
   or name moved (their findings stand). Any other rule reporting elsewhere means a full run.
3. Anything else reads and lints the whole graph again.

What decides between these is what each rule declares it reads (``READS`` in its module, one
of bmtools.lint.registry.READS), never a list of codes here: a new rule needs no change in
this file as long as it reads what its declaration says. A ``"graph"`` rule must read of the
pages it does not report on only what stubs and facts carry (bmtools.lint.partial); a rule
that needs more needs a new kind in the registry and in this design. The declarations are
part of the key (a second part, checked only when something must be re-linted, so an
unchanged graph is answered without importing the rules). The seeded random-edit test in
tests/test_lint_incremental.py holds every path to ``--no-cache``.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from bmtools.codeid import code_id
from bmtools.codes import CATALOGUE
from bmtools.config import config_bytes, read_config
from bmtools.gcpause import paused_gc
from bmtools.lint import cachefile
from bmtools.lint.context import LintContext, page_embeds
from bmtools.lint.engine import finish, run_rules
from bmtools.lint.partial import (
    PageFacts,
    claimed_ids,
    identity,
    index_findings,
    is_metamodel_page,
    page_facts,
    partial_graph,
    refers_to_any,
    stub_of,
)
from bmtools.lint.registry import (
    EMBEDS,
    FILE,
    INDEX,
    REFS,
    REPORTS_BEYOND,
    all_rules,
    codes_reading,
    reads_table,
)
from bmtools.lint.settings import Settings
from bmtools.lint.suppress import suppressions
from bmtools.loader import MAX_FILE_BYTES, block_ids, discover, load_graph, read_pages
from bmtools.model import PAGE_EMBED, Config, Diagnostic, Graph, Page
from bmtools.names import namespace_parents, page_name
from bmtools.safeio import read_regular
from bmtools.writer import UnsafePathError, write_bytes

CACHE_ENV = "BMTOOLS_CACHE_DIR"  # where caches live, when --cache-dir does not say
CACHE_FILE = "lint.msgpack"
FACTS_FILE = "lint-facts.msgpack"  # read only when pages must be re-linted with others
FORMAT = cachefile.FORMAT
MAX_CACHE_BYTES = 1 << 30  # a cache file larger than this is not read (a cold run instead)

SCOPED_ROUNDS = 3  # re-lints that widen their scope before a full run is cheaper
FACTS_DELTA_MAX = 256  # changed pages' facts kept in the main file before the facts file is
# written again (writing all facts costs more than the rest of a scoped run)


def cache_key(root: Path, settings: Settings) -> str:
    """The code (:func:`~bmtools.codeid.code_id`), the catalogue, the settings and
    config.edn, hashed; see :func:`declarations_key` for the key's second part."""
    h = hashlib.sha1()
    h.update(code_id().encode())
    h.update(repr(sorted(CATALOGUE.items())).encode())
    h.update(repr(FORMAT).encode())
    h.update(settings.fingerprint().encode())
    try:
        h.update(config_bytes(root))
    except OSError:
        h.update(b"<no config>")
    return h.hexdigest()


def declarations_key() -> str:
    """What the rules declare they read, hashed: which path may answer depends on it (not what
    a full run finds), so it is checked only when something must be linted again."""
    return hashlib.sha1(repr(reads_table()).encode()).hexdigest()[:16]


def local_codes() -> frozenset[str]:
    """The rules whose findings on a file depend only on that file, config.edn and settings."""
    return codes_reading(FILE)


def global_codes() -> frozenset[str]:
    """The cross-page rules whose findings on a page can change when another page changes."""
    return codes_reading(*REPORTS_BEYOND)


def file_states(
    root: Path,
    previous: dict[str, tuple[int, int, str]],
    config: Config | None = None,
    found: list[Diagnostic] | None = None,
    hash_new: bool = True,
) -> dict[str, tuple]:
    """rel -> (size, mtime_ns, content hash); unchanged stats reuse the previous hash.
    Discovery's own diagnostics (unreadable folders, link loops) go to ``found``.

    Without ``hash_new`` (a cold run, which reads every file anyway), files not in
    ``previous`` get the hash None: if their stats change later, they count as changed, and
    are re-linted (the incremental paths) rather than compared byte for byte."""
    if config is None:
        config, _ = read_config(root)
    out: dict[str, tuple] = {}
    base = str(root)
    for rel in discover(root, config, [] if found is None else found):
        path = os.path.join(base, rel)  # not pathlib: this runs for every file of every run
        try:
            st = os.stat(path)
        except OSError:
            out[rel] = (-1, -1, "")
            continue
        old = previous.get(rel)
        if old is not None and old[0] == st.st_size and old[1] == st.st_mtime_ns:
            out[rel] = old
            continue
        if not hash_new:
            out[rel] = (st.st_size, st.st_mtime_ns, None)
            continue
        try:
            data = read_regular(path, MAX_FILE_BYTES)
            digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        except OSError:
            digest = ""
        out[rel] = (st.st_size, st.st_mtime_ns, digest)
    return out


NO_PAGE = b"-"


def _plain(b) -> bool:
    return not (
        b.refs
        or b.properties
        or b.uuid
        or b.macros
        or b.pre_block
        or b.heading
        or b.marker
        or b.priority
        or b.invalid_properties
        or b.ignored_properties
        or b.scheduled
        or b.deadline
    )


def exports_fingerprint(page: Page | None) -> bytes:
    """What any cross-page rule can read from ``page`` (see the module docstring), hashed.

    The same for a page fresh from ``read_page`` and the same page in a loaded graph (loading
    drops duplicate block ids and rewrites journal ref targets, neither of which counts here).
    """
    if page is None:
        return NO_PAGE
    end = 0
    for b in reversed(page.blocks):
        if not _plain(b):
            end = b.end
            break
    ident = (
        page.name,
        page.title,
        page.file,
        page.kind,
        page.format,
        page.title_source,
        page.front_matter,
        page.bom,
        str(page.journal_day),
        page.namespace,
        page.aliases,
        page.tags,
        [(k, p.raw_key, p.raw, repr(p.value), p.line, p.col) for k, p in page.properties.items()],
        [(p.raw_key, p.raw, p.line, p.col) for p in page.invalid_properties],
    )
    h = hashlib.blake2b(repr(ident).encode("utf-8", "surrogatepass"), digest_size=16)
    h.update(b"\0")
    h.update(page.source[:end].encode("utf-8", "surrogatepass"))
    return h.digest()


def folder_for(
    root: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None
) -> Path:
    """The cache folder of the graph at ``root``: ``lint/NAME-HASH`` under ``cache_dir``, else
    ``$BMTOOLS_CACHE_DIR``, else the user's cache directory, keyed by the graph's real path.

    Never inside the graph by default: a repository cannot ship its own cache to CI."""
    base = cache_dir or os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("bmtools")
    real = os.path.realpath(root)
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    label = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(real))[:40] or "graph"
    return Path(base) / "lint" / f"{label}-{digest}"


def unusable(folder: Path) -> str | None:
    """Why ``folder`` must not hold a cache (None when it may): a folder on its way that is a
    symbolic link (or not a folder) could send the cache's writes anywhere."""
    for path in (folder.parent.parent, folder.parent, folder):
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            return f"{path}: {exc.strerror}"
        if stat.S_ISLNK(st.st_mode):
            return f"{path} is a symbolic link"
        if not stat.S_ISDIR(st.st_mode):
            return f"{path} is not a folder"
    return None


def _read_bytes(path: Path) -> bytes | None:
    """A cache file's bytes: a regular file, not through a link, within the size bound."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_CACHE_BYTES:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(MAX_CACHE_BYTES + 1)
        return data if len(data) <= MAX_CACHE_BYTES else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _read(folder: Path) -> dict | None:
    raw = _read_bytes(folder / CACHE_FILE)
    if raw is None:
        return None
    with paused_gc():
        return cachefile.decode_cache(raw)  # anything but a cache of this format: None


def _read_facts(folder: Path, cache: dict) -> dict[str, PageFacts] | None:
    """The page facts written with ``cache`` (kept apart: most runs do not need them)."""
    raw = _read_bytes(folder / FACTS_FILE)
    if raw is None:
        return None
    with paused_gc():
        data = cachefile.decode_facts(raw)
        if data is None or data[0] != cache.get("facts_id"):
            return None
        make = PageFacts._make
        facts = {rel: make(t) for rel, t in data[1].items()}
        for rel, t in cache.get("facts_delta", {}).items():
            if t is None:  # the file is gone, or no longer a page
                facts.pop(rel, None)
            else:
                facts[rel] = make(t)
    return facts


TAG = b"Signature: 8a477f597d28d172789f06886806bc55\n# bmtools lint cache\n"


def _write(folder: Path | None, data: dict, facts: dict[str, PageFacts] | None = None) -> None:
    """Write the cache (and, when given, new page facts, first: the cache names their id)."""
    if folder is None or unusable(folder) is not None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if unusable(folder) is not None:  # made a link while we were not looking
            return
        write_bytes(folder / "CACHEDIR.TAG", TAG, follow_links=False)
        write_bytes(folder / ".gitignore", b"*\n", follow_links=False)
        with paused_gc():
            if facts is not None:
                token = os.urandom(8).hex()
                blob = cachefile.encode_facts(token, facts)
                write_bytes(folder / FACTS_FILE, blob, follow_links=False)
                data = {**data, "facts_id": token, "facts_delta": {}}
            write_bytes(folder / CACHE_FILE, cachefile.encode_cache(data), follow_links=False)
    except (OSError, UnsafePathError):
        pass  # a read-only cache folder: lint without a cache
    except (TypeError, ValueError):
        pass  # a value the cache's schema cannot hold: the next run is a cold one


def _flatten(final: dict[str, list[Diagnostic]]) -> list[Diagnostic]:
    """The findings in the engine's order: by file (``""`` first), then within the file."""
    out: list[Diagnostic] = []
    for key in sorted(final):
        out.extend(final[key])
    return out


def cached_lint(
    root: str | os.PathLike[str],
    settings: Settings,
    progress=None,
    log: Callable[[str], None] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> tuple[Graph | None, list[Diagnostic]]:
    """Lint with the cache; returns (graph or None when not read as a whole, diagnostics).

    ``log`` gets one line saying how the cache answered (for ``bmtools lint --verbose``);
    ``cache_dir`` is where caches live (see :func:`folder_for`)."""
    log = log or _quiet
    root = Path(root)
    folder: Path | None = folder_for(root, cache_dir)
    refused = unusable(folder)
    if refused is not None:
        log(f"cache: not used ({refused}); read all files")
        return _full(root, settings, "", {}, [], progress, None)
    key = cache_key(root, settings)
    cache = _read(folder)
    if cache is not None and cache["key"].partition("/")[0] != key:
        cache = None
    if cache is not None and cache["config"] is not None:
        config = cache["config"]  # config.edn's bytes are part of the key
    else:
        config, _ = read_config(root)
    found: list[Diagnostic] = []
    states = file_states(root, cache["files"] if cache else {}, config, found, cache is not None)
    why = "no cache for these settings and this config.edn"
    if cache is not None and cache["found"] != found:
        why = "the folders list other problems than last time"
    if cache is not None and cache["found"] == found:
        before = cache["files"]
        changed = [r for r in states if r in before and states[r][2] != before[r][2]]
        added = [r for r in states if r not in before]
        removed = [r for r in before if r not in states]
        what = _counted(changed, added, removed)
        if not (changed or added or removed):
            if states != before:  # touched but identical: remember the new stats
                _write(folder, {**cache, "files": states})
            log(f"cache: no file changed; nothing read ({_files(len(states))})")
            return None, _flatten(cache["final"])
        full_key = f"{key}/{declarations_key()}"
        if cache["key"] != full_key:
            log(f"cache: {what}; the rules declare other reads; read all {_files(len(states))}")
            return _full(root, settings, full_key, states, found, progress, folder)
        reads = read_pages(root, changed + added, config)
        if not (added or removed):
            final = _incremental(root, config, settings, cache, reads)
            if final is not None:
                _write(folder, {**cache, "files": states, "final": final})
                log(f"cache: {what}; nothing other pages see changed: read {_files(len(reads))}")
                return None, _flatten(final)
        facts = _read_facts(folder, cache)
        update = None
        if facts is not None:
            update = _scoped(root, config, settings, cache, facts, reads, removed, list(states))
        if update is not None:
            update, fresh, scope = update
            log(f"cache: {what}; re-linted {len(scope)} of {_files(len(states))}")
            delta = {
                **cache.get("facts_delta", {}),
                **{r: _plain_facts(f) for r, f in fresh.items()},
            }
            if len(delta) <= FACTS_DELTA_MAX:
                _write(folder, {**cache, **update, "files": states, "facts_delta": delta})
            else:
                merged = {**facts, **fresh}
                merged = {r: f for r, f in merged.items() if f is not None}
                _write(folder, {**cache, **update, "files": states}, merged)
            return None, _flatten(update["final"])
        why = f"{what}, which only a full run can tell"
    log(f"cache: {why}; read all {_files(len(states))}")
    return _full(root, settings, f"{key}/{declarations_key()}", states, found, progress, folder)


def _quiet(message: str) -> None:
    pass


def _files(n: int) -> str:
    return f"{n} file{'s' if n != 1 else ''}"


def _counted(changed: list[str], added: list[str], removed: list[str]) -> str:
    parts = [(changed, "changed"), (added, "added"), (removed, "removed")]
    words = [f"{len(files)} {verb}" for files, verb in parts if files]
    return ", ".join(words) or "no content changed"


def _plain_facts(facts: PageFacts | None) -> tuple | None:
    return None if facts is None else tuple(facts)


def _full(root: Path, settings: Settings, key: str, states, found, progress, folder: Path | None):
    graph = load_graph(root)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # as in lint_graph: the rules make little garbage
    try:
        enabled = settings.enabled()
        ctx = LintContext(graph, enabled)
        raw = run_rules(graph, settings, progress, ctx=ctx)
        diagnostics = finish([d for _, d in raw], settings, suppressions(graph))
        codes = list(all_rules())
        local = local_codes()
        files = set(graph.files)
        cross: dict[str, list[tuple[int, Diagnostic]]] = {}
        for number, d in raw:
            if codes[number] in local and d.file in files:
                continue
            cross.setdefault(d.file or "", []).append((number, d))
        final: dict[str, list[Diagnostic]] = {}
        for d in diagnostics:
            final.setdefault(d.file or "", []).append(d)
        fps = {p.file: exports_fingerprint(p) for p in graph.pages.values() if p.file}
        facts = _all_facts(graph, ctx, bool(codes_reading(REFS) & enabled))
        classes = ctx.metamodel.class_names
        class_refs = set(classes) | {a for a, owner in graph.aliases.items() if owner in classes}
    finally:
        if gc_was_enabled:
            gc.enable()
    collide = sorted({f for _, names in graph.collisions for f in names})
    _write(
        folder,
        {
            "format": FORMAT,
            "key": key,
            "files": states,
            "found": found,
            "fps": fps,
            "collide": collide,
            "config": graph.config,
            "class_refs": class_refs,  # ref targets that make a block an item
            "cross": cross,
            "final": final,
        },
        facts,
    )
    return graph, diagnostics


def _incremental(
    root: Path, config: Config, settings: Settings, cache: dict, reads: dict[str, tuple]
) -> dict[str, list[Diagnostic]] | None:
    """The new findings by file when only the local findings of the changed pages (``reads``:
    rel -> what reading it gave) can differ; None when another path must answer (see the
    module docstring)."""
    collide = set(cache["collide"])
    fps = cache["fps"]
    changed = list(reads)
    graph = Graph(root=str(root), config=config, files=changed)
    if collide.intersection(changed):
        return None
    for rel, (page, diags) in reads.items():
        if exports_fingerprint(page) != fps.get(rel, NO_PAGE):
            return None
        if page is not None:
            if is_metamodel_page(page):
                return None
            graph.pages[rel] = page  # keyed by file: no two files of C share a name here
        graph.diagnostics.extend(diags)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        local = run_rules(graph, settings, only=local_codes())
    finally:
        if gc_was_enabled:
            gc.enable()
    by_file: dict[str, list[tuple[int, Diagnostic]]] = {rel: [] for rel in changed}
    for number, d in local:
        if d.file not in by_file:
            return None  # a local rule reporting elsewhere: not local after all
        by_file[d.file].append((number, d))
    table = suppressions(graph)
    final = dict(cache["final"])
    cross = cache["cross"]
    for rel, mine in by_file.items():
        merged = sorted(mine + cross.get(rel, []), key=lambda t: t[0])  # the engine's order
        out = finish([d for _, d in merged], settings, table)
        if out:
            final[rel] = out
        else:
            final.pop(rel, None)
    return final


def _all_facts(graph: Graph, ctx: LintContext, with_page_refs: bool) -> dict[str, PageFacts]:
    """The facts of every page of a loaded graph (see bmtools.lint.partial)."""
    ids = claimed_ids(graph)
    remade = set()  # what partial graphs make again (the index's findings)
    index = codes_reading(INDEX)
    if any(d.code in index for d in graph.diagnostics):
        remade = {_same(d) for d in index_findings(graph, ids)}
    local = local_codes()
    read: dict[str, list[Diagnostic]] = {}
    for d in graph.diagnostics:
        if d.code in local or not d.file or _same(d) in remade:
            continue
        read.setdefault(d.file, []).append(d)
    items: dict[str, list] = {}
    for item in ctx.items:
        items.setdefault(item.file, []).append(item)
    return {
        p.file: page_facts(
            p, ids[p.file], items.get(p.file, []), read.get(p.file, []), with_page_refs
        )
        for p in graph.pages.values()
        if p.file
    }


def _same(d: Diagnostic) -> tuple:
    return (d.code, d.file, d.line, d.col, d.message)


@dataclass(slots=True)
class _Moves:
    """What the changed, added and removed pages move for other pages."""

    full: dict[str, tuple] = field(default_factory=dict)  # rel -> (page, diags, block ids)
    ids: set[str] = field(default_factory=set)  # block ids that appear or disappear
    names: set[str] = field(default_factory=set)  # names a page appears, disappears or moves at
    items: bool = False  # may an item change, or the classes of a page items point at?
    embeds: bool = False  # may an embed (or what it resolves to) change?


def _moves(
    cache: dict, facts: dict[str, PageFacts], reads: dict[str, tuple], gone: set[str]
) -> _Moves | None:
    """What the pages of ``reads`` (changed or added) and ``gone`` (removed) move; None when a
    full run must tell (a metamodel page, a collision, a class name moving)."""
    collide = set(cache["collide"])
    moves = _Moves()
    old_ids: set[str] = set()
    new_ids: set[str] = set()
    new_names: list[str] = []  # of every page read again
    for rel in [*reads, *gone]:
        old = facts.get(rel)
        if rel in collide or (old is not None and old.metamodel):
            return None
        page, diags = reads.get(rel, (None, []))
        if page is not None and is_metamodel_page(page):
            return None
        stub = stub_of(page) if page is not None else None
        renamed = old is None or stub is None or identity(stub) != identity(old.stub)
        if old is not None:
            old_ids.update(u for _, u, _ in old.ids)
            moves.items = moves.items or old.has_items
            if renamed:
                moves.names |= _names(old.stub)
                moves.embeds = True
        if rel in gone:
            continue
        ids = block_ids(page) if page is not None else []
        moves.full[rel] = (page, diags, ids)
        if page is None:
            continue  # not a page (an Org file, a binary file): its reading findings only
        new_ids.update(u for _, u, _ in ids)
        new_names.append(stub[0])
        if renamed:
            moves.names |= _names(stub)
        moves.items = moves.items or old is None or stub != old.stub or _may_hold_items(page, cache)
        moves.embeds = moves.embeds or old is None or tuple(page_embeds(page)) != old.embeds
    if moves.names:
        if moves.names & cache["class_refs"]:
            return None  # what makes a block an item may change
        taken = [f.stub[0] for r, f in facts.items() if r not in reads and r not in gone]
        if len(set(taken + new_names)) != len(taken) + len(new_names):
            return None  # two files naming one page: collisions are found by a full run
        moves.items = True  # page fields may point at these names
    moves.ids = old_ids ^ new_ids
    return moves


def _scoped(
    root: Path,
    config: Config,
    settings: Settings,
    cache: dict,
    facts: dict[str, PageFacts],
    reads: dict[str, tuple],
    removed: list[str],
    files: list[str],
) -> tuple[dict, dict[str, PageFacts | None], set[str]] | None:
    """Re-lint the changed, added and removed pages' scope on a partial graph of ``files``;
    the cache's new ``final``, ``cross`` and ``fps``, those pages' new facts (None: no longer
    a page) and the scope, or None when only a full run can tell (see the module docstring)."""
    gone = set(removed)
    moves = _moves(cache, facts, reads, gone)
    if moves is None:
        return None
    enabled = settings.enabled()
    with_page_refs = bool(codes_reading(REFS) & enabled)
    changed = list(reads)  # changed and added
    full = moves.full
    item_files = {rel for rel, f in facts.items() if f.has_items and rel not in gone}
    scope = set(changed) | set(cache["collide"])
    for rel, f in facts.items():
        if rel not in gone and (
            f.metamodel
            or (moves.ids and f.uuid_targets and not f.uuid_targets.isdisjoint(moves.ids))
            or (moves.names and _names_any(f, moves.names))
        ):
            scope.add(rel)
    codes = list(all_rules())
    beyond = global_codes()
    is_global = [c in beyond for c in codes]
    # The "embeds" rules read every page's embeds: when none moved, their findings stand.
    stand = codes_reading(EMBEDS) if not moves.embeds and not moves.ids else frozenset()
    run = frozenset(c for c in codes if c not in stand)
    local = local_codes()
    cross = cache["cross"]
    items_move = moves.items
    with paused_gc():
        for _ in range(SCOPED_ROUNDS):
            if items_move or scope & item_files:
                items_move = True
                scope |= item_files
            missing = [rel for rel in scope if rel not in full]
            for rel, (page, diags) in read_pages(root, missing, config).items():
                full[rel] = (page, diags, block_ids(page) if page is not None else [])
            graph = partial_graph(root, config, files, facts, {r: full[r] for r in scope})
            ctx = LintContext(graph, enabled, scope, facts)
            if not items_move:
                ctx.outside_item_names = frozenset(
                    n for rel in item_files for n in facts[rel].item_names
                )
            found = run_rules(graph, settings, only=run, ctx=ctx)
            mine: dict[str, list[tuple[int, Diagnostic]]] = {rel: [] for rel in scope}
            outside: dict[str, list[tuple[int, Diagnostic]]] = {}
            for number, d in found:
                if d.file in mine:
                    mine[d.file].append((number, d))
                elif d.file in facts:
                    if not is_global[number]:
                        return None  # a rule reporting beyond what it read: not covered
                    outside.setdefault(d.file, []).append((number, d))
            items: dict[str, list] = {rel: [] for rel in changed}
            for item in ctx.items:
                if item.file in items:
                    items[item.file].append(item)
            if not items_move and any(items.values()):
                items_move = True  # a page that had no items has some now: read them all
                continue
            widen = set()
            before = {
                n for rel in [*changed, *removed] if rel in facts for n in facts[rel].item_names
            }
            after = {page_name(i.title) for rel in changed for i in items[rel] if i.title}
            renamed = before ^ after  # names that may have stopped or started being items
            if with_page_refs and renamed:
                widen.update(
                    rel
                    for rel, f in facts.items()
                    if rel not in scope and refers_to_any(f, renamed)
                )
            for rel in set(outside) | set(cross):
                if rel in scope or rel not in facts or rel in gone:
                    continue
                was = [(n, d) for n, d in cross.get(rel, ()) if is_global[n] and codes[n] in run]
                if sorted(outside.get(rel, ()), key=_order) != sorted(was, key=_order):
                    widen.add(rel)
            if not widen:
                break
            scope |= widen
        else:
            return None
        table = suppressions(graph)
        final = dict(cache["final"])
        new_cross = dict(cross)
        for rel, raw in mine.items():
            if stand:  # the page's cached findings of those rules, in the engine's order
                raw = raw + [(n, d) for n, d in cross.get(rel, ()) if codes[n] in stand]
                raw.sort(key=lambda t: t[0])
            _put(final, rel, finish([d for _, d in raw], settings, table))
            _put(new_cross, rel, [(n, d) for n, d in raw if codes[n] not in local])
        new_facts: dict[str, PageFacts | None] = {}
        fps = dict(cache["fps"])
        for rel in changed:
            page, diags, ids = full[rel]
            fps[rel] = exports_fingerprint(page)
            read = [d for d in diags if d.code not in local]
            new_facts[rel] = (
                None if page is None else page_facts(page, ids, items[rel], read, with_page_refs)
            )
        for rel in removed:
            final.pop(rel, None)
            new_cross.pop(rel, None)
            fps.pop(rel, None)
            new_facts[rel] = None
    return {"final": final, "cross": new_cross, "fps": fps}, new_facts, scope


def _put(table: dict[str, list], key: str, entries: list) -> None:
    """Keep ``entries`` under ``key``, or no key when there are none (as a full run does)."""
    if entries:
        table[key] = entries
    else:
        table.pop(key, None)


def _names(stub: tuple) -> set[str]:
    """The names a page makes resolve: its own, its aliases', its namespace parents'."""
    name = stub[0]
    return {name, *(page_name(a) for a in stub[5]), *namespace_parents(name)}


def _names_any(facts: PageFacts, names: set[str]) -> bool:
    """Whether a page's refs (when kept) or page embeds name any of ``names``."""
    if refers_to_any(facts, names):
        return True
    return any(kind == PAGE_EMBED and target in names for kind, target, _, _ in facts.embeds)


def _may_hold_items(page: Page, cache: dict) -> bool:
    """Whether a page references a class (or an alias of one): an item needs such a tag."""
    classes = cache["class_refs"]
    return any(ref.target in classes for block in page.blocks for ref in block.refs)


def _order(entry: tuple[int, Diagnostic]) -> tuple:
    number, d = entry
    return (number, d.line, d.col, d.message)
