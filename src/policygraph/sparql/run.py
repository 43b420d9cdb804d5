"""Running a query: on the local graph (Oxigraph, or rdflib with ``--engine rdflib``) or on an endpoint.

``run_query`` is the one evaluation path every command uses; it binds parameters, refuses ``FROM`` on
the local graph, applies the time limit and keeps ``SELECT *`` columns in the order they appear."""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from rdflib import URIRef
from rdflib.term import Node

from policygraph.errors import ConfigError, SchemaError
from policygraph.graph.handle import LoadedGraph
from policygraph.sparql.auth import EndpointAuth
from policygraph.sparql.guard import check_timeout
from policygraph.sparql.params import bound_text
from policygraph.sparql.query import SparqlQuery, _keyword_location, check_engine_text
from policygraph.sparql.results import QueryResult
from policygraph.terms import PREFIXES

__all__ = ["choose_engine", "run_query", "result_labels", "ENGINES", "DEFAULT_TIMEOUT"]

ENGINES = ("auto", "rdflib", "oxigraph")
"""Local engines: ``auto`` is Oxigraph, the one evaluation path; ``rdflib`` is kept for comparison."""

DEFAULT_TIMEOUT = 300.0
"""Seconds a local query may run when no other limit is given (``query --timeout``, ``analyze --query``)."""


def choose_engine(engine: str) -> str:
    """The local engine ``engine`` names: ``auto`` → Oxigraph.

    Raises:
        ConfigError: an unknown engine name.
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}", hint="one of: " + ", ".join(ENGINES))
    return "oxigraph" if engine == "auto" else engine


def run_query(
    query: SparqlQuery,
    bindings: Mapping[str, Node] | None = None,
    *,
    graph: LoadedGraph | None = None,
    endpoint: str | None = None,
    engine: str = "auto",
    timeout: float | None = None,
    auth: EndpointAuth | None = None,
) -> QueryResult:
    """Evaluate ``query`` on the local ``graph`` or on ``endpoint``, with parameters bound.

    Args:
        query: a parsed query (``named_query``, ``read_query`` or ``parse_query``).
        bindings: parameter terms from ``bind_params``.
        graph: the graph handle (``load_graph``, ``open_store``); exactly one of ``graph`` and ``endpoint``.
        endpoint: the URL of a SPARQL 1.1 query endpoint.
        engine: ``auto``, ``rdflib`` or ``oxigraph`` (local only).
        timeout: seconds before the query is stopped.
        auth: the endpoint's credentials; by default those of the environment or ~/.netrc.

    Returns:
        The result; for ``SELECT *`` the variables come in order of first appearance.

    Raises:
        TypeError: ``graph`` is not a ``LoadedGraph`` (wrap an rdflib Graph: ``LoadedGraph(graph=g)``).
        ConfigError: neither or both of graph and endpoint, or a bad timeout.
        SchemaError: ``FROM`` on a local graph, or an engine cannot evaluate the query.
        InputError: the time ran out, or the endpoint failed.
    """
    from policygraph.records.rdf_input import quiet_literals
    from policygraph.sparql.engines import call_with_timeout, evaluate_oxigraph, evaluate_rdflib

    if (graph is None) == (endpoint is None):
        raise ConfigError("run a query on a local graph or on an endpoint (exactly one)")
    if graph is not None and not isinstance(graph, LoadedGraph):
        raise TypeError(f"graph must be a LoadedGraph, not {type(graph).__name__}: wrap an rdflib Graph as LoadedGraph(graph=g)")
    check_timeout(timeout)
    bindings = dict(bindings or {})
    if endpoint is not None:
        from policygraph.sparql.remote import query_endpoint

        text = _engine_text(query, _with_prefixes(bound_text(query, bindings)))
        with quiet_literals():
            result = query_endpoint(endpoint, text, query.form, timeout, auth)
        return _in_star_order(query, result) if query.star else result
    if query.has_from:
        raise SchemaError(
            "FROM is not allowed on the local graph: the query runs on the built graph and never fetches others",
            _keyword_location(query.text, query.origin, "FROM"),
            hint="drop FROM, or use --endpoint to query a server's named graphs",
        )
    chosen = choose_engine(engine)
    text = _engine_text(query, bound_text(query, bindings))  # also for rdflib: refuses forms with nowhere to bind
    if chosen == "rdflib":
        rdflib_graph = graph.graph

        def evaluate() -> QueryResult:
            return evaluate_rdflib(rdflib_graph, query.text, query.form, bindings)

    else:
        store = graph.store

        def evaluate() -> QueryResult:
            return evaluate_oxigraph(store, text, query.form)

    with quiet_literals():
        result = call_with_timeout(evaluate, timeout)
    return _in_star_order(query, result) if query.star else result


def _engine_text(query: SparqlQuery, text: str) -> str:
    """``text`` checked again as the engine gets it (bound values and prefixes added), so no step can smuggle in SERVICE."""
    check_engine_text(text, query.origin)
    return text


def _with_prefixes(text: str) -> str:
    """Declare the usual prefixes for an endpoint (on the first line, so line numbers stay)."""
    declared = set(re.findall(r"(?im)^\s*PREFIX\s+([A-Za-z0-9_.\-]*):", text))
    missing = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p not in declared]
    return (" ".join(missing) + " " + text) if missing else text


def _in_star_order(query: SparqlQuery, result: QueryResult) -> QueryResult:
    if result.form != "SELECT":
        return result
    order = {name: i for i, name in enumerate(query.variables)}
    positions = sorted(range(len(result.variables)), key=lambda i: (order.get(result.variables[i], len(order)), i))
    if positions == list(range(len(result.variables))):
        return result
    result.variables = [result.variables[i] for i in positions]
    result.rows = [tuple(row[i] for i in positions) for row in result.rows]
    return result


def result_labels(
    result: QueryResult,
    *,
    graph: LoadedGraph | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
    from_graphs: Iterable[str] = (),
) -> dict[URIRef, str]:
    """The labels of the IRIs in ``result``, from the local graph or the endpoint.

    Args:
        from_graphs: on an endpoint, the graphs the query read (its FROM clauses); labels come from them too.
    """
    iris = result.iris()
    if not iris:
        return {}
    if graph is not None:
        return graph.labels(iris)
    from policygraph.sparql.remote import endpoint_labels

    return endpoint_labels(endpoint, iris, timeout, from_graphs=from_graphs)
