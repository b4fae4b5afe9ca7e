"""Lint settings and where the graph is, found the way ruff finds its configuration.

The settings come from the nearest ``bmtools.toml``, or ``pyproject.toml`` with a
``[tool.bmtools]`` table, in the graph root or a parent folder up to the repository root (the
first folder holding ``.git``); in one folder ``bmtools.toml`` wins. The command line comes on
top. Such a file at a repository root may say where the graph is (``graph = "notes"``), so that
``bmtools lint .`` there lints the graph and nothing else of the repository.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path

from bmtools.lint.selector import resolve, select_codes, split_codes
from bmtools.loader import GraphRootError
from bmtools.model import Diagnostic
from bmtools.safeio import MAX_TOML_BYTES, read_regular

SEVERITIES = ("error", "warning", "info")
CONFIG_FILES = ("bmtools.toml", "pyproject.toml")
GRAPH_MARKERS = ("pages", "journals", "logseq")
# keys other features read from the same table (bmtools.milestones.review reads milestones)
OTHER_KEYS = {"milestones"}


class ConfigError(ValueError):
    """An invalid configuration (a usage error: exit code 2)."""


class NotAGraphError(GraphRootError):
    """A folder given as a graph that is none: exit code 2, so that a CI job pointed at the
    wrong folder fails instead of passing on zero pages."""


@dataclass(slots=True)
class Settings:
    select: list[str] | None = None  # None: the rules on by default
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # selector -> severity
    exclude: list[str] = field(default_factory=list)  # globs on graph-relative paths
    source: str | None = None  # the config file read, if any
    graph: str | None = None  # where the graph is, relative to the config file's folder

    def enabled(self) -> set[str]:
        return select_codes(self.select, self.ignore, self.extend_select)

    def severity_of(self, code: str, default: str) -> str:
        """The configured severity: an exact code beats a prefix, a longer prefix a shorter one."""
        best, best_len = default, -1
        for sel, sev in self.severity.items():
            if code in resolve(sel):
                n = 99 if sel.upper() == code else len(sel)
                if n > best_len:
                    best, best_len = sev, n
        return best

    def excluded(self, path: str | None) -> bool:
        if not path or not self.exclude:
            return False
        name = path.rsplit("/", 1)[-1]
        return any(
            fnmatch(path, g) or fnmatch(name, g) or path.startswith(g.rstrip("/") + "/")
            for g in self.exclude
        )

    def apply(self, found: Iterable[Diagnostic]) -> list[Diagnostic]:
        """Findings made outside lint's run (``bmtools milestones``'s) as these settings want
        them: the enabled codes only, at their configured severity, excluded files left out."""
        enabled = self.enabled()
        out = []
        for d in found:
            if d.code not in enabled or self.excluded(d.file):
                continue
            severity = self.severity_of(d.code, d.severity)
            out.append(d if severity == d.severity else replace(d, severity=severity))
        return out

    def fingerprint(self) -> str:
        data = {
            "select": self.select,
            "ignore": sorted(self.ignore),
            "extend": sorted(self.extend_select),
            "severity": sorted(self.severity.items()),
            "exclude": self.exclude,
        }
        return hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def validate(self) -> None:
        for group in (self.select or [], self.ignore, self.extend_select, list(self.severity)):
            for s in group:
                try:
                    resolve(s)
                except ValueError as exc:
                    raise ConfigError(str(exc)) from None
        for sel, sev in self.severity.items():
            if sev not in SEVERITIES:
                raise ConfigError(
                    f"severity of {sel} must be one of {', '.join(SEVERITIES)}, not '{sev}'"
                )

    def with_overrides(
        self,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        extend_select: list[str] | None = None,
    ) -> Settings:
        """Command-line options on top: --select replaces, --ignore/--extend-select add."""
        out = replace(self, ignore=list(self.ignore), extend_select=list(self.extend_select))
        if select:
            out.select = list(select)
        if ignore:
            out.ignore.extend(ignore)
        if extend_select:
            out.extend_select.extend(extend_select)
        return out


def _table(path: Path) -> dict | None:
    try:
        data = tomllib.loads(read_regular(path, MAX_TOML_BYTES).decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("bmtools")
    return data.get("tool", {}).get("bmtools", data)


def settings_from_dict(table: dict, source: str | None = None) -> Settings:
    known = {"select", "ignore", "extend-select", "severity", "exclude", "graph"}
    unknown = set(table) - known - OTHER_KEYS
    if unknown:
        raise ConfigError(
            f"{source or 'config'}: unknown key(s) {', '.join(sorted(unknown))} "
            f"in [tool.bmtools] (known: {', '.join(sorted(known | OTHER_KEYS))})"
        )
    sev = table.get("severity", {})
    if not isinstance(sev, dict):
        raise ConfigError(f"{source}: [tool.bmtools.severity] must be a table")
    exclude = table.get("exclude", [])
    if isinstance(exclude, str):
        exclude = [exclude]
    graph = table.get("graph")
    if graph is not None and (not isinstance(graph, str) or not graph.strip()):
        raise ConfigError(f'{source}: graph must be a folder name such as "notes"')
    s = Settings(
        select=split_codes(table["select"]) if "select" in table else None,
        ignore=split_codes(table.get("ignore")),
        extend_select=split_codes(table.get("extend-select")),
        severity={str(k): str(v).lower() for k, v in sev.items()},
        exclude=[str(g) for g in exclude],
        source=source,
        graph=graph,
    )
    s.validate()
    return s


def find_config(start: str | Path) -> Settings | None:
    """The settings of the nearest configuration at or above ``start`` (a folder), looking no
    higher than the repository root; None when there is none."""
    folder = Path(start).resolve()
    for candidate in [folder, *folder.parents]:
        for name in CONFIG_FILES:
            path = candidate / name
            if path.is_file():
                table = _table(path)
                if table is not None:  # a pyproject.toml without [tool.bmtools] is no config
                    return settings_from_dict(table, str(path))
        if (candidate / ".git").exists():
            break
    return None


def load_settings(root: str | Path) -> Settings:
    """Settings of the graph at ``root`` (defaults when no configuration applies to it)."""
    return find_config(root) or Settings()


def is_graph(folder: str | Path) -> bool:
    """A Logseq graph folder has ``pages/``, ``journals/`` or ``logseq/``."""
    folder = Path(folder)
    return any((folder / m).is_dir() for m in GRAPH_MARKERS)


def _markers() -> str:
    names = [m + "/" for m in GRAPH_MARKERS]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _looked_for(path: str | os.PathLike[str]) -> str:
    return (
        f"{path} is not a Logseq graph: it has no {_markers()} "
        "folder, and no bmtools.toml or [tool.bmtools] in it or a parent folder (up to the "
        'repository root) names one with graph = "FOLDER"'
    )


def configured_graph(path: str | os.PathLike[str]) -> str | None:
    """The graph a configuration names (``graph = "notes"``) for the folder ``path``: when
    ``path`` holds that configuration or the graph lies inside ``path``. The result is
    ``path`` joined with the graph's relative location, so printed paths stay short."""
    here = Path(path).resolve()
    settings = find_config(here)
    if settings is None or settings.graph is None:
        return None
    base = Path(settings.source).parent
    target = (base / settings.graph).resolve()
    if here != base and not target.is_relative_to(here):
        return None
    if not is_graph(target):
        raise NotAGraphError(
            f'{settings.source}: graph = "{settings.graph}" names {target}, which is not a '
            f"Logseq graph (it has no {_markers()} folder)"
        )
    if target.is_relative_to(here):
        rel = target.relative_to(here).as_posix()
        return str(path) if rel == "." else os.path.join(str(path), rel)
    return str(target)


def graph_folder(path: str | os.PathLike[str]) -> str:
    """The graph root for a command's PATH: PATH itself when it is a graph, else the graph
    a configuration there names; raises NotAGraphError (exit 2) otherwise."""
    p = Path(path)
    if not p.is_dir():
        raise GraphRootError(f"{path}: not a folder" if p.exists() else f"{path}: no such folder")
    if is_graph(p):
        return str(path)
    try:
        found = configured_graph(path)
    except ConfigError as exc:  # the configuration that would name the graph is invalid
        raise GraphRootError(str(exc)) from None
    if found is None:
        raise NotAGraphError(_looked_for(path))
    return found


def lint_path(path: str | os.PathLike[str]) -> str:
    """What ``bmtools lint PATH`` lints: PATH when it is in a graph (a graph folder, a folder
    or file inside one), else the graph its configuration names; NotAGraphError otherwise.
    A missing PATH is returned as it is, for the caller to report."""
    p = Path(path)
    if not p.exists():
        return str(path)
    start = (p if p.is_dir() else p.parent).resolve()
    if any(is_graph(c) for c in [start, *start.parents]):
        return str(path)
    if p.is_dir():
        return graph_folder(path)
    raise NotAGraphError(f"{path} is not in a Logseq graph (no folder above it has {_markers()})")
