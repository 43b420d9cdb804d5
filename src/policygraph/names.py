"""Names as plain text, with no rdflib import: the IRIs the fast path reads, ``local_id`` and ``best_label``.

``terms`` builds its rdflib namespaces from these bases, and ``graph.labels`` re-exports the two
functions; ``search`` and the graph handle use them as they are, so that a command answering from the
graph cache without rdflib terms (``search``) does not pay the tenth of a second importing rdflib costs.
"""

from __future__ import annotations

__all__ = ["ID_BASE", "VOCAB_BASE", "RDF_TYPE", "RDFS_LABEL", "SKOS_PREF_LABEL", "SKOS_ALT_LABEL", "SKOS_CONCEPT", "best_label", "local_id"]

ID_BASE = "https://w3id.org/policygraph/id/"
VOCAB_BASE = "https://w3id.org/policygraph/vocab/"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
SKOS_ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
SKOS_CONCEPT = "http://www.w3.org/2004/02/skos/core#Concept"


def local_id(node: object) -> str:
    """The slug of an instance IRI (``.../id/crc-art-9`` → ``crc-art-9``), else the IRI's last segment."""
    text = str(node)
    if text.startswith(ID_BASE):
        return text[len(ID_BASE) :]
    for separator in ("#", "/"):
        if separator in text:
            return text.rsplit(separator, 1)[1] or text
    return text


def best_label(candidates: list[tuple[int, str | None, str]], lang: str = "en") -> str | None:
    """Pick a label from ``(predicate rank, language, text)`` candidates: best predicate, then ``lang``, untagged, any."""
    if not candidates:
        return None

    def preference(candidate: tuple[int, str | None, str]) -> tuple:
        rank, language, text = candidate
        language_rank = 0 if (language or "").lower() == lang else 1 if not language else 2
        return (rank, language_rank, text)

    return min(candidates, key=preference)[2]
