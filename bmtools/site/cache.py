"""What a build remembers for the next one, so that an edit re-renders only what it changed.

The cache lives outside the site (nothing but the site is published): ``site/NAME-HASH.msgpack``
under ``$BMTOOLS_CACHE_DIR``, else the user's cache directory, keyed by the output folder's
real path. It names the build that wrote it, and is used only when the output folder's marker
names the same build (a folder rebuilt or edited by other means gets a full build). It is
typed MessagePack (msgspec), decoded against the schema below: plain data, never code; a
cache that cannot be read, or was written by another format, is ignored (a full build).

It holds:

- ``read_key``: what reading a page depends on besides its file (bmtools' code, the cache
  format, config.edn). Another key: every page is read again.
- per file, its stat and :class:`bmtools.site.facts.PageFacts` (a file whose size and
  modification time are unchanged is not read again);
- ``page_key``: what every output page depends on besides the pages it shows (the options,
  the theme's files, the metamodel, whether there are journals). Another key: every page is
  rendered again.
- per output page, what its rendering asked of the site (:class:`Output`): the pages whose
  text it shows, the names it resolved or linked (their state: path, title, status), the
  block ids it looked up, its linked references, child pages and tagged pages. A build
  renders a page again when one of these changed (:mod:`bmtools.site.changes`);
- the state of every name and block id, to know which changed; the roadmaps; a digest of
  what each index file shows; the copied assets' stats.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import msgspec
import platformdirs

from bmtools.lint.cachefile import DiagT, StubT, diag_in
from bmtools.model import Config, Diagnostic

CACHE_ENV = "BMTOOLS_CACHE_DIR"  # the same base folder as the lint cache
FORMAT = 7  # bump on any change of what the file holds
MAX_CACHE_BYTES = 1 << 30


class PageFacts(msgspec.Struct, array_like=True, frozen=True):
    """What a build needs of a page it does not render (see bmtools.site.facts)."""

    stub: StubT | None  # stub_out(stub_of(page)); None: the file makes no page
    text: str  # digest of the file's path and text: what its rendering shows
    ids: tuple[tuple[int, str, int], ...]  # block ids it claims: (block index, uuid, line)
    diags: tuple[DiagT, ...]  # from reading it
    meta: bool  # a class or artifact page: read in full on every build
    artifact: bool
    tag_refs: str  # its blocks' tags: target, text, ... (first of each target), \n-separated
    out: str  # backlinks.outgoing(page), pack'ed
    summary: str  # search.summary(page)
    words: str  # search.words(search.page_text(page))

    @property
    def name(self) -> str | None:
        return None if self.stub is None else self.stub[0]

    def diagnostics(self) -> list[Diagnostic]:
        return [diag_in(d) for d in self.diags]


def frame(names) -> str:
    """Names as one string, each between newlines (names hold none): a cache of 10k pages
    decodes one string per list instead of 50 (see :func:`mentions`)."""
    return "\n" + "\n".join(sorted(names)) + "\n" if names else ""


def unframe(framed: str) -> list[str]:
    return framed[1:-1].split("\n") if framed else []


def mentions(framed: str, names: set[str]) -> bool:
    """Whether the :func:`frame`'d ``framed`` holds any of ``names``."""
    if not framed or not names:
        return False
    if len(names) > 32:
        return not names.isdisjoint(unframe(framed))
    return any(f"\n{name}\n" in framed for name in names)


def pack(flat: list) -> str:
    """Pairs of a name and a number (``[name, n, name, n, ...]``) as one string."""
    return "\n".join([str(x) for x in flat])


def unpack(packed: str) -> list:
    if not packed:
        return []
    flat: list = packed.split("\n")
    for k in range(1, len(flat), 2):
        flat[k] = int(flat[k])
    return flat


# name -> (what it resolves to, its output path, title, status, published, generated kind)
StateT = tuple[str, str | None, str, str, bool, str]
UuidT = tuple[str, int, bool]  # block id -> (page, block index, page published)


class Output(msgspec.Struct, array_like=True):
    """What the rendering of one output page read (see the module docstring)."""

    name: str
    deps: str  # pages whose text it shows (frame'd, as the other names)
    reads: str  # names whose state it shows
    uuids: str  # block ids it looked up
    entries: str  # its linked references: source page, block index, ... (pack'ed)
    children: str
    tagged: str
    assets: str  # graph files it links to (copied with the site)
    prefixes: str  # an artifact page: the name prefixes of its examples


class RoadmapT(msgspec.Struct, array_like=True):
    path: str
    title: str
    count: int
    key: str  # what the plan shows (redraw the SVG when it changes)
    whole: str  # the plan and the page key (render the page again when it changes)
    reads: str  # names whose state the roadmap page shows (frame'd)


BIG = ("facts", "outputs", "states", "uuids", "search_hits")  # the tables of the base file


class _Small(msgspec.Struct, kw_only=True):
    """What the main file holds besides the big tables (see :class:`BuildCache`)."""

    format: int = FORMAT
    build: str = ""  # the build that wrote it (also in the output folder's marker)
    read_key: str = ""
    page_key: str = ""
    config: Config | None = None  # config.edn read (config.edn's bytes are in read_key)
    config_diags: list[DiagT] = []  # what reading it found
    collide: bool = False  # two files name one page: the next build reads every page
    stats: dict[str, tuple[int, int]] = {}  # file -> (size, mtime_ns) of the facts
    stamp: int = 0  # when the files were stat'ed (time_ns)
    generated: list[tuple[str, str, str]] = []  # the tag and namespace pages made, in order
    roadmaps: dict[str, RoadmapT] = {}
    rule: str = ""
    today: str = ""
    indexes: dict[str, str] = {}  # index file -> digest of what it shows
    assets: dict[str, tuple[int, int]] = {}  # copied graph file -> (size, mtime_ns)
    lookups: dict[str, list[tuple[str, str | None]]] = {}  # page -> [(link, file found)]


class _Main(_Small, kw_only=True):
    """The main file: read and written by every build."""

    base: str = ""  # the id of the base file it completes
    delta_facts: dict[str, PageFacts | None] = {}  # None: not in the table any more
    delta_outputs: dict[str, Output | None] = {}
    delta_states: dict[str, StateT | None] = {}
    delta_uuids: dict[str, UuidT | None] = {}
    delta_search_hits: dict[str, str | None] = {}


class _Base(msgspec.Struct):
    """The base file: the big tables, written again only when the changes kept in the main
    file since it was written have grown (an edit writes a few kilobytes, not 40 MB)."""

    format: int
    id: str
    facts: dict[str, PageFacts]  # file -> facts
    outputs: dict[str, Output]  # output path -> what its rendering read
    states: dict[str, StateT]  # name -> state
    uuids: dict[str, UuidT]  # block id -> state
    search_hits: dict[str, str]  # search.word_hits of the site's pages


class BuildCache(_Small, kw_only=True):
    """The cache as a build uses it: the main file's fields and the big tables whole."""

    facts: dict[str, PageFacts] = {}
    outputs: dict[str, Output] = {}
    states: dict[str, StateT] = {}
    uuids: dict[str, UuidT] = {}
    search_hits: dict[str, str] = {}
    base: _Base | None = None  # the base file it was read from (None: none yet)


_ENCODER = msgspec.msgpack.Encoder()
_MAIN = msgspec.msgpack.Decoder(_Main)
_BASE = msgspec.msgpack.Decoder(_Base)
DELTA_MIN = 2000  # changes kept in the main file before the base file is written again


def cache_file(
    out: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None
) -> Path:
    """Where the cache of the site in ``out`` lives."""
    base = cache_dir or os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("bmtools")
    real = os.path.realpath(out)
    key = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    label = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(real))[:40] or "site"
    return Path(base) / "site" / f"{label}-{key}.msgpack"


def digest(*parts: object) -> str:
    """A short hex digest of the parts (each turned into text, separated by NUL)."""
    text = "\x00".join(p.decode("latin-1") if isinstance(p, bytes) else str(p) for p in parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def code_key() -> str:
    """The code that renders (:func:`bmtools.codeid.code_id`, as for the lint cache: other
    code, even of the same version, may read or render pages differently)."""
    from bmtools.codeid import code_id

    return code_id()


def _read(path: Path) -> bytes | None:
    """A cache file's bytes: a regular file, not through a link, within the size bound."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            raw = fh.read(MAX_CACHE_BYTES + 1)
    except OSError:
        return None
    return raw if len(raw) <= MAX_CACHE_BYTES else None


def base_file(path: Path) -> Path:
    return path.with_name(path.stem + ".base" + path.suffix)


def read_cache(path: Path, build: str) -> BuildCache | None:
    """The cache at ``path`` (and its base file) if it was written by ``build``; else None."""
    if not build:
        return None
    raw = _read(path)
    try:
        main = _MAIN.decode(raw) if raw is not None else None
        if main is None or main.format != FORMAT or main.build != build or not main.base:
            return None
        raw = _read(base_file(path))
        base = _BASE.decode(raw) if raw is not None else None
    except (msgspec.MsgspecError, TypeError, ValueError):
        return None  # foreign, corrupt or crafted: a full build
    if base is None or base.format != FORMAT or base.id != main.base:
        return None
    small = {f: getattr(main, f) for f in _Small.__struct_fields__}
    cache = BuildCache(**small, base=base)
    for name in BIG:
        table = dict(getattr(base, name))
        for key, value in getattr(main, "delta_" + name).items():
            if value is None:
                table.pop(key, None)
            else:
                table[key] = value
        setattr(cache, name, table)
    return cache


def config_to_keep(config: Config) -> Config | None:
    """The config, when it survives the round trip exactly (an exotic EDN value may not:
    then the next build reads config.edn again instead of trusting a lossy copy)."""
    try:
        again = msgspec.msgpack.decode(_ENCODER.encode(config), type=Config)
    except (msgspec.MsgspecError, TypeError, ValueError):
        return None
    return config if again == config else None


def write_cache(path: Path, cache: BuildCache, base: _Base | None) -> None:
    """Write the cache: the main file with what changed since ``base`` (the base file the
    last build read), or both files when that has grown past :data:`DELTA_MIN` or a tenth
    of the base. Each file is a temporary file renamed over the old one (never half a file,
    never through a link); no fsync: a lost cache costs the next build its speed, nothing
    else. A cache that cannot be written is no error either."""
    small = {f: getattr(cache, f) for f in _Small.__struct_fields__}
    try:
        deltas = {}
        if base is not None and base.format == FORMAT:
            deltas = {name: _delta(getattr(base, name), getattr(cache, name)) for name in BIG}
            size = sum(len(getattr(base, name)) for name in BIG)
            if sum(len(d) for d in deltas.values()) > max(DELTA_MIN, size // 10):
                base = None
        else:
            base = None
        if base is None:
            base = _Base(FORMAT, os.urandom(8).hex(), *(getattr(cache, name) for name in BIG))
            deltas = {}
            _write(base_file(path), _ENCODER.encode(base))
        main = _Main(**small, base=base.id, **{"delta_" + n: d for n, d in deltas.items()})
        _write(path, _ENCODER.encode(main))
    except (msgspec.MsgspecError, TypeError, ValueError):  # a value outside the schema
        for p in (path, base_file(path)):
            try:
                p.unlink(missing_ok=True)
            except OSError:
                pass
    except OSError:
        pass


def _delta(before: dict, now: dict) -> dict:
    """What changed from ``before`` to ``now`` (None: a key removed)."""
    out: dict = {k: None for k in before if k not in now}
    missing = object()
    for key, value in now.items():
        was = before.get(key, missing)
        if was is not value and was != value:
            out[key] = value
    return out


def _write(path: Path, data: bytes) -> None:
    from bmtools.site.output import replace_file

    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(str(path.parent), path.name, data)
