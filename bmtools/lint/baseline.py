"""Baselines: the findings a graph already has are accepted, so that only new ones fail.

A team adopting lint on a graph with years of history writes its findings once
(``--write-baseline FILE``), commits the file, and lints with ``--baseline FILE``. A finding is
known by its rule code, its file (relative to the baseline file's folder) and a fingerprint:
a hash of the code, the file and the text of the line it is on (whitespace collapsed), never
the line number, so lines inserted or removed above it do not wake it. Findings with the
same fingerprint and message in one file are counted (the occurrence counter), so a second
identical finding is new. This is flakehell's baseline key (file, code, line text), the idea
behind GitHub code scanning's ``primaryLocationLineHash``, and phpstan's counted entries.

Matching goes in two passes: first the exact (file, code, fingerprint, message), then what is
left by (file, code, fingerprint) alone: a finding whose message changed on the same line (an
item that lost one of its missing fields) is the same finding, updated, not a new one.

The file is JSON with a version, one finding per line, sorted: it diffs well in git.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bmtools.model import Diagnostic

FORMAT_KEY = "bmtools-baseline"
VERSION = 1
_ENTRY_KEYS = ("code", "count", "file", "fingerprint", "message")
# positions that move when lines are inserted above: "lines 4-11", "line 7", "a.md:12:3"
_LINE_REFS = re.compile(r"\b(lines?) \d+(?:-\d+)?|(\.(?:md|markdown|org)):\d+(?::\d+)?")


class BaselineError(ValueError):
    """A baseline file that cannot be used (a usage error: exit code 2)."""


@dataclass(frozen=True, slots=True, order=True)
class Entry:
    """One known finding (``count`` times the same one in the same file)."""

    file: str
    code: str
    fingerprint: str
    message: str
    count: int = 1

    def to_json(self) -> str:
        data = {k: getattr(self, k) for k in _ENTRY_KEYS}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


@dataclass(slots=True)
class Outcome:
    """What a baseline made of a run's findings."""

    new: list[Diagnostic] = field(default_factory=list)
    accepted: int = 0
    fixed: list[Entry] = field(default_factory=list)  # count = how many of it are gone

    @property
    def fixed_count(self) -> int:
        return sum(e.count for e in self.fixed)


def normalise_text(text: str) -> str:
    """The line's text with whitespace collapsed: re-indenting an outline keeps a match."""
    return " ".join(text.split())


def normalise_message(message: str) -> str:
    """The message without line numbers it may quote (they move with edits above)."""
    return _LINE_REFS.sub(lambda m: f"{m.group(1)} N" if m.group(1) else f"{m.group(2)}:N", message)


def fingerprint(code: str, file: str, line_text: str) -> str:
    """16 hex digits of SHA-256 over the code, the file and the finding's line text."""
    data = "\0".join((code, file, normalise_text(line_text)))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


class LineReader:
    """The text of a finding's line, reading each file once; "" when there is none."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str]] = {}

    def line(self, path: str | None, number: int) -> str:
        if not path or number < 1:
            return ""
        lines = self._lines.get(path)
        if lines is None:
            try:
                data = Path(path).read_bytes()
            except OSError:
                data = b""
            text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
            lines = self._lines[path] = text.splitlines()
        return lines[number - 1] if number <= len(lines) else ""


def _relative(file: str | None, base: Path) -> str:
    """A finding's file (as shown, relative to the working folder) relative to ``base``."""
    if not file:
        return ""
    try:
        rel = os.path.relpath(os.path.abspath(file), base)
    except ValueError:  # another drive (Windows)
        rel = os.path.abspath(file)
    return rel.replace(os.sep, "/")


def entries_for(
    diagnostics: Iterable[Diagnostic], base: Path, reader: LineReader | None = None
) -> list[tuple[Diagnostic, Entry]]:
    """Each finding with the entry that stands for it (count 1), files relative to ``base``."""
    reader = reader or LineReader()
    out = []
    for d in diagnostics:
        file = _relative(d.file, base)
        fp = fingerprint(d.code, file, reader.line(d.file, d.line))
        out.append((d, Entry(file, d.code, fp, normalise_message(d.message))))
    return out


def sarif_fingerprints(diagnostics: Iterable[Diagnostic]) -> list[str]:
    """Per finding, a stable identity for SARIF ``partialFingerprints`` (no line number)."""
    out = []
    counter: Counter = Counter()
    for _, e in entries_for(diagnostics, Path.cwd()):
        key = (e.file, e.code, e.fingerprint, e.message)
        counter[key] += 1
        digest = hashlib.sha256("\0".join(key).encode("utf-8")).hexdigest()[:16]
        out.append(f"{digest}:{counter[key]}")
    return out


def _merge(entries: Iterable[Entry]) -> list[Entry]:
    counts: Counter = Counter()
    for e in entries:
        counts[(e.file, e.code, e.fingerprint, e.message)] += e.count
    return sorted(Entry(*key, count=n) for key, n in counts.items())


def dumps(entries: Iterable[Entry]) -> str:
    """The baseline file's text: versioned, sorted, one finding per line."""
    rows = [e.to_json() for e in _merge(entries)]
    body = ",\n".join(f"    {r}" for r in rows)
    return (
        f'{{\n  "{FORMAT_KEY}": {VERSION},\n  "findings": [\n'
        + (body + "\n" if body else "")
        + "  ]\n}\n"
    )


def load(path: str | os.PathLike[str]) -> list[Entry]:
    """The entries of a baseline file; BaselineError with the reason when it is not one."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(
            f"{path}: no such baseline file (write one with --write-baseline {path})"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        raise BaselineError(f"{path}: cannot read the baseline ({reason})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(
            f"{path}:{exc.lineno}:{exc.colno}: not a bmtools baseline (invalid JSON: {exc.msg})"
        ) from None
    if not isinstance(data, dict) or FORMAT_KEY not in data:
        raise BaselineError(f'{path}: not a bmtools baseline (no "{FORMAT_KEY}" key)')
    if data[FORMAT_KEY] != VERSION:
        raise BaselineError(
            f"{path}: baseline version {data[FORMAT_KEY]!r}; this bmtools reads version "
            f"{VERSION} (write it again with --write-baseline {path})"
        )
    rows = data.get("findings")
    if not isinstance(rows, list):
        raise BaselineError(f'{path}: "findings" must be a list')
    out = []
    for i, row in enumerate(rows, 1):
        if (
            not isinstance(row, dict)
            or not all(isinstance(row.get(k), str) for k in ("file", "code", "fingerprint"))
            or not isinstance(row.get("message", ""), str)
            or not isinstance(row.get("count", 1), int)
            or isinstance(row.get("count", 1), bool)
            or row.get("count", 1) < 1
        ):
            raise BaselineError(
                f"{path}: finding {i} is malformed (it needs file, code and fingerprint "
                "strings, a message and a positive count)"
            )
        out.append(
            Entry(
                row["file"],
                row["code"],
                row["fingerprint"],
                row.get("message", ""),
                row.get("count", 1),
            )
        )
    return out


def apply(
    entries: list[Entry],
    diagnostics: list[Diagnostic],
    base: Path,
    in_scope: Callable[[Entry], bool] = lambda e: True,
) -> Outcome:
    """Split ``diagnostics`` into the new ones and those the baseline accepts; the entries
    in scope (files and rules this run looked at) that matched nothing are the fixed ones."""
    exact: dict[tuple, int] = Counter()
    loose: dict[tuple, int] = Counter()
    for e in entries:
        exact[(e.file, e.code, e.fingerprint, e.message)] += e.count
    found = entries_for(diagnostics, base)
    pending = []
    outcome = Outcome()
    for d, e in found:  # pass 1: the same finding
        key = (e.file, e.code, e.fingerprint, e.message)
        if exact[key] > 0:
            exact[key] -= 1
            outcome.accepted += 1
        else:
            pending.append((d, e))
    for (file, code, fp, _), n in exact.items():
        loose[(file, code, fp)] += n
    for d, e in pending:  # pass 2: the same place, a changed message
        key = (e.file, e.code, e.fingerprint)
        if loose[key] > 0:
            loose[key] -= 1
            outcome.accepted += 1
        else:
            outcome.new.append(d)
    left: dict[tuple, int] = defaultdict(int, loose)
    fixed = []
    for key in sorted(exact):
        n = min(exact[key], left[key[:3]])
        if n > 0:
            left[key[:3]] -= n
            entry = Entry(*key, count=n)
            if in_scope(entry):
                fixed.append(entry)
    outcome.fixed = fixed
    return outcome


def write(
    path: str | os.PathLike[str],
    diagnostics: list[Diagnostic],
    keep: Iterable[Entry] = (),
) -> int:
    """Write the baseline of ``diagnostics`` (plus ``keep``: entries of files and rules this
    run did not look at); returns how many findings it holds."""
    from bmtools.writer import write_text

    base = Path(path).resolve().parent
    entries = [e for _, e in entries_for(diagnostics, base)] + list(keep)
    write_text(path, dumps(entries))
    return sum(e.count for e in entries)


def existing(path: str | os.PathLike[str]) -> list[Entry]:
    """The entries of ``path`` when it is a usable baseline, else none (for rewriting it)."""
    try:
        return load(path)
    except BaselineError:
        return []
