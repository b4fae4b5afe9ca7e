"""The outline reader's old home: :func:`parse_outline` now lives in bmtools.syntax.blocks."""

from __future__ import annotations

from bmtools.syntax.blocks import parse_outline

__all__ = ["parse_outline"]
