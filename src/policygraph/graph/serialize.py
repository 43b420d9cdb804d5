"""The graph as an RDF document: Turtle, N-Triples, N-Quads, TriG, RDF/XML or JSON-LD, every triple in the default graph.

Oxigraph writes every format straight from the store: fast, and term for term what the store holds
(rdflib's Turtle writer rewrites literals, ``"6"^^xsd:decimal`` as ``6.0``; its JSON-LD writer took
2 s for the bundled graph, Oxigraph's 0.07 s). Triples come sorted (subject, predicate, object as N-Triples text), so
one graph is always written the same way, cache or not. N-Quads and TriG put every triple in the default graph,
so that a store loading them (Jena, Oxigraph, Virtuoso) sees the graph as its default graph, with no
invented graph name. JSON-LD is in expanded form, every literal as ``{"@value", "@type"}`` or
``{"@value", "@language"}`` (no JSON numbers or booleans that a reader would turn into other lexical
forms). The loader makes literals canonical (``records.canonical``), so every format holds the same terms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policygraph.graph.handle import LoadedGraph

__all__ = ["RDF_OUTPUT_FORMATS", "serialize"]

RDF_OUTPUT_FORMATS = {"ttl": "TURTLE", "nt": "N_TRIPLES", "nq": "N_QUADS", "trig": "TRIG", "xml": "RDF_XML", "jsonld": "JSON_LD"}
"""The formats ``build -o`` and ``export`` write → Oxigraph's ``RdfFormat`` names (the CLI imports this: no rdflib here)."""

def serialize(loaded: LoadedGraph, fmt: str) -> bytes:
    """The whole graph of ``loaded`` as ``fmt`` (a key of ``RDF_OUTPUT_FORMATS``), UTF-8 encoded.

    Raises:
        ValueError: an unknown format.
    """
    if fmt not in RDF_OUTPUT_FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}")
    import pyoxigraph as ox

    from policygraph.terms import PREFIXES

    ntriples = _sorted_ntriples(loaded.store)
    if fmt == "nt":
        return ntriples
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)  # in the default graph, in the sorted order
    rdf_format = getattr(ox.RdfFormat, RDF_OUTPUT_FORMATS[fmt])
    return ox.serialize(triples, format=rdf_format, prefixes=PREFIXES if fmt in ("ttl", "trig") else None)


def _sorted_ntriples(store) -> bytes:  # noqa: ANN001 - a pyoxigraph Store
    """The default graph as N-Triples, its lines in code-point order: the same inputs give the same bytes.

    A store lists its triples in an order of its own, which two builds of the same inputs (or the cache's
    on-disk store and an in-memory one) do not share; sorted lines are grouped by subject, then predicate.
    """
    import pyoxigraph as ox

    lines = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).splitlines(keepends=True)
    lines.sort()
    return b"".join(lines)
