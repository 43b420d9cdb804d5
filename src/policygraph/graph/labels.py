"""Human-readable names for nodes: the English label, else any label, else the id."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from policygraph.names import ID_BASE, best_label, local_id
from policygraph.terms import RDFS, SKOS, VOCAB_BASE

__all__ = ["label_of", "best_label", "local_id", "node_for_id", "format_number", "is_controlled", "word_of"]


def node_for_id(identifier: str) -> URIRef:
    """The IRI of an id (an IRI given in full is returned as it is)."""
    if identifier.startswith(("http://", "https://", "urn:")):
        return URIRef(identifier)
    return URIRef(ID_BASE + identifier)


def label_of(graph: Graph, node: Node, lang: str = "en") -> str:
    """The best label of ``node`` for a reader of ``lang``."""
    if isinstance(node, Literal):
        return str(node)
    best = None
    for predicate in (SKOS.prefLabel, RDFS.label):
        for value in graph.objects(node, predicate):
            if isinstance(value, Literal):
                if value.language == lang:
                    return str(value)
                if best is None or value.language is None:
                    best = str(value)
        if best is not None:
            return best
    return local_id(node)


def is_controlled(node: Node) -> bool:
    """True for a controlled value: a concept of ``ontology/concepts.ttl`` that stands for a YAML word."""
    return isinstance(node, URIRef) and str(node).startswith(VOCAB_BASE)


def word_of(graph: Graph, value: Node | None) -> str | None:
    """The word a value is written as in YAML: a controlled value's ``skos:notation``, a literal's text, None for none.

    Code that prints or compares ``pg:status``, ``pg:stance``, ``pg:unit`` and the other controlled
    values reads them through this, as queries do through ``skos:notation``.
    """
    if value is None:
        return None
    if is_controlled(value):
        notation = graph.value(value, SKOS.notation)
        return str(notation) if notation is not None else str(value).rsplit("/", 1)[1]
    return str(value)


def format_number(value: Node | None) -> str:
    """A figure for people: ``45970`` → ``45,970``, ``1.5`` stays ``1.5``; anything else as it is."""
    if value is None:
        return "?"
    number = value.toPython() if isinstance(value, Literal) else value
    try:
        return f"{number:,.0f}" if number == int(number) else f"{number:,}"
    except (TypeError, ValueError):
        return str(value)
