"""bmtools: read, lint, render and run Logseq graphs of business-model artifacts."""

from bmtools.loader import GraphRootError, load_graph
from bmtools.model import Block, Config, Diagnostic, Graph, Page, Property, Ref

__version__ = "0.1.0"
__all__ = [
    "Block",
    "Config",
    "Diagnostic",
    "Graph",
    "GraphRootError",
    "Page",
    "Property",
    "Ref",
    "load_graph",
    "to_networkx",
    "__version__",
]


def __getattr__(name: str):
    # networkx takes a tenth of a second to import: only what needs it pays for it
    if name == "to_networkx":
        from bmtools.graph import to_networkx

        return to_networkx
    raise AttributeError(f"module 'bmtools' has no attribute {name!r}")
