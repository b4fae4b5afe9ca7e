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

from bmtools.lint.cachefile import DiagT
from bmtools.model import Config
from bmtools.site.facts import PageFacts

CACHE_ENV = "BMTOOLS_CACHE_DIR"  # the same base folder as the lint cache
FORMAT = 4
MAX_CACHE_BYTES = 1 << 30

# name -> (what it resolves to, its output path, title, status, published, generated kind)
StateT = tuple[str, str | None, str, str, bool, str]
UuidT = tuple[str, int, bool]  # block id -> (page, block index, page published)


class Output(msgspec.Struct, array_like=True):
    """What the rendering of one output page read (see the module docstring)."""

    name: str
    deps: list[str]  # pages whose text it shows
    reads: list[str]  # names whose state it shows
    uuids: list[str]  # block ids it looked up
    entries: list[str | int]  # its linked references: source page, block index, ...
    children: list[str]
    tagged: list[str]
    assets: list[str]  # graph files it links to (copied with the site)


class RoadmapT(msgspec.Struct, array_like=True):
    path: str
    title: str
    count: int
    key: str  # what the plan shows (redraw the SVG when it changes)
    whole: str  # the plan and the page key (render the page again when it changes)
    reads: list[str]  # names whose state the roadmap page shows


class BuildCache(msgspec.Struct, kw_only=True):
    format: int = FORMAT
    build: str = ""  # the build that wrote it (also in the output folder's marker)
    read_key: str = ""
    page_key: str = ""
    config: Config | None = None  # config.edn read (config.edn's bytes are in read_key)
    config_diags: list[DiagT] = []  # what reading it found
    collide: bool = False  # two files name one page: the next build reads every page
    stats: dict[str, tuple[int, int]] = {}  # file -> (size, mtime_ns) of the facts
    stamp: int = 0  # when the files were stat'ed (time_ns)
    facts: dict[str, PageFacts] = {}
    states: dict[str, StateT] = {}
    uuids: dict[str, UuidT] = {}
    outputs: dict[str, Output] = {}
    roadmaps: dict[str, RoadmapT] = {}
    rule: str = ""
    today: str = ""
    indexes: dict[str, str] = {}  # index file -> digest of what it shows
    assets: dict[str, tuple[int, int]] = {}  # copied graph file -> (size, mtime_ns)
    lookups: dict[str, list[tuple[str, str | None]]] = {}  # page -> [(link, file found)]


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(BuildCache)


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
    """bmtools' version (as for the lint cache: another version may read or render pages
    differently)."""
    from bmtools import __version__

    return str(__version__)


def read_cache(path: Path, build: str) -> BuildCache | None:
    """The cache at ``path`` if it was written by ``build``; else None."""
    if not build:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            raw = fh.read(MAX_CACHE_BYTES + 1)
    except OSError:
        return None
    if len(raw) > MAX_CACHE_BYTES:
        return None
    from bmtools.gcpause import paused_gc

    try:
        with paused_gc():
            cache = _DECODER.decode(raw)
    except (msgspec.MsgspecError, TypeError, ValueError):
        return None  # foreign, corrupt or crafted: a full build
    if cache.format != FORMAT or cache.build != build:
        return None
    return cache


def config_to_keep(config: Config) -> Config | None:
    """The config, when it survives the round trip exactly (an exotic EDN value may not:
    then the next build reads config.edn again instead of trusting a lossy copy)."""
    try:
        again = msgspec.msgpack.decode(_ENCODER.encode(config), type=Config)
    except (msgspec.MsgspecError, TypeError, ValueError):
        return None
    return config if again == config else None


def write_cache(path: Path, cache: BuildCache) -> None:
    """Write the cache; a cache that cannot be written only costs the next build its speed."""
    from bmtools.writer import write_bytes

    try:
        data = _ENCODER.encode(cache)
    except (msgspec.MsgspecError, TypeError, ValueError):
        data = None  # a value outside the schema: the next build is a full one
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if data is None:
            path.unlink(missing_ok=True)
        else:
            write_bytes(path, data)
    except OSError:
        pass
