"""``bmtools lint``: rules over a graph, fixes, configuration and output formats.

Library entry point: :func:`lint_graph` (``lint_graph(load_graph(path), settings)``).
"""

from bmtools.lint.engine import lint_graph
from bmtools.lint.fix import DISPLAY_ONLY, SAFE, UNSAFE, Edit, Fix, apply_edits
from bmtools.lint.registry import CODES, Rule, all_rules, get_rule
from bmtools.lint.settings import ConfigError, Settings, load_settings

__all__ = [
    "CODES",
    "DISPLAY_ONLY",
    "SAFE",
    "UNSAFE",
    "ConfigError",
    "Edit",
    "Fix",
    "Rule",
    "Settings",
    "all_rules",
    "apply_edits",
    "get_rule",
    "lint_graph",
    "load_settings",
]
