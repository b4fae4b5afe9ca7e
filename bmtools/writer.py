"""Safe writes: atomic (temp file + rename in the same folder), never outside a root, never
over bytes that changed since they were read, and with the mode the user's umask gives.

Logseq saves a page while its author types. A write that replaces a page must not lose what
arrived since bmtools read it: callers pass the bytes they read as ``expected``, and the write
is refused (:class:`ChangedOnDiskError`) when the file holds anything else, checked once before
the temp file is written and again, by size, mtime, inode and device, just before the rename.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import tempfile
import time
from pathlib import Path

ANY = object()  # ``expected`` default: replace whatever the file holds
TEMP_MARK = ".bmtools-"  # in the names of our temp files: .NAME.bmtools-PID-XXXX.tmp
STALE_AGE = 600.0  # seconds after which a temp file of an older naming counts as left over


class UnsafePathError(Exception):
    """A write would leave the target folder, or replace something that is not a file."""


class ChangedOnDiskError(Exception):
    """The file changed between reading it and writing it: nothing was written."""

    def __init__(self, path: str | os.PathLike[str]):
        super().__init__(f"{path}: changed on disk while bmtools was working; not written")
        self.path = str(path)


def inside(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path:
    """``path`` resolved under ``root``; raises UnsafePathError if it escapes it."""
    base = Path(root).resolve()
    target = (base / path).resolve()
    if target != base and base not in target.parents:
        raise UnsafePathError(f"{path}: outside {root}")
    return target


@functools.cache
def umask() -> int:
    """The process umask (read without changing it where /proc allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _current(target: Path, follow_links: bool) -> tuple[bytes | None, tuple | None]:
    """The bytes at ``target`` and its stat key; (None, None) when there is no file. A symlink
    with ``follow_links`` off counts as no file (it is replaced, never written through)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        if not follow_links and os.path.islink(target):
            return None, None
        raise UnsafePathError(f"{target}: {exc.strerror}") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafePathError(f"{target}: not a regular file")
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks), _key(st)


def _key(st: os.stat_result) -> tuple:
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)


def _stat_key(target: Path, follow_links: bool) -> tuple | None:
    try:
        st = os.stat(target, follow_symlinks=follow_links)
    except FileNotFoundError:
        return None
    if not follow_links and stat.S_ISLNK(st.st_mode):
        return None
    return _key(st)


_cleaned: set[str] = set()
_OLD_TEMP = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")  # mkstemp names of bmtools before 0.2
_OUR_TEMP = re.compile(r"\..+\.bmtools-(\d+)-[a-z0-9_]+\.tmp")


def clean_stale_temps(folder: Path) -> list[str]:
    """Remove temp files of our own naming that a killed run left in ``folder`` (once per
    folder and process); the names removed. A temp file whose writer still runs is kept."""
    key = str(folder)
    if key in _cleaned:
        return []
    _cleaned.add(key)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    now = time.time()
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(".tmp")):
            continue
        ours = _OUR_TEMP.fullmatch(name)
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if ours:
                if int(ours.group(1)) == os.getpid() or _alive(int(ours.group(1))):
                    continue
            elif not (_OLD_TEMP.fullmatch(name) and now - entry.stat().st_mtime > STALE_AGE):
                continue
            os.unlink(entry.path)
            removed.append(name)
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def write_bytes(
    path: str | os.PathLike[str],
    data: bytes,
    root: str | os.PathLike[str] | None = None,
    *,
    expected: object = ANY,
    follow_links: bool = True,
) -> bool:
    """Atomically write ``data``; False (nothing written) when the bytes are unchanged.

    ``expected``: the bytes the caller read (None: the file must not exist); anything else on
    disk raises :class:`ChangedOnDiskError`. ``follow_links=False``: a symlink at ``path`` is
    replaced by the file, never written or read through."""
    target = inside(root, path) if root is not None else Path(path)
    old, before = _current(target, follow_links)
    if expected is not ANY and old != expected:
        raise ChangedOnDiskError(path)
    if old == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(target.parent)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}{TEMP_MARK}{os.getpid()}-", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            mode = 0o666 & ~umask()
            if before is not None:
                try:
                    mode = os.stat(target).st_mode & 0o7777
                except OSError:
                    pass
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        if expected is not ANY and _stat_key(target, follow_links) != before:
            raise ChangedOnDiskError(path)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def write_text(
    path: str | os.PathLike[str],
    text: str,
    root: str | os.PathLike[str] | None = None,
    *,
    expected: object = ANY,
) -> bool:
    return write_bytes(path, text.encode("utf-8"), root, expected=expected)
