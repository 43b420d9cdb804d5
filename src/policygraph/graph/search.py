"""Find entities by label, alias or id: case- and accent-insensitive, ranked."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import label_of, local_id
from policygraph.terms import ID_BASE, RDF, SKOS

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
    """Entities whose label, alias or id matches ``text``, best first."""
    graph = loaded.graph
    query = normalise(text)
    if not query:
        return []
    best: dict[URIRef, tuple[int, str]] = {}
    for subject, name in _names(graph):
        score = _score(query, normalise(name))
        if score and score > best.get(subject, (0, ""))[0]:
            best[subject] = (score, name)
    hits = []
    for subject, (score, name) in best.items():
        label = label_of(graph, subject)
        hits.append(SearchHit((-score, len(label), label), local_id(subject), label, _type_name(graph, subject), name, score))
    return sorted(hits)[:limit]


def suggest_ids(loaded: LoadedGraph, wrong: str, n: int = 3) -> list[str]:
    """Ids close to ``wrong`` (by spelling, or by a label match) for a "did you mean" hint."""
    ids = sorted({local_id(s) for s, _ in _names(loaded.graph)})
    close = difflib.get_close_matches(wrong, ids, n=n, cutoff=0.6)
    for hit in search(loaded, wrong.replace("-", " "), limit=n):
        if hit.id not in close:
            close.append(hit.id)
    return close[:n]


def _names(graph: Graph):
    for predicate in (SKOS.prefLabel, SKOS.altLabel):
        for subject, value in graph.subject_objects(predicate):
            if isinstance(subject, URIRef) and str(subject).startswith(ID_BASE) and isinstance(value, Literal):
                yield subject, str(value)
    for subject in set(graph.subjects(RDF.type, None)):
        if isinstance(subject, URIRef) and str(subject).startswith(ID_BASE) and "/cite/" not in str(subject):
            yield subject, local_id(subject)


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


def _type_name(graph: Graph, subject: URIRef) -> str:
    types = sorted(label_of(graph, t) for t in graph.objects(subject, RDF.type) if t != SKOS.Concept)
    return types[0] if types else ""
