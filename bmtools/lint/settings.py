"""Lint settings: from ``[tool.bmtools]`` in the graph root's ``pyproject.toml`` or from
``bmtools.toml`` there (``bmtools.toml`` wins when both exist), then from the command line."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path

from bmtools.lint.selector import resolve, select_codes, split_codes

SEVERITIES = ("error", "warning", "info")
CONFIG_FILES = ("bmtools.toml", "pyproject.toml")


class ConfigError(ValueError):
    """An invalid configuration (a usage error: exit code 2)."""


@dataclass(slots=True)
class Settings:
    select: list[str] | None = None  # None: the rules on by default
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # selector -> severity
    exclude: list[str] = field(default_factory=list)  # globs on graph-relative paths
    source: str | None = None  # the config file read, if any

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
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("bmtools")
    return data.get("tool", {}).get("bmtools", data)


def settings_from_dict(table: dict, source: str | None = None) -> Settings:
    known = {"select", "ignore", "extend-select", "severity", "exclude"}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(
            f"{source or 'config'}: unknown key(s) {', '.join(sorted(unknown))} "
            f"in [tool.bmtools] (known: {', '.join(sorted(known))})"
        )
    sev = table.get("severity", {})
    if not isinstance(sev, dict):
        raise ConfigError(f"{source}: [tool.bmtools.severity] must be a table")
    exclude = table.get("exclude", [])
    if isinstance(exclude, str):
        exclude = [exclude]
    s = Settings(
        select=split_codes(table["select"]) if "select" in table else None,
        ignore=split_codes(table.get("ignore")),
        extend_select=split_codes(table.get("extend-select")),
        severity={str(k): str(v).lower() for k, v in sev.items()},
        exclude=[str(g) for g in exclude],
        source=source,
    )
    s.validate()
    return s


def load_settings(root: str | Path) -> Settings:
    """Settings of the graph at ``root`` (defaults when it has no configuration)."""
    root = Path(root)
    for name in CONFIG_FILES:
        path = root / name
        if path.is_file():
            table = _table(path)
            if table is None:
                continue  # a pyproject.toml without [tool.bmtools]
            return settings_from_dict(table, str(path))
    return Settings()
