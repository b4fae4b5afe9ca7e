"""The lint cache: ``.bmtools_cache/`` at the graph root.

The key is the bmtools version, the rule table, the lint settings and the bytes of
``logseq/config.edn``; the value is the content hash (BLAKE2b) of every page file and the
diagnostics of the last run. A file whose size and modification time are unchanged keeps its
hash without being read again (as git does), so an unchanged graph is answered from the stat
calls alone. When any page changed, the graph is read and linted again: most rules look
across pages (references, classes, items), so a changed page can change findings elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from bmtools import __version__
from bmtools.config import CONFIG_PATH, read_config
from bmtools.lint.engine import lint_graph
from bmtools.lint.registry import CODES
from bmtools.lint.settings import Settings
from bmtools.loader import discover, load_graph
from bmtools.model import Diagnostic, Graph
from bmtools.writer import write_bytes

CACHE_DIR = ".bmtools_cache"
CACHE_FILE = "lint-v1.pickle"


def cache_key(root: Path, settings: Settings) -> str:
    h = hashlib.sha1()
    h.update(__version__.encode())
    h.update(repr(sorted(CODES.items())).encode())
    h.update(settings.fingerprint().encode())
    try:
        h.update((root / CONFIG_PATH).read_bytes())
    except OSError:
        h.update(b"<no config>")
    return h.hexdigest()


def file_states(root: Path, previous: dict[str, tuple[int, int, str]]) -> dict[str, tuple]:
    """rel -> (size, mtime_ns, content hash); unchanged stats reuse the previous hash."""
    config, _ = read_config(root)
    out: dict[str, tuple] = {}
    for rel in discover(root, config, []):
        path = root / rel
        try:
            st = path.stat()
        except OSError:
            out[rel] = (-1, -1, "")
            continue
        old = previous.get(rel)
        if old is not None and old[0] == st.st_size and old[1] == st.st_mtime_ns:
            out[rel] = old
            continue
        try:
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        except OSError:
            digest = ""
        out[rel] = (st.st_size, st.st_mtime_ns, digest)
    return out


def _read(path: Path) -> dict | None:
    try:
        with open(path, "rb") as fh:
            data = pickle.load(fh)
        return data if isinstance(data, dict) and data.get("format") == 1 else None
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


def cached_lint(
    root: str | os.PathLike[str], settings: Settings, progress=None
) -> tuple[Graph | None, list[Diagnostic]]:
    """Lint with the cache; returns (graph or None when answered from the cache, diagnostics)."""
    root = Path(root)
    key = cache_key(root, settings)
    cache = _read(root / CACHE_DIR / CACHE_FILE)
    previous = cache["files"] if cache and cache.get("key") == key else {}
    states = file_states(root, previous)
    if cache and cache.get("key") == key and _same_content(states, cache["files"]):
        if states != cache["files"]:  # touched but identical: remember the new stats
            _write(root, {**cache, "files": states})
        return None, list(cache["diagnostics"])
    graph = load_graph(root)
    diagnostics = lint_graph(graph, settings, progress)
    _write(root, {"format": 1, "key": key, "files": states, "diagnostics": diagnostics})
    return graph, diagnostics
