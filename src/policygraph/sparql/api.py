"""Querying from Python: what ``policygraph query`` does, for a notebook (re-exported by ``policygraph``).

``query`` takes what a researcher has at hand (the graph handle, an rdflib Graph, or an endpoint
from ``open_endpoint``), a query as a name, SPARQL text or a parsed ``SparqlQuery``, and parameters
as the strings ``--param`` takes; it runs through ``run_query``, the one evaluation path, so the
checks and the answers are the CLI's. ``to_dicts`` and ``to_dataframe`` turn a result into rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from policygraph.graph.handle import LoadedGraph
from policygraph.sparql.auth import EndpointAuth
from policygraph.sparql.query import SparqlQuery, named_query, parse_query, read_query
from policygraph.sparql.results import QueryResult
from policygraph.sparql.run import DEFAULT_TIMEOUT, run_query

__all__ = ["Endpoint", "open_endpoint", "query", "to_dicts", "to_dataframe"]


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL 1.1 query endpoint and how to authenticate to it (``None``: the environment or ~/.netrc)."""

    url: str
    auth: EndpointAuth | None = None


def open_endpoint(url: str, *, auth: EndpointAuth | None = None) -> Endpoint:
    """An endpoint to pass to ``query`` instead of a graph; the URL is checked now, the server when queried.

    Raises:
        ConfigError: ``url`` is not an http(s) URL, or holds a user name or password.
    """
    from policygraph.sparql.remote import _check_url

    return Endpoint(_check_url(url), auth)


def query(
    source: LoadedGraph | Graph | Endpoint,
    query: str | SparqlQuery,
    params: Mapping[str, str] | None = None,
    *,
    engine: str = "auto",
    timeout: float | None = DEFAULT_TIMEOUT,
) -> QueryResult:
    """Run a named query (``"treaties-party"``), a ``.rq`` file, SPARQL text, or a ``SparqlQuery`` on ``source``.

    Args:
        source: the graph handle (``load_graph``, ``open_store``, ``open_graph_file``); a plain rdflib
            ``Graph``, which is wrapped into a ``LoadedGraph`` (copied into an in-memory Oxigraph store);
            or an ``Endpoint``.
        query: a name from ``list_queries``, a path ending in ``.rq``, SPARQL text (anything holding a
            space or a brace), or a query parsed with ``parse_query``.
        params: parameter values as ``--param`` takes them: ids, dates, numbers, IRIs (``{"state": "jp"}``).
        engine: the local engine (``auto`` is Oxigraph; ``rdflib`` for comparison).
        timeout: seconds before the query is stopped.

    Raises:
        TypeError: ``source`` is none of the three.
        ConfigError: an unknown query name, or a bad parameter.
        SchemaError: a syntax error, or ``SERVICE`` (and locally ``FROM``).
        InputError: the time ran out, or the endpoint failed.
    """
    from policygraph.sparql.params import bind_params

    if isinstance(source, Graph):
        source = LoadedGraph(graph=source)
    if not isinstance(source, (LoadedGraph, Endpoint)):
        raise TypeError(f"query() needs a LoadedGraph, an rdflib Graph or an Endpoint, not {type(source).__name__}")
    if isinstance(query, str):
        if any(c.isspace() or c == "{" for c in query):
            query = parse_query(query, origin="query")
        elif query.endswith(".rq"):
            query = read_query(query)
        else:
            query = named_query(query)
    graph = source if isinstance(source, LoadedGraph) else None
    bindings = bind_params(query, {name: str(value) for name, value in (params or {}).items()}, graph)
    if graph is not None:
        return run_query(query, bindings, graph=graph, engine=engine, timeout=timeout)
    return run_query(query, bindings, endpoint=source.url, timeout=timeout, auth=source.auth)


def to_dicts(result: QueryResult) -> list[dict[str, Node | None]]:
    """The rows of a SELECT result as dicts (variable → rdflib term, None when unbound), in order.

    A CONSTRUCT or DESCRIBE result gives one dict per triple (``subject``, ``predicate``, ``object``).

    Raises:
        ValueError: an ASK result, which has no rows (read ``result.boolean``).
    """
    if result.form == "ASK":
        raise ValueError("an ASK result has no rows: read result.boolean")
    if result.is_graph:
        return [dict(zip(("subject", "predicate", "object"), triple)) for triple in result.triples]
    return [dict(zip(result.variables, row)) for row in result.rows]


def to_dataframe(result: QueryResult):  # noqa: ANN201 - a pandas.DataFrame; pandas is imported only here
    """The rows of ``result`` as a pandas DataFrame, one column per variable, values as Python values.

    IRIs become strings; literals their Python value (numbers, booleans, dates), or their text when
    Python has no type for them (``xsd:gYear``, language-tagged strings); unbound cells are None.

    Raises:
        ModuleNotFoundError: pandas is not installed (``pip install 'policygraph[pandas]'``).
        ValueError: an ASK result.
    """
    try:
        import pandas
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "to_dataframe needs pandas, which is not installed: pip install 'policygraph[pandas]'", name="pandas"
        ) from None
    columns = ["subject", "predicate", "object"] if result.is_graph else list(result.variables)
    rows = [{name: _python_value(term) for name, term in row.items()} for row in to_dicts(result)]
    return pandas.DataFrame(rows, columns=columns)


def _python_value(term: Node | None) -> object:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) or term.language else value
    if isinstance(term, URIRef):
        return str(term)
    return term.n3()  # a blank node: its label
