"""The lint cache: ``.bmtools_cache/`` at the graph root.

The key is the bmtools version, the rule table, the lint settings and the bytes of
``logseq/config.edn``. The value holds, per page file, its content hash (BLAKE2b), its
*exports fingerprint* and its findings, plus the findings of the cross-page rules before
suppression. A file whose size and modification time are unchanged keeps its hash without
being read again (as git does), so an unchanged graph is answered from the stat calls alone.

When some pages changed, only those are read again, if it is safe to: the rules are split in
two. The *local* rules (``LOCAL_CODES``) find things in a file from that file alone (its
reading diagnostics, mojibake, invalid keys, ...). Every other rule is *cross-page*, and what
it can read from a page is covered by the page's exports fingerprint: its identity (name,
title, kind, aliases, tags, page properties) and the exact text of the page up to the end of
its last block that is not plain text (a block with references, properties, an id, macros, a
heading, a marker, a priority or planning; the pre-block). A block that is none of these is
invisible to every cross-page rule, and so are the blocks after the last such block.

A warm run with changed files C keeps the cached cross-page findings and re-runs only the
local rules on C when: no file was added or removed, discovery reported the same problems,
every file of C has the exports fingerprint it had, and none of them is a class page, an
artifact info page or one of several files naming one page. Then every cross-page rule reads
exactly what it read last time (positions and character offsets included), so its findings
are unchanged; the findings of C are its new local findings plus its cached cross-page ones,
suppressed with C's new ``bmtools-ignore::`` properties. Anything else reads and lints the
whole graph again. A new rule is cross-page unless its code is added to ``LOCAL_CODES``, which
is only right when its findings on a file depend on nothing but that file and the settings.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
from pathlib import Path

from bmtools import __version__
from bmtools.config import CONFIG_PATH, read_config
from bmtools.lint.engine import finish, run_rules
from bmtools.lint.registry import CODES, all_rules
from bmtools.lint.settings import Settings
from bmtools.lint.suppress import suppressions
from bmtools.loader import discover, load_graph, read_page
from bmtools.metamodel import ARTIFACT_TYPE, CLASS_TYPE, page_types
from bmtools.model import Config, Diagnostic, Graph, Page
from bmtools.writer import write_bytes

CACHE_DIR = ".bmtools_cache"
CACHE_FILE = "lint-v2.pickle"
FORMAT = 2

# Rules whose findings on a file depend only on that file's bytes, config.edn and the settings.
LOCAL_CODES = frozenset(
    {
        "BM001",  # reading a file (folder errors come from discovery: compared separately)
        "BM002",
        "BM003",
        "BM004",
        "BM005",
        "BM007",
        "BM020",
        "BM021",
        "BM105",
        "BM201",
        "BM202",
        "BM203",
        "BM204",
        "BM205",
        "BM206",
    }
)


def cache_key(root: Path, settings: Settings) -> str:
    h = hashlib.sha1()
    h.update(__version__.encode())
    h.update(repr(sorted(CODES.items())).encode())
    h.update(repr(sorted(LOCAL_CODES)).encode())
    h.update(settings.fingerprint().encode())
    try:
        h.update((root / CONFIG_PATH).read_bytes())
    except OSError:
        h.update(b"<no config>")
    return h.hexdigest()


def file_states(
    root: Path,
    previous: dict[str, tuple[int, int, str]],
    config: Config | None = None,
    found: list[Diagnostic] | None = None,
) -> dict[str, tuple]:
    """rel -> (size, mtime_ns, content hash); unchanged stats reuse the previous hash.
    Discovery's own diagnostics (unreadable folders, link loops) go to ``found``."""
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
        try:
            with open(path, "rb") as fh:
                digest = hashlib.blake2b(fh.read(), digest_size=16).hexdigest()
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


def _read(path: Path) -> dict | None:
    try:
        with open(path, "rb") as fh:
            data = pickle.load(fh)
        return data if isinstance(data, dict) and data.get("format") == FORMAT else None
    except Exception:  # a corrupt or foreign cache is just a miss
        return None


def _write(root: Path, data: dict) -> None:
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        tag = folder / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n# bmtools lint cache\n")
            (folder / ".gitignore").write_text("*\n")
        write_bytes(folder / CACHE_FILE, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only graph is linted without a cache


def _same_content(a: dict[str, tuple], b: dict[str, tuple]) -> bool:
    return a.keys() == b.keys() and all(a[k][2] == b[k][2] for k in a)


def _flatten(final: dict[str, list[Diagnostic]]) -> list[Diagnostic]:
    """The findings in the engine's order: by file (``""`` first), then within the file."""
    out: list[Diagnostic] = []
    for key in sorted(final):
        out.extend(final[key])
    return out


def cached_lint(
    root: str | os.PathLike[str], settings: Settings, progress=None
) -> tuple[Graph | None, list[Diagnostic]]:
    """Lint with the cache; returns (graph or None when not read as a whole, diagnostics)."""
    root = Path(root)
    key = cache_key(root, settings)
    cache = _read(root / CACHE_DIR / CACHE_FILE)
    if cache is not None and cache.get("key") != key:
        cache = None
    config, _ = read_config(root)
    found: list[Diagnostic] = []
    states = file_states(root, cache["files"] if cache else {}, config, found)
    if cache is not None and cache["found"] == found and states.keys() == cache["files"].keys():
        changed = [rel for rel in states if states[rel][2] != cache["files"][rel][2]]
        if not changed:
            if states != cache["files"]:  # touched but identical: remember the new stats
                _write(root, {**cache, "files": states})
            return None, _flatten(cache["final"])
        final = _incremental(root, config, settings, cache, changed)
        if final is not None:
            _write(root, {**cache, "files": states, "final": final})
            return None, _flatten(final)
    return _full(root, settings, key, states, found, progress)


def _full(root: Path, settings: Settings, key: str, states, found, progress):
    graph = load_graph(root)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # as in lint_graph: the rules make little garbage
    try:
        raw = run_rules(graph, settings, progress)
        diagnostics = finish([d for _, d in raw], settings, suppressions(graph))
        codes = list(all_rules())
        files = set(graph.files)
        cross: dict[str, list[tuple[int, Diagnostic]]] = {}
        for number, d in raw:
            if codes[number] in LOCAL_CODES and d.file in files:
                continue
            cross.setdefault(d.file or "", []).append((number, d))
        final: dict[str, list[Diagnostic]] = {}
        for d in diagnostics:
            final.setdefault(d.file or "", []).append(d)
        fps = {p.file: exports_fingerprint(p) for p in graph.pages.values() if p.file}
    finally:
        if gc_was_enabled:
            gc.enable()
    collide = sorted({f for _, names in graph.collisions for f in names})
    _write(
        root,
        {
            "format": FORMAT,
            "key": key,
            "files": states,
            "found": found,
            "fps": fps,
            "collide": collide,
            "cross": cross,
            "final": final,
        },
    )
    return graph, diagnostics


def _incremental(
    root: Path, config: Config, settings: Settings, cache: dict, changed: list[str]
) -> dict[str, list[Diagnostic]] | None:
    """The new findings by file when only the local findings of ``changed`` can differ;
    None when a full run is needed (see the module docstring)."""
    collide = set(cache["collide"])
    fps = cache["fps"]
    graph = Graph(root=str(root), config=config, files=list(changed))
    for rel in changed:
        if rel in collide:
            return None
        page, diags = read_page(root, rel, config)
        if exports_fingerprint(page) != fps.get(rel, NO_PAGE):
            return None
        if page is not None:
            types = page_types(page)
            if CLASS_TYPE in types or ARTIFACT_TYPE in types:
                return None
            graph.pages[rel] = page  # keyed by file: no two files of C share a name here
        graph.diagnostics.extend(diags)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        local = run_rules(graph, settings, only=LOCAL_CODES)
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
