"""policygraph: a knowledge graph of policies, bodies, affected people and the treaties that bind the state.

The public API is small: ``load_graph`` builds the graph from curated YAML and RDF; the modules
``describe``, ``search`` (and, as they grow, query, validate, analysis, export, trace) take that graph
and return data objects. Imports here are lazy so that ``policygraph --help`` stays fast.
"""

from __future__ import annotations

__all__ = ["load_graph", "LoadedGraph", "PolicygraphError", "InputError", "SchemaError", "ConfigError", "Location"]
__version__ = "0.1.0"

from policygraph.errors import ConfigError, InputError, PolicygraphError, SchemaError
from policygraph.model import Location


def __getattr__(name: str):
    if name == "load_graph":
        from policygraph.graph.build import load_graph

        return load_graph
    if name == "LoadedGraph":
        from policygraph.graph.handle import LoadedGraph

        return LoadedGraph
    raise AttributeError(f"module 'policygraph' has no attribute {name!r}")
