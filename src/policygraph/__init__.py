"""policygraph: a knowledge graph of policies, bodies, affected people and the treaties that bind the state.

The public API is ``__all__`` and nothing else; docs/api.md documents every name with examples (a
test runs them). Every other module and name is private: it may change in any release. The API
opens the graph (``load_graph``, ``open_store``, ``open_graph_file``, ``open_endpoint``), queries it
(``query``, ``to_dicts``, ``to_dataframe``), traces policies (``trace_policy``, ``trace_provision``),
projects the network (``project_network``, ``to_igraph``) and pushes the graph to a store
(``push_graph``). The names are re-exported from the modules that define them, imported on first
use, so that ``import policygraph`` and ``policygraph --help`` stay fast.
"""

from __future__ import annotations

from importlib import import_module

from policygraph.errors import ConfigError, InputError, PolicygraphError, SchemaError
from policygraph.model import Location

__version__ = "0.1.0"

_LAZY = {  # public name → (module, name there)
    "load_graph": ("policygraph.graph.build", "load_graph"),
    "open_store": ("policygraph.graph.store", "open_store"),
    "open_graph_file": ("policygraph.graph.build", "open_graph_file"),
    "LoadedGraph": ("policygraph.graph.handle", "LoadedGraph"),
    "open_endpoint": ("policygraph.sparql.api", "open_endpoint"),
    "Endpoint": ("policygraph.sparql.api", "Endpoint"),
    "EndpointAuth": ("policygraph.sparql.auth", "EndpointAuth"),
    "query": ("policygraph.sparql.api", "query"),
    "to_dicts": ("policygraph.sparql.api", "to_dicts"),
    "to_dataframe": ("policygraph.sparql.api", "to_dataframe"),
    "list_queries": ("policygraph.sparql.query", "list_queries"),
    "parse_query": ("policygraph.sparql.query", "parse_query"),
    "SparqlQuery": ("policygraph.sparql.query", "SparqlQuery"),
    "QueryResult": ("policygraph.sparql.results", "QueryResult"),
    "push_graph": ("policygraph.sparql.remote", "push_graph"),
    "trace_policy": ("policygraph.tracing.trace", "trace_policy"),
    "trace_provision": ("policygraph.tracing.trace", "trace_provision"),
    "Trace": ("policygraph.tracing.model", "Trace"),
    "ProvisionTrace": ("policygraph.tracing.model", "ProvisionTrace"),
    "project_network": ("policygraph.network.projection", "project"),
    "Network": ("policygraph.network.model", "Network"),
    "to_igraph": ("policygraph.network.igraph_engine", "to_igraph"),
}

__all__ = [*_LAZY, "PolicygraphError", "InputError", "SchemaError", "ConfigError", "Location"]


def __getattr__(name: str):
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(import_module(module), attribute)
        globals()[name] = value  # once imported, a plain attribute
        return value
    raise AttributeError(f"module 'policygraph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
