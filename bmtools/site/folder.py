"""The output folder: bmtools's only when it holds the marker file, written atomically, never
through a link out of it, emptied only when it holds nothing but what bmtools wrote there.

The output folder is bmtools's only when it holds the marker file :data:`MARKER` (written on
the first build, with the list of files written): a folder that is not empty and has no
marker is refused, so a typo in ``-o`` never mixes the site into someone's files. Each file
is written atomically and compared first (a file whose bytes are unchanged is not written,
so its modification time stays; :func:`bmtools.site.output.write_output`), and refused when
it would land outside the folder (a symbolic link to elsewhere inside it). Files a previous
build wrote that this build does not make are removed, and only those.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from bmtools.site.output import write_output
from bmtools.writer import UnsafePathError, inside

MARKER = ".bmtools-site.json"


class SiteError(Exception):
    """A build that cannot go on (exit code ``code``)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


@dataclass(slots=True)
class BuildResult:
    out: str
    pages: int = 0
    files: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    how: str = ""  # what the build read and rendered, and why (for --verbose and benchmarks)

    def summary(self) -> str:
        unchanged = self.files - len(self.written)
        return (
            f"{self.pages} pages, {self.files} files: {len(self.written)} written, "
            f"{unchanged} unchanged, {len(self.removed)} removed"
        )


def read_marker(out: Path) -> set[str] | None:
    """The files the last build wrote, or None when ``out`` holds no marker."""
    marker = out / MARKER
    if not marker.is_file() or marker.is_symlink():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        return {str(f) for f in data.get("files", [])}
    except (OSError, ValueError, AttributeError):
        return set()


def check_output(out: Path) -> set[str]:
    """The files of the previous build; SiteError when ``out`` is not ours to write."""
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out}: not a folder")
    if not out.exists():
        return set()
    previous = read_marker(out)
    if previous is None:
        if any(out.iterdir()):
            raise SiteError(
                f"{out}: the folder is not empty and was not written by bmtools site "
                f"(no {MARKER} file); choose an empty or new folder"
            )
        return set()
    return previous


def remove_file(out: Path, rel: str) -> bool:
    """Remove a file of a previous build, never through a link out of ``out``."""
    try:
        target = inside(out, rel)
    except UnsafePathError:
        return False
    path = out / rel
    if path.is_symlink() or not path.is_file() or Path(os.path.realpath(path)) != target:
        return False
    try:
        path.unlink()
    except OSError:
        return False
    parent = path.parent
    while parent != out and parent.is_dir() and not parent.is_symlink():
        try:
            parent.rmdir()  # only when empty
        except OSError:
            break
        parent = parent.parent
    return True


def clean_output(out: Path) -> list[str]:
    """Empty ``out`` for a fresh build, only when it holds nothing but what bmtools wrote."""
    previous = read_marker(out)
    if previous is None:
        if out.exists() and any(out.iterdir()):
            raise SiteError(f"{out}: not written by bmtools site (no {MARKER}); not emptied")
        return []
    foreign = []
    for dirpath, dirnames, filenames in os.walk(out):
        for fn in filenames:
            rel = os.path.relpath(os.path.join(dirpath, fn), out).replace(os.sep, "/")
            if rel != MARKER and rel not in previous:
                foreign.append(rel)
        for dn in dirnames:
            if os.path.islink(os.path.join(dirpath, dn)):
                foreign.append(os.path.relpath(os.path.join(dirpath, dn), out))
    if foreign:
        raise SiteError(
            f"{out}: holds files bmtools site did not write ({', '.join(sorted(foreign)[:3])}"
            f"{' …' if len(foreign) > 3 else ''}); not emptied"
        )
    removed = [rel for rel in sorted(previous) if remove_file(out, rel)]
    return removed


def read_state(out: Path) -> dict:
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def check_folders(out: Path, paths, verified: set[str]) -> None:
    """Every folder of ``paths`` stays inside ``out`` (one that is a symbolic link is resolved;
    another is inside when its parent is); the folders found inside go to ``verified``."""
    for folder in sorted({rel.rpartition("/")[0] for rel in paths} - {""} - verified):
        parent = folder.rpartition("/")[0]
        if (not parent or parent in verified) and not os.path.islink(out / folder):
            verified.add(folder)
            continue
        try:
            inside(out, folder)  # a folder that leads out of the site: nothing is written
        except UnsafePathError as exc:
            raise SiteError(f"{out}: refusing to write into {folder}: {exc}") from exc
        verified.add(folder)


def prepare(
    out: Path, planned: set[str], previous: set[str], state: dict, verified: set[str]
) -> None:
    """Before the first page is written: every folder checked, and the marker naming every
    file this build may write (so that an interrupted build leaves a folder that is ours)."""
    out.mkdir(parents=True, exist_ok=True)
    check_folders(out, planned, verified)
    marker = dict(state, generator="bmtools site", files=sorted(previous | planned), build="")
    write_output(out, MARKER, _marker_json(marker))


def write_all(
    out: Path,
    outputs: dict[str, bytes | None],
    previous: set[str],
    build: str,
    result: BuildResult,
    folders: tuple[set[str], set[str]],
) -> None:
    """Write the files of ``outputs`` (None: kept as they are), remove the files of the
    ``previous`` build it does not make, and write the marker naming ``build`` and them.
    ``folders``: the folders found inside ``out`` and those made already (see prepare)."""
    verified, checked = folders
    check_folders(out, outputs, verified)
    for rel, data in sorted(outputs.items()):
        if data is None:
            continue
        try:
            if write_output(out, rel, data, checked):
                result.written.append(rel)
        except UnsafePathError as exc:
            raise SiteError(f"{out}: refusing to write {rel}: {exc}") from exc
    kept = set(outputs)
    for rel in sorted(previous - kept):
        if remove_file(out, rel):
            result.removed.append(rel)
    result.files = len(outputs)
    state = {
        "generator": "bmtools site",
        "build": build,
        "files": sorted(kept),
        "digest": hashlib.sha1("\n".join(sorted(kept)).encode()).hexdigest(),
    }
    write_output(out, MARKER, _marker_json(state))


def _marker_json(state: dict) -> bytes:
    """The marker file: JSON, one file name a line (without ``indent``, the json module
    encodes in C: the names of 10k pages in a few milliseconds)."""
    return json.dumps(state, ensure_ascii=False, separators=(",\n ", ": ")).encode("utf-8")
