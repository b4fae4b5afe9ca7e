"""Reading files of an untrusted graph: regular files only, bounded, never through a link
that leaves the graph.

A pull request can turn any page into a named pipe (every read blocks), a link to
``/dev/zero`` (every read grows until the kernel kills the process) or a link to
``/etc/passwd`` (its text would be shown and exported as a page). Each reader of graph files
goes through :func:`read_regular` and each walker through :func:`escapes`.
"""

from __future__ import annotations

import errno
import os
import stat

FOLLOW_OUTSIDE_ENV = "BMTOOLS_FOLLOW_OUTSIDE_LINKS"  # "1": the user trusts links out of the graph
MAX_TOML_BYTES = 1024 * 1024  # bmtools.toml, pyproject.toml
_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)  # a FIFO opens at once


class NotRegularFileError(OSError):
    """A FIFO, device, socket or folder where a file was expected."""

    def __init__(self, path: str, mode: int):
        kind = (
            "a named pipe"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "a folder"
            if stat.S_ISDIR(mode)
            else "not a regular file"
        )
        super().__init__(errno.EINVAL, f"{kind}, not a regular file", path)
        self.kind = kind


class TooLargeError(OSError):
    """More bytes than the bound allows (measured while reading, not only from st_size)."""

    def __init__(self, path: str, size: int):
        super().__init__(errno.EFBIG, f"larger than the bound ({size} bytes or more)", path)
        self.size = size


def read_regular(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``max_bytes`` of them.

    Raises :class:`NotRegularFileError`, :class:`TooLargeError` or another OSError."""
    fd = os.open(path, _FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFileError(os.fspath(path), st.st_mode)
        if st.st_size > max_bytes:
            raise TooLargeError(os.fspath(path), st.st_size)
        chunks = []
        left = max_bytes + 1  # one byte more tells a file that grew past the bound
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 22))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > max_bytes:
            raise TooLargeError(os.fspath(path), len(data))
        return data
    finally:
        os.close(fd)


def follow_outside() -> bool:
    """Whether the user (never the graph) allowed links that leave the graph."""
    return os.environ.get(FOLLOW_OUTSIDE_ENV) == "1"


def escapes(root_real: str, path: str) -> str | None:
    """Where ``path`` really leads when that is outside ``root_real`` (a realpath); else None."""
    real = os.path.realpath(path)
    if real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep):
        return None
    return real


def read_graph_file(root: str | os.PathLike[str], rel: str, max_bytes: int) -> bytes:
    """The bytes of ``rel`` in the graph at ``root``: a regular file, inside the graph (unless
    the user allowed links out), at most ``max_bytes``. Raises OSError (FileNotFoundError when
    there is no such file; :class:`OutsideGraphError` for a link out)."""
    path = os.path.join(root, rel)
    if not follow_outside():
        where = escapes(os.path.realpath(root), path)
        if where is not None and os.path.lexists(path):
            raise OutsideGraphError(rel)
    return read_regular(path, max_bytes)


class OutsideGraphError(OSError):
    """A link that leads out of the graph, not followed."""

    def __init__(self, path: str):
        super().__init__(errno.ELOOP, "a symbolic link to outside the graph: not followed", path)
