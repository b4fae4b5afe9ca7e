"""Graph file formats, one module each: JSON (node-link), GraphML, GEXF, Graphviz DOT."""

from bmtools.readwrite.dot import generate_dot, write_dot
from bmtools.readwrite.flat import flatten
from bmtools.readwrite.json_graph import generate_json, write_json
from bmtools.readwrite.xml_graph import write_gexf, write_graphml

FORMATS = {"json": write_json, "graphml": write_graphml, "gexf": write_gexf, "dot": write_dot}

__all__ = [
    "FORMATS",
    "flatten",
    "generate_dot",
    "generate_json",
    "write_dot",
    "write_gexf",
    "write_graphml",
    "write_json",
]
