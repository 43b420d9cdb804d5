"""What a built graph holds: triples, records by type, citations per source."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .labels import label_of, local_id
from .load import LoadedGraph
from .terms import PG, RDF

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


def summarise(loaded: LoadedGraph) -> GraphSummary:
    """Count what ``loaded`` holds."""
    graph = loaded.graph
    cited = Counter(graph.value(c, PG.source) for c in graph.subjects(RDF.type, PG.Citation))
    external = cited.pop(None, 0)
    sources = sorted(graph.subjects(RDF.type, PG.Source), key=str)
    return GraphSummary(
        triples=len(graph),
        records=sum(loaded.record_counts.values()),
        by_type=sorted(loaded.record_counts.items(), key=lambda item: (-item[1], item[0])),
        citations=sum(cited.values()) + external,
        sources=[(local_id(s), label_of(graph, s), cited.get(s, 0)) for s in sources],
        external_citations=external,
    )
