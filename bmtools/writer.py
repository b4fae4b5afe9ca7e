"""Safe writes: atomic (temp file + rename in the same folder) and never outside a root."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class UnsafePathError(Exception):
    """A write would leave the target folder."""


def inside(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path:
    """``path`` resolved under ``root``; raises UnsafePathError if it escapes it."""
    base = Path(root).resolve()
    target = (base / path).resolve()
    if target != base and base not in target.parents:
        raise UnsafePathError(f"{path}: outside {root}")
    return target


def write_bytes(
    path: str | os.PathLike[str], data: bytes, root: str | os.PathLike[str] | None = None
) -> bool:
    """Atomically write ``data``; False (nothing written) when the bytes are unchanged."""
    target = inside(root, path) if root is not None else Path(path)
    try:
        if target.read_bytes() == data:
            return False
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def write_text(
    path: str | os.PathLike[str], text: str, root: str | os.PathLike[str] | None = None
) -> bool:
    return write_bytes(path, text.encode("utf-8"), root)
