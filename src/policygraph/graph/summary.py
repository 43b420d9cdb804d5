"""What a built graph holds: triples, records by type, citations per source."""

from __future__ import annotations

from dataclasses import dataclass

from policygraph.graph.handle import LoadedGraph
from policygraph.records.files import YAML_SUFFIXES

__all__ = ["GraphSummary", "summarise"]


@dataclass(frozen=True)
class GraphSummary:
    """Counts for ``build``'s summary."""

    triples: int
    records: int
    by_type: list[tuple[str, int]]  # record type, count; most first
    citations: int
    sources: list[tuple[str, str, int]]  # source id, label, citations of it
    external_citations: int  # citations of public URLs
    rdf_records: int  # instances of policygraph classes that RDF input adds (a YAML record is counted by type)


def summarise(loaded: LoadedGraph) -> GraphSummary:
    """Count what ``loaded`` holds: its records by the loader's counts, instances from RDF input and citations by SPARQL aggregates on its store."""
    from policygraph.graph.convert import to_rdflib
    from policygraph.graph.labels import best_label, local_id

    store = loaded.store
    pg = "https://w3id.org/policygraph/ontology#"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    counts = {
        to_rdflib(row[0]) if row[0] is not None else None: int(row[1].value)
        for row in store.query(
            f"SELECT ?source (COUNT(?c) AS ?n) WHERE {{ ?c <{rdf_type}> <{pg}Citation> "
            f"OPTIONAL {{ ?c <{pg}source> ?source }} }} GROUP BY ?source"
        )
    }
    external = counts.pop(None, 0)
    labels: dict = {}
    for row in store.query(
        f"SELECT ?s ?rank ?label WHERE {{ ?s <{rdf_type}> <{pg}Source> "
        "OPTIONAL { { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label BIND(0 AS ?rank) } UNION "
        "{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label BIND(1 AS ?rank) } FILTER(isLiteral(?label)) } }"
    ):
        source = to_rdflib(row[0])
        found = labels.setdefault(source, [])
        if row[2] is not None:
            found.append((int(row[1].value), row[2].language, row[2].value))
    sources = sorted(labels, key=str)
    record_counts = loaded.record_counts
    rdf_records = 0
    if not loaded.files or any(path.suffix.lower() not in YAML_SUFFIXES for path in loaded.files):
        # The YAML loader counted its records by type; only RDF input needs its instances counted, by a
        # scan of every rdf:type (a third of a second for 150,000 records, so not when all is YAML).
        instances = next(iter(store.query(
            f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{rdf_type}> ?c FILTER(STRSTARTS(STR(?c), \"{pg}\") "
            f"&& !STRSTARTS(STR(?s), \"{pg}\")) FILTER NOT EXISTS {{ ?s <{rdf_type}> <{pg}Citation> }} }}"
        )))
        rdf_records = max(0, int(instances[0].value) - sum(record_counts.values()))
    return GraphSummary(
        triples=len(loaded),
        records=sum(record_counts.values()) + rdf_records,
        rdf_records=rdf_records,
        by_type=sorted(record_counts.items(), key=lambda item: (-item[1], item[0])),
        citations=sum(counts.values()) + external,
        sources=[(local_id(s), best_label(labels[s]) or local_id(s), counts.get(s, 0)) for s in sources],
        external_citations=external,
    )
