"""What a build remembers for the next one, in ``.bmtools-site-cache.msgpack`` in the
output folder: per output page, a fingerprint of everything it showed and the source pages
it read; per page, its search-index entry.

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
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

CACHE_FILE = ".bmtools-site-cache.msgpack"
FORMAT = 1


def digest(*parts: object) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


@dataclass(slots=True)
class BuildCache:
    site_key: str = ""
    pages: dict[str, list] = field(default_factory=dict)  # path -> [fingerprint, deps, assets]
    search: dict[str, list] = field(default_factory=dict)  # name -> [source key, entry]

    def fingerprint(self, site_key: str, deps: list[str], sources: dict[str, str]) -> str:
        return digest(site_key, *(f"{d}={sources.get(d, '-')}" for d in deps))


def read_cache(out: Path) -> BuildCache:
    try:
        data = msgspec.msgpack.decode((out / CACHE_FILE).read_bytes())
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return BuildCache()
        return BuildCache(str(data["site_key"]), dict(data["pages"]), dict(data["search"]))
    except (OSError, msgspec.DecodeError, KeyError, TypeError, ValueError):
        return BuildCache()


def encode_cache(cache: BuildCache) -> bytes:
    """The cache as MessagePack, keys sorted (the same build gives the same bytes)."""
    return msgspec.msgpack.encode(
        {
            "format": FORMAT,
            "site_key": cache.site_key,
            "pages": dict(sorted(cache.pages.items())),
            "search": dict(sorted(cache.search.items())),
        }
    )
