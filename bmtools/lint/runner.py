"""Linting paths the way the command line does: find graph roots, read their configuration,
lint, apply or show fixes. The CLI only parses options and renders what this returns."""

from __future__ import annotations

import difflib
import os
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from bmtools.lint.engine import lint_graph, sort_key
from bmtools.lint.fix import apply_edits, verified_edits
from bmtools.lint.settings import Settings, load_settings
from bmtools.loader import load_graph
from bmtools.model import Diagnostic, Graph
from bmtools.writer import ChangedOnDiskError, UnsafePathError, write_text

ROOT_MARKERS = ("logseq", "pages", "journals")


@dataclass(slots=True)
class LintResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)  # paths relative to the cwd
    diffs: list[str] = field(default_factory=list)
    fixed: int = 0
    files_checked: int = 0
    refused: list[str] = field(default_factory=list)  # why a file's fixes were not written


def find_root(path: str | os.PathLike[str]) -> tuple[Path, str | None]:
    """(graph root, file relative to it or None) for a path given on the command line."""
    p = Path(path).resolve()
    if not p.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    start = p if p.is_dir() else p.parent
    for candidate in [start, *start.parents]:
        if any((candidate / m).is_dir() for m in ROOT_MARKERS):
            root = candidate
            break
    else:
        root = start
    if p.is_dir():
        rel = p.relative_to(root).as_posix()
        return root, (None if rel == "." else rel + "/")
    return root, p.relative_to(root).as_posix()


def _display(root: Path, file: str | None) -> str | None:
    if file is None:
        return None
    full = os.path.join(root, file)
    try:
        rel = os.path.relpath(full, os.getcwd())
    except ValueError:
        return str(full)
    return rel.replace(os.sep, "/")


def _in_scope(d: Diagnostic, scopes: list[str] | None) -> bool:
    if scopes is None:
        return True
    f = d.file or ""
    return any(f == s or (s.endswith("/") and f.startswith(s)) for s in scopes)


def lint_root(
    root: Path,
    settings: Settings,
    use_cache: bool = True,
    progress=None,
    log=None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> tuple[Graph | None, list[Diagnostic]]:
    """Lint the graph at ``root``; with the cache, unchanged graphs are not re-read.
    ``log(line)`` hears how the cache answered; ``cache_dir`` is where caches live."""
    if use_cache:
        from bmtools.lint.cache import cached_lint

        return cached_lint(root, settings, progress, log, cache_dir)
    graph = load_graph(root)
    return graph, lint_graph(graph, settings, progress)


def fixes_by_file(diags: list[Diagnostic], unsafe: bool) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for d in diags:
        if d.fix is not None and d.fix.applies(unsafe):
            for e in d.fix.edits:
                out[e.file].append(e)
    return out


def run(
    paths: list[str],
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    extend_select: list[str] | None = None,
    fix: bool = False,
    unsafe_fixes: bool = False,
    diff: bool = False,
    use_cache: bool = True,
    progress=None,
    log=None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> LintResult:
    groups: dict[Path, list[str] | None] = {}
    for path in paths or ["."]:
        root, scope = find_root(path)
        if scope is None:
            groups[root] = None
        elif root not in groups or groups[root] is not None:
            groups.setdefault(root, []).append(scope)
    result = LintResult()
    for root, scopes in groups.items():
        settings = load_settings(root).with_overrides(select, ignore, extend_select)
        settings.validate()
        graph, diags = lint_root(
            root, settings, use_cache and not (fix or diff), progress, log, cache_dir
        )
        diags = [d for d in diags if _in_scope(d, scopes)]
        if fix or diff:
            if graph is None:
                graph = load_graph(root)
            edits = fixes_by_file(diags, unsafe_fixes)
            bad_utf8 = {d.file for d in graph.diagnostics if d.code == "BM002"}
            pages = {p.file: p for p in graph.pages.values() if p.file}
            applied_total = 0
            for file, file_edits in sorted(edits.items()):
                page = pages.get(file)
                if page is None:
                    continue
                if file in bad_utf8:  # U+FFFD stands for bytes a write would destroy
                    result.refused.append(
                        f"not fixing {_display(root, file)}: it has invalid UTF-8 (BM002)"
                    )
                    continue
                # Read the page again as each fix leaves it: a fix that would change more than
                # it means (a ref, a property, the block structure) is not applied.
                fixes = [
                    (d, d.fix)
                    for d in diags
                    if d.file == file and d.fix is not None and d.fix.applies(unsafe_fixes)
                ]
                file_edits, refusals = verified_edits(page, fixes, graph.config)
                for d, why in refusals:
                    result.refused.append(
                        f"fix for {d.code} at {_display(root, file)}:{d.line} not applied: "
                        f"would change {why}"
                    )
                new_text, applied = apply_edits(page.source, file_edits)
                if new_text == page.source:
                    continue
                if not diff:
                    bom = "\ufeff" if page.bom else ""
                    try:  # only over the bytes that were read: an author may be typing
                        write_text(
                            root / file,
                            bom + new_text,
                            root,
                            expected=(bom + page.source).encode("utf-8"),
                        )
                    except ChangedOnDiskError:
                        result.refused.append(
                            f"not fixing {_display(root, file)}: it changed while bmtools "
                            "was working (run again)"
                        )
                        continue
                    except UnsafePathError as exc:
                        result.refused.append(f"not fixing {_display(root, file)}: {exc}")
                        continue
                applied_total += sum(
                    1
                    for d in diags
                    if d.fix is not None
                    and d.fix.applies(unsafe_fixes)
                    and d.file == file
                    and all(e in applied for e in d.fix.edits)
                )
                if diff:
                    name = _display(root, file)
                    result.diffs.append(
                        "".join(
                            difflib.unified_diff(
                                page.source.splitlines(keepends=True),
                                new_text.splitlines(keepends=True),
                                f"a/{name}",
                                f"b/{name}",
                            )
                        )
                    )
            result.fixed += applied_total
            if fix and not diff and applied_total:
                graph = load_graph(root)
                diags = [d for d in lint_graph(graph, settings) if _in_scope(d, scopes)]
        if graph is not None:
            result.files_checked += sum(
                1 for f in graph.files if _in_scope(Diagnostic("", "", f), scopes)
            )
        result.diagnostics.extend(replace(d, file=_display(root, d.file)) for d in diags)
    result.diagnostics.sort(key=sort_key)
    return result
