"""Jinja templates shipped with bmtools (``bmtools.templates``); see docs/render.md."""
