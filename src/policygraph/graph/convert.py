"""Terms between rdflib and Oxigraph, and whole graphs between the two.

rdflib is the data model of the API; Oxigraph is where SPARQL runs fast. These functions are the
only place that knows how a term of one looks in the other (blank nodes, ``xsd:string``, positions
in Oxigraph's error messages)."""

from __future__ import annotations

import re

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from policygraph.errors import SchemaError
from policygraph.terms import PREFIXES, XSD

__all__ = ["to_rdflib", "to_oxigraph", "graph_to_store", "store_to_graph", "store_view"]

_XSD_STRING = str(XSD.string)




def to_rdflib(term) -> Node | None:  # noqa: ANN001 - a pyoxigraph term
    """An Oxigraph term as an rdflib term (``xsd:string`` literals become plain literals)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise SchemaError(f"RDF-star triple terms are not supported in results ({term})")


def to_oxigraph(term: Node):  # noqa: ANN201 - a pyoxigraph term
    """An rdflib term as an Oxigraph term."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(_bnode_id(str(term)))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def _bnode_id(text: str) -> str:
    return text if re.match(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$", text) and not text.endswith(".") else "b" + text.encode().hex()


def graph_to_store(graph: Graph):  # noqa: ANN201 - a pyoxigraph.Store
    """An in-memory Oxigraph store holding the triples of ``graph``."""
    import pyoxigraph as ox

    cache: dict[Node, object] = {}

    def convert(term: Node):  # noqa: ANN202
        converted = cache.get(term)
        if converted is None:
            converted = cache[term] = to_oxigraph(term)
        return converted

    store = ox.Store()
    default = ox.DefaultGraph()
    store.extend(ox.Quad(convert(s), convert(p), convert(o), default) for s, p, o in graph)
    return store


def store_to_graph(store) -> Graph:  # noqa: ANN001 - a pyoxigraph.Store
    """An rdflib Graph holding a copy of the triples of ``store`` (for the rdflib engine)."""
    cache: dict[object, Node] = {}

    def convert(term) -> Node:  # noqa: ANN001
        converted = cache.get(term)
        if converted is None:
            converted = cache[term] = to_rdflib(term)
        return converted

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    add = graph.add
    for quad in store.quads_for_pattern(None, None, None, None):
        add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
    return graph


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200] + ("…" if len(text) > 200 else "")


def store_view(store, triples: int) -> Graph:  # noqa: ANN001 - a pyoxigraph.Store
    """An rdflib Graph that reads through to the default graph of ``store``, for rdflib code on a store too big to copy.

    A read-only rdflib ``Store`` that answers each triple pattern with Oxigraph's index look-up
    (``quads_for_pattern``); rdflib's own SPARQL engine runs on it when asked. Made here rather than
    with oxrdflib, which loads rdflib's SPARQL grammar and engine on import: a tenth of a second that
    ``show`` and ``search`` on the graph cache do not need. ``xsd:string`` literals come back plain, as
    rdflib's parsers make them, and ``len`` is ``triples`` (counting would read every triple).
    """
    import pyoxigraph as ox
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
    from rdflib.store import Store

    default = ox.DefaultGraph()

    def pattern_term(term):  # noqa: ANN001, ANN202
        return None if term is None else to_oxigraph(term)

    class ReadThrough(Store):
        def __init__(self) -> None:
            super().__init__()
            self._prefixes: dict[str, URIRef] = {}

        def triples(self, triple_pattern, context=None):  # noqa: ANN001, ANN202 - rdflib's Store API
            subject, predicate, _ = triple_pattern
            if isinstance(subject, Literal) or isinstance(predicate, (Literal, BNode)):
                return  # no triple has them there (serialisers ask)
            s, p, o = (pattern_term(t) for t in triple_pattern)
            for quad in store.quads_for_pattern(s, p, o, default):
                yield (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)), iter((context,))

        def __len__(self, context=None) -> int:  # noqa: ANN001
            return triples

        def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
            if override or prefix not in self._prefixes:
                self._prefixes = {k: v for k, v in self._prefixes.items() if v != namespace}
                self._prefixes[prefix] = namespace

        def namespace(self, prefix: str) -> URIRef | None:
            return self._prefixes.get(prefix)

        def prefix(self, namespace: URIRef) -> str | None:
            return next((k for k, v in self._prefixes.items() if v == namespace), None)

        def namespaces(self):  # noqa: ANN202
            yield from self._prefixes.items()

    view = Graph(store=ReadThrough(), identifier=DATASET_DEFAULT_GRAPH_ID)
    for prefix, namespace in PREFIXES.items():
        view.bind(prefix, namespace, override=True)
    return view
