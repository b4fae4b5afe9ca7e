"""Writing the site's files: inside the output folder, atomic, and only when changed.

Like :func:`bmtools.writer.write_bytes` (whose :func:`~bmtools.writer.inside` check it
uses), but without an ``fsync`` per file: a site is thousands of small files that can be
rebuilt at any time, and one ``fsync`` each cost more than the rest of a build. Each file is
still written to a temporary file in its folder and renamed over the old one, so a web
server never serves half a page. A symbolic link at a file's place is replaced, never
written through; a folder on the way that leads outside the output folder is refused.
"""

from __future__ import annotations

import itertools
import os
import stat
from pathlib import Path

from bmtools.writer import TEMP_MARK, UnsafePathError, inside

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


_CREATE = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_serial = itertools.count()


def write_output(out: Path, rel: str, data: bytes, checked: set[str] | None = None) -> bool:
    """Write ``out/rel`` atomically unless it already holds ``data``; True when written.
    Raises :class:`bmtools.writer.UnsafePathError` for a path leading outside ``out``.
    ``checked``: folders (relative to ``out``) already found to stay inside it.

    Once its folder is found inside ``out``, a file there needs no check of its own: it is
    read without following a link (a link at its place reads as no file) and the new bytes
    are renamed over whatever is there, a link included, never written through it."""
    folder, name = os.path.split(rel)
    folder = folder or "."
    if name in ("", ".", ".."):
        raise UnsafePathError(f"{rel}: not a file name")
    parent = out / folder
    if checked is None or folder not in checked:
        inside(out, folder)
        parent.mkdir(parents=True, exist_ok=True)
        if Path(os.path.realpath(parent)) != inside(out, folder):
            raise UnsafePathError(f"{rel}: outside {out}")
        if checked is not None:
            checked.add(folder)
    path = os.path.join(parent, name)
    if current_bytes(path) == data:
        return False
    replace_file(str(parent), name, data)
    return True


def replace_file(folder: str, name: str, data: bytes) -> None:
    """``folder/name`` replaced by ``data``: a temporary file of ours in the folder, renamed
    over it (a reader sees the old bytes or the new ones; a link there is replaced, not
    followed). No fsync: what bmtools site writes can always be written again."""
    while True:  # a temporary name of our own (TEMP_MARK), new to the folder
        tmp = os.path.join(folder, f".{name}{TEMP_MARK}{os.getpid()}-{next(_serial)}.tmp")
        try:
            fd = os.open(tmp, _CREATE, 0o666)  # the mode the umask gives, as for any new file
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, os.path.join(folder, name))
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
