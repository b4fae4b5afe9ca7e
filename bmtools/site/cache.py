"""What a build remembers for the next one: per output page, a fingerprint of everything it
showed and the source pages it read; per page, its search-index entry.

The cache lives outside the site (nothing but the site is published): ``site/NAME-HASH.msgpack``
under ``$BMTOOLS_CACHE_DIR``, else the user's cache directory, keyed by the output folder's
real path. It names the build that wrote it, and is used only when the output folder's marker
names the same build (a folder rebuilt or edited by other means gets a full build).

A page is rendered again only when its fingerprint changes: the *site key* (bmtools'
version, the options, the theme's files, config.edn, which pages are on the site with their
titles and tags, the metamodel) or the text of one of the pages it read (itself, the pages it
embeds or refers to by block, the pages whose blocks refer to it, an artifact's examples).
Its file is then compared byte for byte before it is written, so a page whose HTML did not
change keeps its modification time either way. A cache that cannot be read is ignored (a
full build); it holds plain data (MessagePack), never code.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
import platformdirs

CACHE_ENV = "BMTOOLS_CACHE_DIR"  # the same base folder as the lint cache
FORMAT = 3


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


@dataclass(slots=True)
class BuildCache:
    site_key: str = ""
    build: str = ""  # the build that wrote it (also in the output folder's marker)
    pages: dict[str, list] = field(default_factory=dict)  # path -> [fingerprint, deps, assets]
    search: dict[str, list] = field(default_factory=dict)  # name -> [source key, entry]
    refs: dict[str, list] = field(default_factory=dict)  # name -> [source key, outgoing refs]

    def fingerprint(self, site_key: str, deps: list[str], sources: dict[str, str]) -> str:
        get = sources.get
        return digest(site_key, "\x00".join([f"{d}={get(d, '-')}" for d in deps]))


def read_cache(path: Path, build: str) -> BuildCache:
    """The cache at ``path`` if it was written by ``build``; else an empty one."""
    try:
        data = msgspec.msgpack.decode(path.read_bytes())
        if not isinstance(data, dict) or data.get("format") != FORMAT or not build:
            return BuildCache()
        if data.get("build") != build:
            return BuildCache()
        return BuildCache(str(data["site_key"]), build, dict(data["pages"]), dict(data["search"]))
    except (OSError, msgspec.DecodeError, KeyError, TypeError, ValueError):
        return BuildCache()


def write_cache(path: Path, cache: BuildCache) -> None:
    """Write the cache (keys sorted: the same build gives the same bytes); a cache that
    cannot be written only costs the next build its speed."""
    from bmtools.writer import write_bytes

    data = msgspec.msgpack.encode(
        {
            "format": FORMAT,
            "site_key": cache.site_key,
            "build": cache.build,
            "pages": dict(sorted(cache.pages.items())),
            "search": dict(sorted(cache.search.items())),
            "refs": dict(sorted(cache.refs.items())),
        }
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(path, data)
    except OSError:
        pass
