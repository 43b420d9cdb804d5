"""Find entities by label, alias or id: case- and accent-insensitive, ranked.

It reads the names straight from the Oxigraph store (``quads_for_pattern``), with no rdflib term
made and rdflib not imported: on the graph cache ``search`` is then a store look-up and a scan of
a few thousand names.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from policygraph.graph.handle import LoadedGraph
from policygraph.names import ID_BASE, RDF_TYPE, SKOS_ALT_LABEL, SKOS_CONCEPT, SKOS_PREF_LABEL, local_id

__all__ = ["SearchHit", "search", "suggest_ids", "normalise"]


@dataclass(frozen=True, order=True)
class SearchHit:
    """One match: a higher ``score`` is a better match (exact 100, prefix 80, word 60, substring 40)."""

    sort_key: tuple
    id: str
    label: str
    type: str
    matched: str
    score: int


def normalise(text: str) -> str:
    """Lower-case, accents and width folded, punctuation spaced, whitespace collapsed.

    ASCII text (most labels) takes a short way with the same result: it has no accents or widths to
    fold, and its letters and digits are ``[a-z0-9]`` once lower-cased.
    """
    if text.isascii():
        return " ".join(_ASCII_PUNCTUATION.sub(" ", text.lower()).split())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = "".join(c if c.isalnum() else " " for c in text)
    return " ".join(text.split())


_ASCII_PUNCTUATION = re.compile(r"[^a-z0-9]+")


def search(loaded: LoadedGraph, text: str, limit: int = 20) -> list[SearchHit]:
    """Entities whose label, alias or id matches ``text``, best first.

    Where an entity has several matching names, the best score wins, then a label over an alias over
    the id, then the name first in code-point order: the same hit whatever order the store lists names in.
    """
    query = normalise(text)
    if not query:
        return []
    best: dict[str, tuple[int, int, str]] = {}  # entity IRI -> (-score, rank of the name's kind, name)
    for rank, iri, name in _names(loaded.store):
        score = _score(query, normalise(name))
        if score:
            key = (-score, rank, name)
            if iri not in best or key < best[iri]:
                best[iri] = key
    labels = loaded.labels(best)
    types = _type_names(loaded, best)
    hits = []
    for iri, (negative_score, _, name) in best.items():
        label = labels.get(iri) or local_id(iri)
        hits.append(SearchHit((negative_score, len(label), label), local_id(iri), label, types[iri], name, -negative_score))
    return sorted(hits)[:limit]


def suggest_ids(loaded: LoadedGraph, wrong: str, n: int = 3) -> list[str]:
    """Ids close to ``wrong`` (by spelling, or by a label match) for a "did you mean" hint."""
    ids = sorted({local_id(iri) for _, iri, _ in _names(loaded.store)})
    close = difflib.get_close_matches(wrong, ids, n=n, cutoff=0.6)
    for hit in search(loaded, wrong.replace("-", " "), limit=n):
        if hit.id not in close:
            close.append(hit.id)
    return close[:n]


def _names(store):  # noqa: ANN001, ANN202 - a pyoxigraph.Store; yields (rank, entity IRI, name)
    """Every entity's labels (rank 0), aliases (rank 1) and id (rank 2): entities are the IRIs under ``ID_BASE``."""
    import pyoxigraph as ox

    default = ox.DefaultGraph()
    for rank, predicate in enumerate((SKOS_PREF_LABEL, SKOS_ALT_LABEL)):
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, default):
            subject, value = quad.subject, quad.object
            if type(subject) is ox.NamedNode and type(value) is ox.Literal and subject.value.startswith(ID_BASE):
                yield rank, subject.value, value.value
    typed = {quad.subject.value for quad in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, default) if type(quad.subject) is ox.NamedNode}
    for iri in typed:
        if iri.startswith(ID_BASE) and "/cite/" not in iri:
            yield 2, iri, local_id(iri)


def _score(query: str, name: str) -> int:
    if not name:
        return 0
    if name == query:
        return 100
    if name.startswith(query):
        return 80
    if f" {query}" in f" {name}":
        return 60
    if query in name:
        return 40
    return 0


def _type_names(loaded: LoadedGraph, entities) -> dict[str, str]:  # noqa: ANN001 - entity IRIs
    """Each entity's type, by label (the first in order where it has several; SKOS concept left out), else ""."""
    import pyoxigraph as ox

    rdf_type = ox.NamedNode(RDF_TYPE)
    types = {
        iri: [quad.object.value for quad in loaded.store.quads_for_pattern(ox.NamedNode(iri), rdf_type, None, ox.DefaultGraph()) if quad.object.value != SKOS_CONCEPT]
        for iri in entities
    }
    labels = loaded.labels({t for found in types.values() for t in found})
    return {iri: min((labels.get(t) or local_id(t) for t in found), default="") for iri, found in types.items()}
