"""Hostile graphs: each test builds a graph the way an attacker (a pull request) or a busy
author (Logseq saving while bmtools writes) would, and checks what bmtools promises in
docs/security.md: no code run and nothing read or written outside the graph, nothing typed
lost, every command done within its bound with a diagnostic naming the file."""

from __future__ import annotations

import json
import os
import pickle
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bmtools.cli import main
from bmtools.lint import Settings, cache, cachefile
from bmtools.loader import load_graph
from bmtools.writer import ChangedOnDiskError, clean_stale_temps, write_bytes
from tests.conftest import write_graph

BOUND = 120  # seconds a command may take on any graph here (all finish in about one)

ITEM = "- [[Beta launch]] #milestone\n  description:: the first paying users\n"


def graph(tmp_path: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """A small graph with a class page, an item and a plain page (plus ``files``)."""
    base = {
        "pages/milestone.md": "page-type:: [[class]]\n\n- A milestone.\n",
        "pages/plan.md": ITEM,
        "pages/notes.md": "- some notes about [[plan]]\n",
    }
    return write_graph(tmp_path / "g", {**base, **(files or {})}, "{:hidden []}\n")


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None):
    """The CLI in a fresh process, killed after BOUND seconds (a hang fails the test)."""
    return subprocess.run(
        [sys.executable, "-c", "from bmtools.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=BOUND,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


COMMANDS = [
    ["lint", "{g}", "--no-cache"],
    ["lint", "{g}"],
    ["graph", "{g}", "--format", "json"],
    ["graph", "{g}", "--format", "dot"],
    ["stats", "{g}"],
    ["show", "{g}", "plan"],
    ["milestones", "{g}"],
    ["metamodel", "{g}"],
    ["render", "{g}", "--check"],
]


def every_command(root: Path) -> list[subprocess.CompletedProcess]:
    out = []
    for args in COMMANDS:
        result = run_cli(*(a.format(g=root) for a in args))
        assert "Traceback" not in result.stderr, (args, result.stderr)
        assert "internal error" not in result.stderr, (args, result.stderr)
        out.append(result)
    return out


# 1. A crafted cache must never run code ------------------------------------------------------


class _Payload:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_crafted_pickle_cache_in_the_graph_runs_nothing(tmp_path):
    """The attack of issue 12: a repository commits .bmtools_cache/lint-v5.pickle."""
    root = graph(tmp_path)
    marker = tmp_path / "pwned"
    blob = pickle.dumps({"format": 5, "key": "x", "payload": _Payload(marker)})
    for folder in (root / ".bmtools_cache", cache.folder_for(root)):
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("lint-v5.pickle", "lint-v5-facts.pickle", cache.CACHE_FILE, cache.FACTS_FILE):
            (folder / name).write_bytes(blob)
    for args in (
        ["lint", str(root)],
        ["lint", str(root), "--cache-dir", str(root / ".bmtools_cache")],
    ):
        result = run_cli(*args)
        assert result.returncode == 1, result.stderr  # the item lacks fields: a normal answer
        assert "BM401" in result.stdout
    assert not marker.exists()


def test_crafted_msgpack_cache_is_a_cold_run(tmp_path):
    """A cache file of the right format but wrong types (or extra fields) is not trusted."""
    import msgspec

    root = graph(tmp_path)
    _, first = cache.cached_lint(root, Settings())
    path = cache.folder_for(root) / cache.CACHE_FILE
    good = msgspec.msgpack.decode(path.read_bytes())
    for bad in (
        {**good, "final": {"pages/plan.md": [["BM999", 5]]}},  # a finding of the wrong shape
        {**good, "extra": "field"},
        {**good, "format": cachefile.FORMAT + 1},
        [good],
    ):
        path.write_bytes(msgspec.msgpack.encode(bad))
        assert cachefile.decode_cache(path.read_bytes()) is None
        graph_read, again = cache.cached_lint(root, Settings())
        assert graph_read is not None  # read in full: a cold run
        assert again == first


def test_cache_round_trips_every_field_of_the_bundled_graph(tmp_path):
    import shutil

    from tests.conftest import BUNDLED_GRAPH

    root = tmp_path / "bundled"
    shutil.copytree(BUNDLED_GRAPH, root)
    (root / "pages" / "fixable.md").write_text("- cafÃ© notes about the launch\n")  # BM205
    _, first = cache.cached_lint(root, Settings(select=["ALL"]))
    folder = cache.folder_for(root)
    data = cachefile.decode_cache((folder / cache.CACHE_FILE).read_bytes())
    assert data is not None and cachefile.decode_cache(cachefile.encode_cache(data)) == data
    token, facts = cachefile.decode_facts((folder / cache.FACTS_FILE).read_bytes())
    assert token == data["facts_id"] and len(facts) > 20
    _, second = cache.cached_lint(root, Settings(select=["ALL"]))
    assert second == first and any(d.fix is not None for d in first)
    means = [d.fix.means for d in first if d.fix is not None]
    assert [d.fix.means for d in second if d.fix is not None] == means  # not part of ==


def test_cache_schema_names_every_model_field():
    """The cache spells the model's dataclasses out as tuples: a new field must be added there."""
    assert cachefile.model_fields() == {
        "Diagnostic": tuple(cachefile.DIAGNOSTIC_FIELDS),
        "Property": ("key", "raw_key", "raw", "value", "line", "col", "refs"),
        "Ref": ("kind", "target", "text", "line", "col", "property"),
        "Fix": ("edits", "applicability", "title", "means"),
        "Edit": ("file", "start_offset", "end_offset", "replacement"),
        "Means": ("substitutes", "refs_added", "refs_removed", "properties", "property_refs"),
    }


def test_cache_lives_outside_the_graph_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("BMTOOLS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = graph(tmp_path)
    result = CliRunner().invoke(main, ["lint", str(root)])
    assert result.exit_code == 1
    assert not (root / ".bmtools_cache").exists()
    assert list((tmp_path / "xdg" / "bmtools" / "lint").iterdir())
    chosen = tmp_path / "ci-cache"
    CliRunner().invoke(main, ["lint", str(root), "--cache-dir", str(chosen)])
    assert (cache.folder_for(root, chosen) / cache.CACHE_FILE).is_file()


# 2. The cache never writes through a link ---------------------------------------------------


def test_cache_folder_that_is_a_symlink_is_not_used(tmp_path):
    root = graph(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    base = tmp_path / "cachebase"
    folder = cache.folder_for(root, base)
    folder.parent.mkdir(parents=True)
    folder.symlink_to(outside, target_is_directory=True)
    result = run_cli("lint", str(root), "--cache-dir", str(base), "-v")
    assert result.returncode == 1 and "BM401" in result.stdout
    assert "is a symbolic link" in result.stderr
    assert list(outside.iterdir()) == []
    base2 = tmp_path / "linked-base"
    base2.symlink_to(outside, target_is_directory=True)
    run_cli("lint", str(root), "--cache-dir", str(base2))
    assert list(outside.iterdir()) == []


def test_cache_files_that_are_symlinks_are_replaced_not_written_through(tmp_path):
    root = graph(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    folder = cache.folder_for(root, tmp_path / "c")
    folder.mkdir(parents=True)
    for name in (".gitignore", "CACHEDIR.TAG", cache.CACHE_FILE, cache.FACTS_FILE):
        (folder / name).symlink_to(victim)
    result = run_cli("lint", str(root), "--cache-dir", str(tmp_path / "c"))
    assert result.returncode == 1
    assert victim.read_text() == "precious\n"
    assert not (folder / cache.CACHE_FILE).is_symlink()
    assert cachefile.decode_cache((folder / cache.CACHE_FILE).read_bytes()) is not None


def test_old_in_graph_cache_folder_is_never_written(tmp_path):
    """`.bmtools_cache/.gitignore -> outside` was overwritten with `*` before."""
    root = graph(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (root / ".bmtools_cache").mkdir()
    (root / ".bmtools_cache" / ".gitignore").symlink_to(victim)
    run_cli("lint", str(root))
    assert victim.read_text() == "precious\n"


# 6. FIFOs and devices never hang a command ---------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_fifo_page_hangs_no_command(tmp_path):
    root = graph(tmp_path)
    os.mkfifo(root / "pages" / "fifo.md")
    os.mkfifo(root / "logseq" / "custom.css")  # not a page: never opened either
    for result in every_command(root):
        assert result.returncode in (0, 1), result.stderr
    lint = run_cli("lint", str(root), "--no-cache", "--format", "json")
    found = {(d["code"], Path(d["filename"]).name) for d in json.loads(lint.stdout)}
    assert ("BM009", "fifo.md") in found


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_fifo_config_and_settings_hang_nothing(tmp_path):
    root = graph(tmp_path)
    (root / "logseq" / "config.edn").unlink()
    os.mkfifo(root / "logseq" / "config.edn")
    os.mkfifo(root / "bmtools.toml")
    result = run_cli("lint", str(root), "--no-cache")
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    if result.returncode == 2:  # read as settings: an error naming the file
        assert "bmtools.toml" in result.stderr and "named pipe" in result.stderr
    (root / "bmtools.toml").unlink()
    result = run_cli("lint", str(root), "--no-cache")
    assert result.returncode == 1 and "BM030" in result.stdout  # config.edn: a diagnostic


def test_link_to_dev_zero_is_not_read(tmp_path):
    root = graph(tmp_path)
    (root / "pages" / "zero.md").symlink_to("/dev/zero")
    for result in every_command(root):
        assert result.returncode in (0, 1), result.stderr
    lint = run_cli("lint", str(root), "--no-cache")
    assert "zero.md: BM008" in lint.stdout


def test_link_to_a_device_inside_a_trusted_setup_is_still_not_read(tmp_path):
    """With links out allowed by the user, a device is still no page (BM009), and a file that
    grows past the bound while read is cut (the bound holds while reading)."""
    root = graph(tmp_path)
    (root / "pages" / "zero.md").symlink_to("/dev/zero")
    result = run_cli("lint", str(root), "--no-cache", env={"BMTOOLS_FOLLOW_OUTSIDE_LINKS": "1"})
    assert result.returncode == 1 and "zero.md: BM009" in result.stdout


def test_read_bound_holds_while_reading(tmp_path, monkeypatch):
    from bmtools import loader, safeio

    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 1000)
    root = graph(tmp_path, {"pages/big.md": "- x\n" * 1000})
    real_fstat = os.fstat

    def lying_fstat(fd):  # a file that says it is small, then grows while read
        st = real_fstat(fd)
        if stat.S_ISREG(st.st_mode) and st.st_size == 4000:
            return os.stat_result((st.st_mode, *st[1:6], 10, *st[7:]))
        return st

    monkeypatch.setattr(safeio.os, "fstat", lying_fstat)
    g = load_graph(root)
    assert [(d.code, d.file) for d in g.diagnostics if d.code == "BM003"] == [
        ("BM003", "pages/big.md")
    ]


# 8. Links out of the graph are not followed --------------------------------------------------


def test_page_linked_to_etc_passwd_is_not_loaded_or_exported(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("- root:x:0:0:the secret\n")
    root = graph(tmp_path)
    (root / "pages" / "passwd.md").symlink_to(secret)
    outside_dir = tmp_path / "elsewhere"
    outside_dir.mkdir()
    (outside_dir / "leak.md").write_text("- another secret\n")
    (root / "pages" / "shared").symlink_to(outside_dir, target_is_directory=True)
    inside = root / "pages" / "alias-of-notes.md"
    inside.symlink_to(root / "pages" / "notes.md")  # a link inside the graph is fine
    g = load_graph(root)
    assert "passwd" not in g.pages and "leak" not in g.pages and "alias-of-notes" in g.pages
    found = {(d.code, d.file) for d in g.diagnostics}
    assert {("BM008", "pages/passwd.md"), ("BM008", "pages/shared")} <= found
    for result in every_command(root):
        assert "secret" not in result.stdout, result.args
    fix = run_cli("lint", str(root), "--fix", "--unsafe-fixes", "--no-cache")
    assert "Traceback" not in fix.stderr and "internal error" not in fix.stderr
    assert secret.read_text() == "- root:x:0:0:the secret\n"


def test_config_edn_linked_out_of_the_graph_is_not_read(tmp_path):
    secret = tmp_path / "secret.edn"
    secret.write_text('{:hidden ["pages"] :secret "s3cr3t"}\n')
    root = graph(tmp_path)
    (root / "logseq" / "config.edn").unlink()
    (root / "logseq" / "config.edn").symlink_to(secret)
    g = load_graph(root)
    assert "plan" in g.pages  # the outside config (hiding pages/) was not applied
    assert any(d.code == "BM030" and "outside the graph" in d.message for d in g.diagnostics)


# 4. An author typing while bmtools writes loses nothing --------------------------------------


class Typist:
    """Appends a line to a page every ``pause`` seconds (100 saves a second by default, far
    more often than Logseq saves while one types)."""

    def __init__(self, path: Path, prefix: str, pause: float = 0.01):
        self.path, self.prefix, self.pause = path, prefix, pause
        self.typed: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        n = 0
        deadline = time.monotonic() + BOUND
        while not self.stop.is_set() and time.monotonic() < deadline:
            line = f"- {self.prefix} typed line {n}\n"
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(line)
            self.typed.append(line)
            n += 1
            time.sleep(self.pause)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def test_lint_fix_never_loses_what_an_author_types(tmp_path):
    pages = {f"pages/p{i}.md": f"- page {i}: cafÃ© notes about [[plan]]\n" for i in range(40)}
    root = graph(tmp_path, pages)
    typed_pages = [root / f"pages/p{i}.md" for i in range(0, 40, 4)]
    typists = [Typist(p, p.stem) for p in typed_pages]
    for _round in range(3):
        for t in typists:
            t.stop.clear()
            t.thread = threading.Thread(target=t.run, daemon=True)
            t.thread.start()
        try:
            result = run_cli("lint", str(root), "--fix", "--unsafe-fixes", "--no-cache")
        finally:
            for t in typists:
                t.stop.set()
                t.thread.join()
        assert "Traceback" not in result.stderr
    for t in typists:
        text = t.path.read_text(encoding="utf-8")
        assert all(line in text for line in t.typed), f"{t.path.name} lost typed lines"
        assert len(t.typed) > 10
    fixed = [p for p in (root / "pages").glob("p*.md") if "café" in p.read_text()]
    assert len(fixed) >= 30  # the pages nobody typed in were fixed: writes did happen


def test_render_never_loses_what_an_author_types(tmp_path):
    """`render` re-plans a page that changed under it instead of writing over the change."""
    import shutil

    from tests.conftest import BUNDLED_GRAPH

    root = tmp_path / "bundled"
    shutil.copytree(BUNDLED_GRAPH, root)
    cls = root / "pages" / "milestone.md"
    info = root / "pages" / "milestones___info.md"
    typists = [Typist(cls, "class"), Typist(info, "info")]
    said = "What will be true when the milestone is reached, in one or two sentences."
    for n in range(4):  # each round changes a field's description: both pages are re-rendered
        text = cls.read_text(encoding="utf-8")
        new = f"What is true once the milestone is reached (round {n})."
        cls.write_text(text.replace(said, new), encoding="utf-8")
        said = new
        for t in typists:
            t.stop.clear()
            t.thread = threading.Thread(target=t.run, daemon=True)
            t.thread.start()
        try:
            result = run_cli("render", str(root))
        finally:
            for t in typists:
                t.stop.set()
                t.thread.join()
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
        assert "updated pages/milestone.md" in result.stdout or "not written" in result.stderr
    for t in typists:
        text = t.path.read_text(encoding="utf-8")
        assert all(line in text for line in t.typed), f"{t.path.name} lost typed lines"
        assert len(t.typed) > 10
    assert run_cli("render", str(root)).returncode == 0  # the author stopped: it is written
    check = run_cli("render", str(root), "--check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_write_refuses_bytes_it_did_not_read(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("- old\n")
    with pytest.raises(ChangedOnDiskError):
        write_bytes(page, b"- new\n", expected=b"- older\n")
    assert page.read_text() == "- old\n"
    assert write_bytes(page, b"- new\n", expected=b"- old\n")
    with pytest.raises(ChangedOnDiskError):  # expected=None: the file must not exist
        write_bytes(page, b"- other\n", expected=None)
    assert page.read_text() == "- new\n"


# 10. Modes and left-over temp files ----------------------------------------------------------


def test_new_files_take_the_umask_mode(tmp_path):
    old = os.umask(0o022)
    try:
        from bmtools import writer

        writer.umask.cache_clear()
        target = tmp_path / "out.json"
        write_bytes(target, b"{}")
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        os.chmod(target, 0o664)  # an existing file keeps its mode
        write_bytes(target, b"[]")
        assert stat.S_IMODE(target.stat().st_mode) == 0o664
        root = graph(tmp_path)
        out = tmp_path / "graph.json"
        assert run_cli("graph", str(root), "-o", str(out)).returncode == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
    finally:
        os.umask(old)
        writer.umask.cache_clear()


def test_temp_files_left_by_a_killed_write_are_cleaned_and_never_pages(tmp_path):
    root = graph(tmp_path)
    pages = root / "pages"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    left = pages / f".plan.md.bmtools-{dead}-abc123.tmp"
    left.write_text("- half a page\n")
    live = pages / f".notes.md.bmtools-{os.getpid()}-xyz.tmp"  # a write still running
    live.write_text("- being written\n")
    g = load_graph(root)
    assert not any("half a page" in p.source for p in g.pages.values())
    assert {p.file for p in g.pages.values() if p.file} == {
        "pages/milestone.md", "pages/plan.md", "pages/notes.md"
    }  # fmt: skip
    from bmtools import writer

    writer._cleaned.discard(str(pages))
    assert clean_stale_temps(pages) == [left.name]
    assert live.exists() and not left.exists()


# 9. Names: crashes become diagnostics ------------------------------------------------------


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse such names")
def test_file_name_not_utf8_is_a_diagnostic_and_exports_still_work(tmp_path):
    root = graph(tmp_path)
    bad = os.path.join(os.fsencode(root / "pages"), b"caf\xe9.md")
    with open(bad, "wb") as fh:
        fh.write(b"- about [[plan]]\n")
    for fmt in ("json", "dot", "graphml", "gexf"):
        result = subprocess.run(
            [sys.executable, "-c", "from bmtools.cli import main; main()", "graph", str(root),
             "--format", fmt],
            capture_output=True, timeout=BOUND,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert b"caf" in result.stdout
        result.stdout.decode("utf-8")  # valid UTF-8 output, whatever the file name
    data = json.loads(run_cli("graph", str(root), "--format", "json").stdout)
    assert any("caf\ufffd" in json.dumps(n, ensure_ascii=False) for n in data["nodes"])
    lint = run_cli("lint", str(root), "--no-cache")
    assert "BM022" in lint.stdout and "Traceback" not in lint.stderr


BAD_NAMES = [
    "two\nlines",
    "ends]] here",
    "a {{ x }} macro",
    "x" * 300,  # longer than a file name may be
    "../outside",
    "",
]


@pytest.mark.parametrize(
    "name", BAD_NAMES, ids=["newline", "brackets", "macro", "long", "up", "empty"]
)
def test_new_page_names_are_checked_by_every_command(tmp_path, name):
    import shutil

    from tests.conftest import BUNDLED_GRAPH

    root = tmp_path / "bundled"
    shutil.copytree(BUNDLED_GRAPH, root)
    before = sorted(p.name for p in (root / "pages").iterdir())
    runs = [
        ["new", "artifact", name, "--graph", str(root)],
        ["new", "class", name, "--graph", str(root)],
        ["new", "example", "milestones", name, "--graph", str(root)],
        ["milestones", str(root), "--write-page", name],
    ]
    for args in runs:
        result = CliRunner().invoke(main, args)
        assert result.exit_code != 0, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert "page name" in result.output, (args, result.output)
        assert "internal error" not in result.output
    assert sorted(p.name for p in (root / "pages").iterdir()) == before  # nothing created
