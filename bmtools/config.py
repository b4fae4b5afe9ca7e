"""Reading ``logseq/config.edn`` (§7) with a real EDN reader; unreadable configs give defaults."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bmtools.codes import finding
from bmtools.model import Config, Diagnostic
from bmtools.safeio import read_graph_file

CONFIG_PATH = "logseq/config.edn"
MAX_CONFIG_BYTES = 4 * 1024 * 1024


def config_bytes(root: str | Path) -> bytes:
    """config.edn's bytes: a regular file inside the graph (see bmtools.safeio)."""
    return read_graph_file(root, CONFIG_PATH, MAX_CONFIG_BYTES)


def to_python(value: Any) -> Any:
    """EDN data as plain Python: keywords and symbols become strings (without ':')."""
    import edn_format  # 40 ms to import: only when a config.edn is read (not on cached runs)

    if isinstance(value, (edn_format.Keyword, edn_format.Symbol)):
        return value.name
    if isinstance(value, (dict, edn_format.ImmutableDict)):
        return {to_python(k): to_python(v) for k, v in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted((to_python(v) for v in value), key=str)
    if isinstance(value, (list, tuple, edn_format.ImmutableList)):
        return [to_python(v) for v in value]
    return value


def parse_config(text: str, file: str | None = CONFIG_PATH) -> tuple[Config, list[Diagnostic]]:
    """A Config from config.edn text; on any reading error, the defaults and a warning."""
    import edn_format

    config = Config(file=file)
    try:
        data = to_python(edn_format.loads(text))
    except Exception as exc:  # edn_format raises several unrelated types
        line = error_line(str(exc))
        return config, [
            finding(
                "BM030",
                f"config.edn could not be read ({short_error(exc)}); using Logseq's defaults",
                file,
                line,
            )
        ]
    if not isinstance(data, dict):
        return config, [
            finding(
                "BM030",
                "config.edn is not a map; using Logseq's defaults",
                file,
                1,
            )
        ]
    config.raw = data
    fmt = data.get("file/name-format")
    config.file_name_format = "triple-lowbar" if fmt == "triple-lowbar" else "legacy"
    hidden = data.get("hidden") or []
    config.hidden = [str(h) for h in hidden] if isinstance(hidden, list) else []
    config.property_pages_enabled = data.get("property-pages/enabled?", True) is not False
    config.property_pages_excludelist = set(_names(data.get("property-pages/excludelist")))
    config.separated_by_commas = set(_names(data.get("property/separated-by-commas")))
    title_format = data.get("journal/page-title-format")
    if isinstance(title_format, str) and title_format.strip():
        config.journal_title_format = title_format
    for key, attr in (
        ("journals-directory", "journals_directory"),
        ("pages-directory", "pages_directory"),
        ("whiteboards-directory", "whiteboards_directory"),
    ):
        if isinstance(data.get(key), str):
            setattr(config, attr, data[key])
    return config, []


def read_config(root: Path) -> tuple[Config, list[Diagnostic]]:
    try:
        text = config_bytes(root).decode("utf-8", errors="replace")
    except FileNotFoundError:
        return Config(), []
    except OSError as exc:
        return Config(), [
            finding(
                "BM030",
                f"config.edn could not be read: {exc.strerror or exc}",
                CONFIG_PATH,
            )
        ]
    return parse_config(text)


def _names(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v).lower() for v in value]
    return []


def short_error(exc: Exception) -> str:
    """The first line of a reader's error message, bounded (for a one-line diagnostic)."""
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]


def error_line(message: str) -> int:
    """The line a reader's error message names (0 when it names none)."""
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else 0
