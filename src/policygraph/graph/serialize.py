"""The graph as an RDF document: Turtle, N-Triples, N-Quads, TriG, RDF/XML or JSON-LD, every triple in the default graph.

Oxigraph writes the line- and Turtle-based formats and RDF/XML straight from the store: fast, and
term for term what the store holds (rdflib's Turtle writer rewrites literals, ``"6"^^xsd:decimal``
as ``6.0``). N-Quads and TriG put every triple in the default graph, so that a store loading them
(Jena, Oxigraph, Virtuoso) sees the graph as its default graph, with no invented graph name.
JSON-LD comes from rdflib, whose writer keeps every literal as ``{"@value", "@type"}``.
The loader makes literals canonical (``records.canonical``), so every format holds the same terms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policygraph.graph.handle import LoadedGraph

__all__ = ["RDF_OUTPUT_FORMATS", "serialize"]

RDF_OUTPUT_FORMATS = {"ttl": "TURTLE", "nt": "N_TRIPLES", "nq": "N_QUADS", "trig": "TRIG", "xml": "RDF_XML", "jsonld": "JSON_LD"}
"""The formats ``build -o`` and ``export`` write → Oxigraph's ``RdfFormat`` names (the CLI imports this: no rdflib here)."""

_DATASET_FORMATS = ("nq", "trig")


def serialize(loaded: LoadedGraph, fmt: str) -> bytes:
    """The whole graph of ``loaded`` as ``fmt`` (a key of ``RDF_OUTPUT_FORMATS``), UTF-8 encoded.

    Raises:
        ValueError: an unknown format.
    """
    if fmt not in RDF_OUTPUT_FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}")
    if fmt == "jsonld":  # from the store's terms, as the other formats (a store canonicalises every literal it holds)
        from policygraph.graph.convert import store_to_graph

        graph = loaded.graph if loaded.on_disk else store_to_graph(loaded.store)
        return graph.serialize(format="json-ld", encoding="utf-8")
    import pyoxigraph as ox

    from policygraph.terms import PREFIXES

    store = loaded.store
    rdf_format = getattr(ox.RdfFormat, RDF_OUTPUT_FORMATS[fmt])
    if fmt in _DATASET_FORMATS:
        default = ox.DefaultGraph()
        quads = (ox.Quad(q.subject, q.predicate, q.object, default) for q in store)
        return ox.serialize(quads, format=rdf_format, prefixes=PREFIXES if fmt == "trig" else None)
    return store.dump(format=rdf_format, from_graph=ox.DefaultGraph(), prefixes=PREFIXES if fmt == "ttl" else None)
