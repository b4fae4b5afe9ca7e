"""``bmtools site --serve`` on the loopback address: serves the site, nothing outside it, and
rebuilds after an edit. Every request loop here is bounded in count and time."""

from __future__ import annotations

import datetime as dt
import http.client
import threading
import time

import bmtools
from bmtools.site import build_site
from bmtools.site.serve import HOST, serve_site
from tests.conftest import write_graph

PUBLIC = "{:publishing/all-pages-public? true}\n"
MAX_REQUESTS = 60
DEADLINE = 30.0  # seconds for the whole test, at most


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_serve_rebuild_and_confinement(tmp_path):
    root = write_graph(tmp_path / "g", {"pages/a.md": "- first text\n"}, PUBLIC)
    out = tmp_path / "out"
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the web")

    def rebuild() -> str:
        result = build_site(bmtools.load_graph(root), out, today=dt.date(2026, 11, 22))
        return result.summary()

    rebuild()
    (out / "leak.txt").symlink_to(secret)
    stop = threading.Event()
    ready = threading.Event()
    port_box: list[int] = []
    log: list[str] = []

    def on_ready(port: int) -> None:
        port_box.append(port)
        ready.set()

    thread = threading.Thread(
        target=serve_site,
        args=(out, root, rebuild),
        kwargs={"port": 0, "echo": log.append, "poll": 0.1, "stop": stop, "ready": on_ready},
        daemon=True,
    )
    thread.start()
    try:
        assert ready.wait(10)
        port = port_box[0]
        status, body = get(port, "/p/a.html")
        assert status == 200 and b"first text" in body
        assert get(port, "/")[0] == 200
        for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/leak.txt", "/p/"):
            status, body = get(port, path)
            assert status == 404 and b"not for the web" not in body, path
        time.sleep(0.05)
        (root / "pages" / "a.md").write_text("- second text\n")
        requests = 0
        started = time.monotonic()
        while requests < MAX_REQUESTS and time.monotonic() - started < DEADLINE:
            requests += 1
            status, body = get(port, "/p/a.html")
            if b"second text" in body and len(log) >= 2:  # the rebuild said what it wrote
                break
            time.sleep(0.2)
        assert b"second text" in body, log
        assert "written" in log[1], log
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert log[0].startswith(f"serving {out} at http://127.0.0.1:")
