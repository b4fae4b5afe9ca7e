"""Writing the site's files: inside the output folder, atomic, and only when changed.

Like :func:`bmtools.writer.write_bytes` (whose :func:`~bmtools.writer.inside` check it
uses), but without an ``fsync`` per file: a site is thousands of small files that can be
rebuilt at any time, and one ``fsync`` each cost more than the rest of a build. Each file is
still written to a temporary file in its folder and renamed over the old one, so a web
server never serves half a page. A symbolic link at a file's place is replaced, never
written through; a folder on the way that leads outside the output folder is refused.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from bmtools.writer import TEMP_MARK, UnsafePathError, inside, umask

_READ = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def current_bytes(path: Path) -> bytes | None:
    """The bytes of the regular file at ``path`` (None: no file, or a link or other kind)."""
    try:
        fd = os.open(path, _READ)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def write_output(out: Path, rel: str, data: bytes, checked: set[str] | None = None) -> bool:
    """Write ``out/rel`` atomically unless it already holds ``data``; True when written.
    Raises :class:`bmtools.writer.UnsafePathError` for a path leading outside ``out``.
    ``checked``: folders (relative to ``out``) already found to stay inside it."""
    folder = os.path.dirname(rel) or "."
    path = out / rel
    if checked is None or folder not in checked:
        inside(out, folder)
    if os.path.islink(path):
        pass  # replaced below, never written through
    elif current_bytes(path) == data:
        return False
    else:
        inside(out, rel)
    parent = path.parent
    if checked is None or folder not in checked:
        parent.mkdir(parents=True, exist_ok=True)
        if Path(os.path.realpath(parent)) != inside(out, folder):
            raise UnsafePathError(f"{rel}: outside {out}")
        if checked is not None:
            checked.add(folder)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}{TEMP_MARK}{os.getpid()}-", suffix=".tmp", dir=parent
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            os.fchmod(fh.fileno(), 0o666 & ~umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True
