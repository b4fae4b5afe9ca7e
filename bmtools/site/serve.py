"""``bmtools site --serve``: the built site on 127.0.0.1, rebuilt when the graph changes.

For previewing only: :mod:`http.server` bound to the loopback address, serving files of the
output folder and nothing else (no directory listings, no file reached through a link out
of the folder). A watcher polls the graph's files (size and modification time) and rebuilds
when one changed, was added or was removed; the rebuild writes only what changed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"


class _Handler(SimpleHTTPRequestHandler):
    """Files of the site folder; nothing outside it, no listings, no request log."""

    def translate_path(self, path: str) -> str:
        local = super().translate_path(path)
        root = os.path.realpath(self.directory)
        real = os.path.realpath(local)
        if real != root and not real.startswith(root + os.sep):
            return os.path.join(root, ".bmtools-refused", "missing")  # a 404
        return local

    def list_directory(self, path):  # type: ignore[override]
        self.send_error(404, "No listing")
        return None

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def snapshot(root: str | os.PathLike[str], skip: str | None = None) -> dict[str, tuple]:
    """(size, mtime) of every file of the graph (hidden folders and ``skip`` left out)."""
    out = {}
    skip_real = os.path.realpath(skip) if skip else None
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [
            d
            for d in dirnames
            if not d.startswith(".")
            and d not in ("bak", "version-files")
            and os.path.realpath(os.path.join(dirpath, d)) != skip_real
        ]
        for fn in filenames:
            path = os.path.join(dirpath, fn)
            try:
                st = os.stat(path)
            except OSError:
                continue
            out[path] = (st.st_size, st.st_mtime_ns)
    return out


def make_server(out: str | os.PathLike[str], port: int = 8000) -> ThreadingHTTPServer:
    """A server of the folder ``out`` on 127.0.0.1 (``port`` 0: any free port)."""
    handler = partial(_Handler, directory=str(Path(out).resolve()))
    server = ThreadingHTTPServer((HOST, port), handler)
    server.daemon_threads = True
    return server


def serve_site(
    out: str | os.PathLike[str],
    graph_root: str | os.PathLike[str],
    rebuild: Callable[[], str],
    *,
    port: int = 8000,
    echo: Callable[[str], None] = print,
    poll: float = 1.0,
    stop: threading.Event | None = None,
    ready: Callable[[int], None] | None = None,
) -> None:
    """Serve ``out`` until ``stop`` is set (or Ctrl-C), rebuilding when the graph changes."""
    stop = stop or threading.Event()
    server = make_server(out, port)
    actual = server.server_address[1]
    echo(f"serving {out} at http://{HOST}:{actual}/ (Ctrl-C stops)")

    def watch() -> None:
        seen = snapshot(graph_root, out)
        while not stop.wait(poll):
            now = snapshot(graph_root, out)
            if now != seen:
                seen = now
                try:
                    echo(rebuild())
                except Exception as exc:  # a broken edit must not stop the preview
                    echo(f"bmtools site: rebuild failed: {type(exc).__name__}: {exc}")

    watcher = threading.Thread(target=watch, name="bmtools-site-watch", daemon=True)
    watcher.start()
    server_thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
    )
    server_thread.start()
    if ready is not None:
        ready(actual)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        watcher.join(timeout=poll + 5)
