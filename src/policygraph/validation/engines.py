"""The SHACL engines, called in one place (``run_shacl``): the Oxigraph engine, pySHACL as the reference.

``auto`` runs the shapes as SPARQL on the handle's store (``shacl_oxigraph``) and falls back to pySHACL
for shapes that engine does not support; pySHACL gets a plain rdflib copy of a store opened from disk,
and its SPARQL constraints are parsed once per run (``_memoised_sparql_checks``)."""

from __future__ import annotations

import contextlib
import functools
from typing import Callable, Iterator

from rdflib import Graph

from policygraph.errors import ConfigError, SchemaError
from policygraph.graph.handle import LoadedGraph
from policygraph.records.rdf_input import quiet_literals

__all__ = ["ENGINES", "run_shacl"]

ENGINES = ("auto", "oxigraph", "pyshacl")
"""SHACL engines: ``oxigraph`` (shapes compiled to SPARQL, fast), ``pyshacl`` (the reference), ``auto`` (oxigraph where it can)."""


def run_shacl(
    loaded: LoadedGraph, shapes_graph: Graph, engine: str = "auto", progress: Callable[[int, int], None] | None = None
) -> Graph:
    """Run the SHACL engine: the one place the engines are called.

    ``oxigraph`` (``shacl_oxigraph``) runs the shapes as SPARQL on an Oxigraph copy of the data (or
    on the prebuilt store the graph is a view of); ``pyshacl`` is the reference engine; ``auto``
    takes oxigraph unless the shapes use a feature it lacks.

    The data graph already holds the ontology (``load_graph`` puts it there), so sh:targetClass
    and sh:class follow rdfs:subClassOf without any inference; none is run (RDFS expansion of the
    whole graph would cost seconds and add nothing the shapes use).

    Returns:
        The SHACL validation report graph.

    Raises:
        SchemaError: the engine rejects the shapes.
        ConfigError: an unknown engine.
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown SHACL engine {engine!r}", hint="one of: " + ", ".join(ENGINES))
    if engine in ("auto", "oxigraph"):
        from policygraph.validation.shacl_oxigraph import validate_store
        from policygraph.validation.shacl_shapes import UnsupportedShapes

        try:
            with quiet_literals():  # results come back as rdflib terms: ill-typed literals would log tracebacks
                return validate_store(loaded.store, shapes_graph, progress)
        except UnsupportedShapes:
            if engine == "oxigraph":
                raise
    return _run_pyshacl(_rdflib_copy(loaded), shapes_graph)


def _rdflib_copy(loaded: LoadedGraph) -> Graph:
    """The graph as a plain rdflib Graph for pySHACL, which walks it triple by triple.

    A store opened from disk is copied out once (its rdflib view would go to Oxigraph per lookup).
    """
    if not loaded.on_disk:
        return loaded.graph
    from policygraph.graph.convert import store_to_graph
    from policygraph.records.rdf_input import quiet_literals

    with quiet_literals():
        return store_to_graph(loaded.store)


def _run_pyshacl(data_graph: Graph, shapes_graph: Graph) -> Graph:
    import pyshacl
    from pyshacl.errors import ReportableRuntimeError, ValidationFailure

    # pyshacl evaluates each sh:sparql query once per focus node and hands rdflib the query text each
    # time; rdflib would parse it again every time (~20-200 ms a parse). Querying through a view of the
    # same store that reuses parsed queries makes that one parse per query.
    view = _PreparedQueryGraph(store=data_graph.store, identifier=data_graph.identifier)
    for prefix, namespace in data_graph.namespaces():
        view.bind(prefix, namespace, override=False)
    try:
        with quiet_literals(), _memoised_sparql_checks():
            _, results, _ = pyshacl.validate(
                view,
                shacl_graph=shapes_graph,
                inference="none",
                inplace=True,
                abort_on_first=False,
                allow_infos=True,
                allow_warnings=True,
                advanced=False,
            )
    except (ReportableRuntimeError, ValidationFailure) as error:
        raise SchemaError(f"the shapes cannot be used: {_one_line(error)}") from None
    return results


class _PreparedQueryGraph(Graph):
    """A Graph over an existing store whose ``query`` parses each distinct query text only once."""

    def query(self, query_object, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003 - rdflib's signature
        if isinstance(query_object, str):
            query_object = _prepare(query_object)
        return super().query(query_object, *args, **kwargs)


@functools.lru_cache(maxsize=256)
def _prepare(text: str):
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


@contextlib.contextmanager
def _memoised_sparql_checks() -> Iterator[None]:
    """Remember pyshacl's syntax checks of a query text while validating.

    pyshacl re-checks the text of every SPARQL constraint with regular expressions for each focus node
    (about a second on the bundled data); the answer depends only on the text and the pre-bound
    variables, so it is computed once. Only successful checks are remembered (a failing one raises).
    If pyshacl changes its internals, validation runs unchanged, just slower.
    """
    try:
        from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
    except ImportError:  # pragma: no cover - pyshacl moved it
        yield
        return
    original = getattr(SPARQLQueryHelper, "check_invalid_sparql", None)
    if original is None:  # pragma: no cover
        yield
        return
    passed: set = set()

    def check(self, sparql_text, valuenode=None, extravars=None):  # noqa: ANN001
        key = (sparql_text, valuenode is None, tuple(sorted(extravars)) if extravars else ())
        if key not in passed:
            original(self, sparql_text, valuenode=valuenode, extravars=extravars)
            passed.add(key)
        return True

    SPARQLQueryHelper.check_invalid_sparql = check
    try:
        yield
    finally:
        SPARQLQueryHelper.check_invalid_sparql = original


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text[:200] + ("…" if len(text) > 200 else "")
