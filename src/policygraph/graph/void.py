"""A VoID and DCAT description of a built graph: what it is, where it comes from, how big it is, how to get it.

``build --void FILE`` writes it beside the graph, in a file of its own: a description inside the graph
would change the counts it states. The counts are computed from the built graph (``void:triples`` is
``len(loaded)``), so they are true of the graph ``build -o`` writes from the same inputs. The
description names the licence (CC BY 4.0, ``dcterms:license``), the graph's sources
(``dcterms:source``, every ``pg:Source`` record), its vocabularies, a ``dcat:Distribution`` per RDF
format ``build`` writes, and the SPARQL endpoint when one is given (``serve`` answers at
``http://HOST:PORT/query`` and publishes this description at ``/.well-known/void``).
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef

from policygraph.graph.handle import LoadedGraph
from policygraph.terms import DCTERMS, ID_BASE, PG, RDF, SKOS, VOCAB_BASE, XSD

__all__ = ["DATASET", "LICENCE", "MEDIA_TYPES", "dataset_description"]

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")

DATASET = URIRef("https://w3id.org/policygraph/dataset")
"""The dataset the description is about: the graph ``build`` makes from the bundled data (and any ``--data``)."""

LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
"""The dataset's licence, CC BY 4.0 (the code is MIT): the description, each distribution and the ontology name it."""

MEDIA_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "nq": "application/n-quads",
    "trig": "application/trig",
    "xml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
"""The media type of each format ``build -o`` writes (``graph.serialize.RDF_OUTPUT_FORMATS``)."""

_VOCABULARIES = (
    str(PG._NS), "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#",
    "http://purl.org/dc/terms/", "http://purl.org/linked-data/cube#", "http://xmlns.com/foaf/0.1/", VOCAB_BASE,
)

_COUNTS = {
    "classes": f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?s <{RDF.type}> ?c }}",
    "properties": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }",
    "distinctSubjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
    "distinctObjects": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }",
    "entities": f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID_BASE}")) }}',
}
"""``void:entities`` counts the IRIs in the dataset's ``void:uriSpace`` (records and their citations)."""
_SOURCES = f"SELECT DISTINCT ?s WHERE {{ ?s a <{PG.Source}> }} ORDER BY ?s"


def dataset_description(loaded: LoadedGraph, *, endpoint: str | None = None) -> Graph:
    """The VoID + DCAT description of ``loaded``; ``endpoint`` is the URL of a SPARQL endpoint serving it, if any."""
    store = loaded.store
    description = Graph()
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("pgid", ID_BASE)):
        description.bind(prefix, namespace)
    add = description.add
    add((DATASET, RDF.type, VOID.Dataset))
    add((DATASET, RDF.type, DCAT.Dataset))
    add((DATASET, DCTERMS.title, Literal("policygraph: Japan's immigration policies and the human-rights treaties that bind Japan", lang="en")))
    add((DATASET, DCTERMS.description, Literal(
        "Policies, the bodies behind them, the people they affect and the human-rights treaties that bind the state, "
        "with a citation of a source for every statement.", lang="en")))
    publisher = BNode("publisher")
    add((DATASET, DCTERMS.publisher, publisher))
    add((publisher, RDF.type, FOAF.Agent))
    add((publisher, FOAF.name, Literal("the policygraph project", lang="en")))
    add((DATASET, DCTERMS.license, LICENCE))
    add((DATASET, VOID.uriSpace, Literal(ID_BASE)))
    for vocabulary in _VOCABULARIES:
        add((DATASET, VOID.vocabulary, URIRef(vocabulary)))
    for row in store.query(_SOURCES):
        add((DATASET, DCTERMS.source, URIRef(row[0].value)))

    add((DATASET, VOID.triples, Literal(str(len(loaded)), datatype=XSD.integer)))
    for name, query in _COUNTS.items():
        (row,) = list(store.query(query))
        add((DATASET, VOID[name], Literal(row[0].value, datatype=XSD.integer)))

    if endpoint:
        add((DATASET, VOID.sparqlEndpoint, URIRef(endpoint)))
    for fmt, media_type in MEDIA_TYPES.items():
        distribution = URIRef(f"{DATASET}/{fmt}")
        add((DATASET, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media_type}")))
        add((distribution, DCTERMS.license, LICENCE))
        add((distribution, DCTERMS.title, Literal(f"the graph as {fmt} (policygraph build --format {fmt})", lang="en")))
    add((DATASET, SKOS.editorialNote, Literal(
        "Counts are of the graph built from the same inputs: the ontology, the concept schemes and the records.", lang="en")))
    return description
