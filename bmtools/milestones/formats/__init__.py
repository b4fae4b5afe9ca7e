"""Output formats of ``bmtools milestones``: one module per format, pure ``generate_*``
functions that return text (or bytes), no I/O."""

FORMATS = ("table", "json", "csv", "mermaid", "ics", "svg")
